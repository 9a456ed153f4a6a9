package org.openclaw.sessionstatus.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The busy-state snapshot of docs/design.md §8 without its timestamps: two equal views are the same revision.
 *
 * @param lastObservedAtMs newest activity on any session, 0 if none
 * @param nextWakeAtMs when the gateway next runs scheduled work by itself (the earliest enabled cron job's next run,
 *     the earliest any source knows of), 0 if none is known; at or before now: a run is due and not yet started
 */
public record BusyView(boolean busy, Confidence confidence, boolean stale, List<Reason> reasons, Action action,
        long extendForMs, long idleGraceMs, Totals totals, long lastObservedAtMs, long nextWakeAtMs) {

    public BusyView {
        reasons = List.copyOf(reasons);
    }

    /**
     * A controller that stops the gateway now must start it again by {@code nextWakeAtMs}: the lease says release
     * and a scheduled run is pending.
     */
    public boolean wakeRequired() {
        return action == Action.RELEASE_AFTER_GRACE && nextWakeAtMs > 0;
    }

    /**
     * Whether this view is news to a consumer that last heard {@code previous} (null: nothing yet): {@code busy},
     * {@code confidence}, the recommended action or the next wake differ. What the log stream's and the event
     * stream's {@code change} events are made of.
     */
    public boolean changedFrom(@Nullable BusyView previous) {
        return previous == null || busy != previous.busy || confidence != previous.confidence
                || action != previous.action || nextWakeAtMs != previous.nextWakeAtMs;
    }

    public enum Confidence implements WireName { AUTHORITATIVE, BEST_EFFORT, PARTIAL, UNKNOWN }

    public enum Action implements WireName { EXTEND, HOLD, RELEASE_AFTER_GRACE, UNKNOWN }

    /** Why: which evidence made it busy, why it holds, or why it cannot say. */
    public enum Reason implements WireName {
        ACTIVE_AGENT_RUNS, ACTIVE_TOOL_CALLS, ACTIVE_SUBAGENT_RUNS, ACTIVE_CRON_RUNS, QUEUED_RUNS, RECENT_ACTIVITY,
        SOURCES_DISAGREE, STALE_WORK, RECENTLY_COMPLETED, SOURCE_PARTIAL, SOURCE_UNAVAILABLE, STARTING, IDLE
    }

    /**
     * @param active {@code running + queued}
     * @param queued inputs the gateway accepted that wait behind a turn in flight (SQLite era; 0 in the file era)
     * @param running sessions and background runs in flight
     */
    public record Totals(int active, int queued, int running, int completedRecently, int failures, int stale) {
    }
}
