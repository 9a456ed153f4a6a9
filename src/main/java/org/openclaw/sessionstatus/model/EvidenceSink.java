package org.openclaw.sessionstatus.model;

import java.util.List;
import java.util.OptionalLong;

/** Where sources deliver evidence. Implementations take it on any thread and hand it to the model's writer. */
public interface EvidenceSink {

    /** Apply these changes together: the model recomputes once for the whole batch. */
    void accept(List<PartitionUpdate> updates);

    void health(SourceHealth health);

    /** For {@code maxConcurrent: "auto"}: the slot count while no gateway lane is known. */
    void maxConcurrent(SlotLimit limit);

    /** What the gateway said last over its protocol; replaces what it said before. */
    void gateway(GatewayView view);

    /**
     * The earliest scheduled run this source knows of (epoch ms), replacing what it said before; empty: none. The
     * model's {@code nextWakeAt} is the earliest of every source's.
     *
     * @param source the source's health name ({@link SourceHealth#source()})
     */
    void nextWake(String source, OptionalLong atMs);
}
