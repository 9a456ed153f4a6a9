package org.openclaw.sessionstatus.snapshot;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.model.SessionModel;
import org.openclaw.sessionstatus.model.SlotSource;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.model.StatusView;

/**
 * One revision in the Prometheus text format 0.0.4. Gauges and counters only: KEDA's metrics-api scaler and other
 * simple parsers take no other type. No label names a session: the label values are fixed enumerations.
 */
final class PrometheusText {
    static final String PREFIX = "openclaw_session_status_";
    /** What each source's readable/unreadable units are, for the help line of {@code source_<units>}. */
    private static final Map<String, String> UNITS = Map.of(
            "dirs", "Session dirs",
            "databases", "OpenClaw databases (agent and state)",
            "gateway", "Gateway connections");

    private final StringBuilder text = new StringBuilder(2048);

    private PrometheusText() {
    }

    /**
     * The evaluation's health is every source as one, for the counters; its sources give one
     * {@code source_<units>} family each.
     */
    static byte[] render(long revision, SessionModel.Evaluation evaluation) {
        StatusView status = evaluation.status();
        BusyView busy = evaluation.busy();
        SourceHealth health = evaluation.health();
        Map<String, SourceHealth> sources = evaluation.sources();
        PrometheusText metrics = new PrometheusText();
        metrics.family("sessions", "gauge", "Sessions by state, as on the status route (stale sessions count as idle).");
        metrics.sample("sessions", "state", "running", status.running());
        metrics.sample("sessions", "state", "idle", status.idle());
        metrics.gauge("stale_sessions", "Sessions whose running claim is no longer backed by evidence (busy totals.stale).",
                busy.totals().stale());
        metrics.gauge("max_concurrent", "Concurrent runs the gateway allows.", status.maxConcurrent());
        metrics.gauge("available_slots",
                "maxConcurrent minus what holds or will hold a slot, never below 0.", status.available());
        SessionModel.GatewayReading gateway = evaluation.gateway();
        metrics.family("max_concurrent_source", "gauge", "1 for where maxConcurrent came from, 0 for the others.");
        for (SlotSource source : SlotSource.values()) {
            metrics.sample("max_concurrent_source", "source", source.wireName(), source == gateway.slotSource() ? 1 : 0);
        }
        metrics.gauge("gateway_connected", "1 while connected to the gateway's WebSocket.", gateway.connected() ? 1 : 0);
        metrics.gauge("gateway_authoritative", "1 while the gateway answered within the last 2 s.",
                gateway.authoritative() ? 1 : 0);
        if (!gateway.lanes().isEmpty()) {
            metrics.family("lane_active", "gauge", "Runs holding a slot of each gateway lane, as the gateway last said.");
            gateway.lanes().forEach(lane -> metrics.sample("lane_active", "lane", lane.name(), lane.active()));
            metrics.family("lane_queued", "gauge", "Runs waiting for a slot of each gateway lane.");
            gateway.lanes().forEach(lane -> metrics.sample("lane_queued", "lane", lane.name(), lane.queued()));
            metrics.family("lane_max_concurrent", "gauge", "Slots of each gateway lane.");
            gateway.lanes().forEach(lane -> metrics.sample("lane_max_concurrent", "lane", lane.name(),
                    lane.maxConcurrent()));
        }
        metrics.gauge("busy", "1 when a run is in flight.", busy.busy() ? 1 : 0);
        metrics.gauge("stale", "1 when the answer rests on stale evidence.", busy.stale() ? 1 : 0);
        metrics.family("lease_action", "gauge", "1 for the recommended lease action, 0 for the others.");
        for (BusyView.Action action : BusyView.Action.values()) {
            metrics.sample("lease_action", "action", action.wireName(), action == busy.action() ? 1 : 0);
        }
        metrics.family("confidence", "gauge", "1 for the confidence of the answer, 0 for the others.");
        for (BusyView.Confidence confidence : BusyView.Confidence.values()) {
            metrics.sample("confidence", "confidence", confidence.wireName(), confidence == busy.confidence() ? 1 : 0);
        }
        metrics.family("last_activity_timestamp_seconds", "gauge",
                "Newest activity on any session, unix time in seconds; 0 when none was seen.");
        metrics.sample("last_activity_timestamp_seconds", BigDecimal.valueOf(busy.lastObservedAtMs(), 3).toPlainString());
        // NaN, not 0, when no run is scheduled: 0 would read as a wake due since 1970 (Prometheus' own advice for a
        // value that does not exist yet), and an absent series breaks alert rules and KEDA queries alike.
        metrics.family("next_wake_timestamp_seconds", "gauge",
                "When the gateway next runs scheduled work by itself (lease nextWakeAt), unix time in seconds;"
                        + " NaN when none.");
        metrics.sample("next_wake_timestamp_seconds",
                busy.nextWakeAtMs() > 0 ? BigDecimal.valueOf(busy.nextWakeAtMs(), 3).toPlainString() : "NaN");
        metrics.gauge("wake_required", "1 while the lease says release_after_grace and a scheduled run is pending.",
                busy.wakeRequired() ? 1 : 0);
        metrics.gauge("snapshot_revision", "Revision of the snapshot these figures come from (the ETag's number).", revision);
        for (SourceHealth source : sources.values()) {
            String family = "source_" + source.source();
            metrics.family(family, "gauge", UNITS.getOrDefault(source.source(), source.source())
                    + " by whether they could be read.");
            metrics.sample(family, "state", "readable", source.readable());
            metrics.sample(family, "state", "unreadable", source.unreadable());
        }
        metrics.counter("rescans_total", "Full rescans since start, summed over the sources, each one's first scan included.",
                health.rescans());
        metrics.counter("watcher_errors_total", "File watcher errors since start (an inotify overflow is one).",
                health.watcherErrors());
        metrics.counter("skipped_files_total", "Files and entries skipped since start because they could not be parsed.",
                health.skippedFiles());
        metrics.counter("future_timestamps_total",
                "Distinct timestamps found more than 10 s in the future since start, each taken as the moment it was first read.",
                health.futureTimestamps());
        return metrics.bytes();
    }

