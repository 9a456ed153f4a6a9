package org.openclaw.sessionstatus.model;

import java.util.ArrayList;
import java.util.List;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Confidence;
import org.openclaw.sessionstatus.model.BusyView.Reason;

/**
 * The decision table of docs/design.md §7, first match wins:
 *
 * <pre>
 * not ready, or no session source readable  → unknown               (confidence unknown)
 * running > 0                                → extend  activeLeaseMs  (partial if a source is partial)
 * stale > 0, a source unreadable, rescanning → hold    cautiousLeaseMs (partial if a source is partial)
 * otherwise                                  → release_after_grace
 * </pre>
 */
final class DecisionTable {

    /** What the sessions add up to at one instant. */
    record Tally(int running, int queued, int stale, int completedRecently, int failures, boolean agentRuns, boolean toolCalls,
            boolean subagentRuns, boolean cronRuns, boolean recentActivity, long lastObservedAtMs) {
    }

    private DecisionTable() {
    }

    /** @param nextWakeAtMs the next scheduled run, 0 if none: reported whatever the action */
    static BusyView decide(Tally tally, SourceHealth source, long nextWakeAtMs, ModelSettings settings) {
        boolean unavailable = source.unavailable();
        boolean partial = source.partial();
        List<Reason> reasons = new ArrayList<>();
        Action action;
        Confidence confidence;
        long extendFor = 0;
        if (!source.scanned() || unavailable) {
            action = Action.UNKNOWN;
            confidence = Confidence.UNKNOWN;
            reasons.add(source.scanned() ? Reason.SOURCE_UNAVAILABLE : Reason.STARTING);
        } else if (tally.running() > 0) {
            action = Action.EXTEND;
            confidence = partial ? Confidence.PARTIAL : Confidence.BEST_EFFORT;
            extendFor = settings.activeLeaseMs();
            addIf(reasons, tally.agentRuns(), Reason.ACTIVE_AGENT_RUNS);
            addIf(reasons, tally.toolCalls(), Reason.ACTIVE_TOOL_CALLS);
            addIf(reasons, tally.subagentRuns(), Reason.ACTIVE_SUBAGENT_RUNS);
            addIf(reasons, tally.cronRuns(), Reason.ACTIVE_CRON_RUNS);
            addIf(reasons, tally.recentActivity(), Reason.RECENT_ACTIVITY);
            addIf(reasons, tally.stale() > 0, Reason.STALE_WORK);
            addIf(reasons, partial, Reason.SOURCE_PARTIAL);
        } else if (tally.stale() > 0 || partial) {
            action = Action.HOLD;
            confidence = partial ? Confidence.PARTIAL : Confidence.BEST_EFFORT;
            extendFor = settings.cautiousLeaseMs();
            addIf(reasons, tally.stale() > 0, Reason.STALE_WORK);
            addIf(reasons, partial, Reason.SOURCE_PARTIAL);
            addIf(reasons, tally.completedRecently() > 0, Reason.RECENTLY_COMPLETED);
        } else {
            action = Action.RELEASE_AFTER_GRACE;
            confidence = Confidence.BEST_EFFORT;
            reasons.add(tally.completedRecently() > 0 ? Reason.RECENTLY_COMPLETED : Reason.IDLE);
        }
        BusyView.Totals totals = new BusyView.Totals(tally.running() + tally.queued(), tally.queued(), tally.running(),
                tally.completedRecently(), tally.failures(), tally.stale());
        return new BusyView(tally.running() > 0, confidence, tally.stale() > 0, reasons, action, extendFor,
                settings.idleGraceMs(), totals, tally.lastObservedAtMs(), nextWakeAtMs);
    }

    private static void addIf(List<Reason> reasons, boolean condition, Reason reason) {
        if (condition) {
            reasons.add(reason);
        }
    }
}
