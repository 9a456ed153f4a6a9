package org.openclaw.sessionstatus.model;

import java.util.Set;

/** The model's rules: which evidence counts, the windows, the lease timings (SPEC §2–§4). */
public record Policy(
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

    public Policy {
        runningEvidence = Set.copyOf(runningEvidence);
    }

    boolean uses(RunningEvidence evidence) {
        return runningEvidence.contains(evidence);
    }
}
