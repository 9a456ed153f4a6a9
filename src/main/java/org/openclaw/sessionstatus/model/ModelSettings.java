package org.openclaw.sessionstatus.model;

import java.util.Set;

/**
 * The settings the model's rules read: which evidence counts, the windows, the lease timings (docs/design.md §5, §7).
 *
 * @param maxConcurrent the configured slot count; with {@code maxConcurrentAuto}, what counts until a source says
 * @param maxConcurrentAuto {@code maxConcurrent: "auto"}: the gateway's lane, else its config, else the release's default
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
        boolean redactKeys,
        boolean maxConcurrentAuto) {

    public ModelSettings {
        runningEvidence = Set.copyOf(runningEvidence);
    }

    boolean uses(RunningEvidence evidence) {
        return runningEvidence.contains(evidence);
    }
}
