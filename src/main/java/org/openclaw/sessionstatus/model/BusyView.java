package org.openclaw.sessionstatus.model;

import java.util.List;

/**
 * The busy-state snapshot of SPEC §4 without its timestamps: two equal views are the same revision.
 *
 * @param lastObservedAtMs newest activity on any session, 0 if none
 */
public record BusyView(boolean busy, Confidence confidence, boolean stale, List<Reason> reasons, Action action,
        long extendForMs, long idleGraceMs, Totals totals, long lastObservedAtMs) {

    public BusyView {
        reasons = List.copyOf(reasons);
    }

    public enum Confidence { BEST_EFFORT, PARTIAL, UNKNOWN }

    public enum Action { EXTEND, HOLD, RELEASE_AFTER_GRACE, UNKNOWN }

    /** Why: which evidence made it busy, why it holds, or why it cannot say. */
    public enum Reason {
        ACTIVE_AGENT_RUNS, ACTIVE_TOOL_CALLS, ACTIVE_SUBAGENT_RUNS, ACTIVE_CRON_RUNS, RECENT_ACTIVITY, STALE_WORK,
        RECENTLY_COMPLETED, SOURCE_PARTIAL, SOURCE_UNAVAILABLE, STARTING, IDLE
    }

    /** {@code active = running + queued}; nothing on disk shows queued work, so {@code queued} is 0. */
    public record Totals(int active, int queued, int running, int completedRecently, int failures, int stale) {
    }
}
