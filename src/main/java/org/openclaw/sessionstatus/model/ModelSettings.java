package org.openclaw.sessionstatus.model;

import java.util.Set;

/**
 * The settings the model's rules read: which evidence counts, the windows, the lease timings (docs/design.md §5, §7).
 */
public record ModelSettings(
        Set<RunningEvidence> runningEvidence,
        long runningWindowMs,
        long detailsWindowMs,
        long activityTtlMs,
        long cautiousLeaseMs,
        long activeLeaseMs,
        long idleGraceMs,
        long logIntervalMs,
        int maxConcurrent,
        boolean redactKeys) {

    public ModelSettings {
        runningEvidence = Set.copyOf(runningEvidence);
    }

    boolean uses(RunningEvidence evidence) {
        return runningEvidence.contains(evidence);
    }
}
