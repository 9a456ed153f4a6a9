package org.openclaw.sessionstatus.model;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Where sources deliver evidence. Implementations take it on any thread and hand it to the model's writer. */
public interface EvidenceSink {

    /** Apply these changes together: the model recomputes once for the whole batch. */
    void accept(List<PartitionUpdate> updates);

    void health(SourceHealth health);

    /** The gateway's own concurrency limit, for {@code maxConcurrent: "auto"}; empty: it sets none. */
    void maxConcurrent(OptionalInt slots);

    /**
     * The earliest scheduled run this source knows of (epoch ms), replacing what it said before; empty: none. The
     * model's {@code nextWakeAt} is the earliest of every source's.
     *
     * @param source the source's health name ({@link SourceHealth#source()})
     */
    void nextWake(String source, OptionalLong atMs);
}
