package org.openclaw.sessionstatus.model;

import java.util.List;

/** Where sources deliver evidence. Implementations take it on any thread and hand it to the model's writer. */
public interface EvidenceSink {

    /** Apply these changes together: the model recomputes once for the whole batch. */
    void accept(List<PartitionUpdate> updates);

    void health(SourceHealth health);

    /** For {@code maxConcurrent: "auto"}: the slot count while no gateway lane is known. */
    void maxConcurrent(SlotLimit limit);

    /** What the gateway said last over its protocol; replaces what it said before. */
    void gateway(GatewayView view);
}