    /**
     * The lease actions' families, read when {@code /metrics} is scraped (not part of a revision).
     *
     * @param actions the configured lease actions, in name order: nothing when there is none
     */
    static byte[] actions(Map<String, ActionStatus> actions) {
        PrometheusText metrics = new PrometheusText();
        if (!actions.isEmpty()) {
            metrics.family("action_calls_total", "counter", "Calls each lease action made since start, by outcome.");
            for (ActionStatus action : actions.values()) {
                metrics.sample("action_calls_total{action=\"" + action.action() + "\",outcome=\"ok\"}", Long.toString(action.ok()));
                metrics.sample("action_calls_total{action=\"" + action.action() + "\",outcome=\"failed\"}",
                        Long.toString(action.failed()));
                metrics.sample("action_calls_total{action=\"" + action.action() + "\",outcome=\"timeout\"}",
                        Long.toString(action.timedOut()));
            }
            metrics.family("action_protecting", "gauge",
                    "1 when a lease action's last successful call asked for protection (the lease was busy).");
            for (ActionStatus action : actions.values()) {
                metrics.sample("action_protecting", "action", action.action(), action.protecting() ? 1 : 0);
            }
        }
        return metrics.bytes();
    }

    private byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void gauge(String name, String help, long value) {
        family(name, "gauge", help);
        sample(name, Long.toString(value));
    }

    private void counter(String name, String help, long value) {
        family(name, "counter", help);
        sample(name, Long.toString(value));
    }

    private void family(String name, String type, String help) {
        text.append("# HELP ").append(PREFIX).append(name).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(PREFIX).append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String label, String labelValue, long value) {
        sample(name + "{" + label + "=\"" + labelValue + "\"}", Long.toString(value));
    }

    private void sample(String nameAndLabels, String value) {
        text.append(PREFIX).append(nameAndLabels).append(' ').append(value).append('\n');
    }
}
