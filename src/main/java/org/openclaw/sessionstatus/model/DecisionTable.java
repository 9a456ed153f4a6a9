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
 * not ready, or nothing readable and no gateway → unknown            (confidence unknown)
 * running + queued > 0                       → extend  activeLeaseMs  (partial if a source is partial)
 * stale > 0, a source unreadable, rescanning → hold    cautiousLeaseMs (partial if a source is partial)
 * otherwise                                  → release_after_grace
 * </pre>
 *
 * Confidence is {@code authoritative} where it would be {@code best_effort} while the gateway's word is fresh
 * (SPEC §2c): nothing is partial, and the gateway answered within two seconds.
 */
final class DecisionTable {

    /**
     * What the sessions add up to at one instant.
     *
     * @param disagree the disk shows a run in flight that the gateway does not
     * @param gatewayFresh the gateway answered within {@link GatewayView#FRESH_MS}: these totals include its word
     */
    record Tally(int running, int queued, int stale, int completedRecently, int failures, boolean agentRuns, boolean toolCalls,
            boolean subagentRuns, boolean cronRuns, boolean recentActivity, long lastObservedAtMs, boolean disagree,
            boolean gatewayFresh) {
    }

    private DecisionTable() {
    }

    /** @param nextWakeAtMs the next scheduled run, 0 if none: reported whatever the action */
    static BusyView decide(Tally tally, SourceHealth source, long nextWakeAtMs, ModelSettings settings) {
        boolean unavailable = source.unavailable() && !tally.gatewayFresh();
        boolean partial = source.partial();
        Confidence sure = tally.gatewayFresh() ? Confidence.AUTHORITATIVE : Confidence.BEST_EFFORT;
        List<Reason> reasons = new ArrayList<>();
        Action action;
        Confidence confidence;
        long extendFor = 0;
        if (!source.scanned() || unavailable) {
            action = Action.UNKNOWN;
            confidence = Confidence.UNKNOWN;
            reasons.add(source.scanned() ? Reason.SOURCE_UNAVAILABLE : Reason.STARTING);
        } else if (tally.running() + tally.queued() > 0) {
            action = Action.EXTEND;
            confidence = partial ? Confidence.PARTIAL : sure;
            extendFor = settings.activeLeaseMs();
            addIf(reasons, tally.agentRuns(), Reason.ACTIVE_AGENT_RUNS);
            addIf(reasons, tally.toolCalls(), Reason.ACTIVE_TOOL_CALLS);
            addIf(reasons, tally.subagentRuns(), Reason.ACTIVE_SUBAGENT_RUNS);
            addIf(reasons, tally.cronRuns(), Reason.ACTIVE_CRON_RUNS);
            addIf(reasons, tally.queued() > 0, Reason.QUEUED_RUNS);
            addIf(reasons, tally.recentActivity(), Reason.RECENT_ACTIVITY);
            addIf(reasons, tally.disagree(), Reason.SOURCES_DISAGREE);
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
            confidence = sure;
            reasons.add(tally.completedRecently() > 0 ? Reason.RECENTLY_COMPLETED : Reason.IDLE);
        }
        BusyView.Totals totals = new BusyView.Totals(tally.running() + tally.queued(), tally.queued(), tally.running(),
                tally.completedRecently(), tally.failures(), tally.stale());
        return new BusyView(tally.running() + tally.queued() > 0, confidence, tally.stale() > 0, reasons, action, extendFor,
                settings.idleGraceMs(), totals, tally.lastObservedAtMs(), nextWakeAtMs);
    }

    private static void addIf(List<Reason> reasons, boolean condition, Reason reason) {
        if (condition) {
            reasons.add(reason);
        }
    }
}
