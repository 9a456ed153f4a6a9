package org.openclaw.sessionstatus.model;

import java.util.List;
import java.util.Set;

/**
 * A change to the sessions of one partition (a session dir, a database): upserts keyed by session key, removals,
 * or — after a scan — the partition's whole content, so a rescan can neither lose nor duplicate a session.
 *
 * @param lostAtMs 0 when what is removed ended or went away; else the removals are sessions the source lost sight
 *     of at this instant (their database or dir vanished): one that was in flight is held as stale work until the
 *     source sees it again or {@code cautiousLeaseMs} passes
 */
public record PartitionUpdate(String partition, boolean replaceAll, List<SessionEvidence> upserts, Set<String> removedKeys,
        long lostAtMs) {

    public static PartitionUpdate replace(String partition, List<SessionEvidence> sessions) {
        return new PartitionUpdate(partition, true, List.copyOf(sessions), Set.of(), 0);
    }

    public static PartitionUpdate drop(String partition) {
        return replace(partition, List.of());
    }

    public static PartitionUpdate patch(String partition, List<SessionEvidence> upserts, Set<String> removedKeys) {
        return new PartitionUpdate(partition, false, List.copyOf(upserts), Set.copyOf(removedKeys), 0);
    }

    /** These keys are out of the source's sight since {@code atMs}: no longer seen, not seen to end. */
    public static PartitionUpdate lost(String partition, Set<String> keys, long atMs) {
        return patch(partition, List.of(), keys).lostAt(atMs);
    }

    /** The same update, its removals lost from sight since {@code atMs} (0: seen to go). */
    public PartitionUpdate lostAt(long atMs) {
        return new PartitionUpdate(partition, replaceAll, upserts, removedKeys, atMs);
    }
}
