package org.openclaw.sessionstatus.model;

import java.util.List;
import java.util.OptionalInt;

/** Where sources deliver evidence. Implementations take it on any thread and hand it to the model's writer. */
public interface EvidenceSink {

    /** Apply these changes together: the model recomputes once for the whole batch. */
    void accept(List<PartitionUpdate> updates);

    void health(SourceHealth health);

    /** The gateway's own concurrency limit, for {@code maxConcurrent: "auto"}; empty: it sets none. */
    void maxConcurrent(OptionalInt slots);
}
