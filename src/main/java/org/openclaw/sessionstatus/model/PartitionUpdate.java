package org.openclaw.sessionstatus.model;

import java.util.List;
import java.util.Set;

/**
 * A change to the sessions of one partition (a session dir, a database): upserts keyed by session key, removals,
 * or — after a scan — the partition's whole content, so a rescan can neither lose nor duplicate a session.
 */
public record PartitionUpdate(String partition, boolean replaceAll, List<SessionEvidence> upserts, Set<String> removedKeys) {

    public static PartitionUpdate replace(String partition, List<SessionEvidence> sessions) {
        return new PartitionUpdate(partition, true, List.copyOf(sessions), Set.of());
    }

    public static PartitionUpdate drop(String partition) {
        return replace(partition, List.of());
    }

    public static PartitionUpdate patch(String partition, List<SessionEvidence> upserts, Set<String> removedKeys) {
        return new PartitionUpdate(partition, false, List.copyOf(upserts), Set.copyOf(removedKeys));
    }
}
