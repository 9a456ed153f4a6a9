package org.openclaw.sessionstatus.snapshot;

import java.time.Instant;
import java.util.Map;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.model.SessionModel;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.model.StatusView;

/**
 * One immutable revision of everything the daemon says, with every document already serialised, so serving a
 * request copies bytes whatever the number of sessions. The byte arrays are shared: never modify them.
 *
 * @param etag a strong entity tag unique to this revision of this process
 * @param ready the first scan is done; before that the status is not yet known
 * @param periodic made because {@code logIntervalMs} passed, not because anything changed
 * @param health what the sources could see, as one, with their counters
 * @param sources each source's health, by its units (the {@code source_<units>} families of {@code /metrics})
 * @param statusCode 200, or 503 while no session source can be seen (then {@code statusJson} says why)
 * @param metricsText this revision in the Prometheus text format (the lease actions' counters are read apart, when
 *     scraped: see {@link MetricsPage})
 * @param gateway whether the gateway answers, its lanes, and where {@code maxConcurrent} came from
 */
// The documents are serialised once and shared by every reader, never modified; snapshots are never compared by value.
@SuppressWarnings("ArrayRecordComponent")
public record Snapshot(long revision, String etag, Instant generatedAt, boolean ready, boolean periodic,
        StatusView status, BusyView busy, SourceHealth health, Map<String, SourceHealth> sources, int statusCode,
        byte[] statusJson, byte[] busyJson, byte[] leaseJson, byte[] metricsText, SessionModel.GatewayReading gateway) {

    static Snapshot of(long revision, String etag, long now, boolean periodic, SessionModel.Evaluation evaluation) {
        Instant at = Instant.ofEpochMilli(now);
        String unavailable = Documents.statusUnavailable(evaluation.ready(), evaluation.health());
        Map<String, SourceHealth> sources = evaluation.sources();
        return new Snapshot(revision, etag, at, evaluation.ready(), periodic, evaluation.status(), evaluation.busy(),
                evaluation.health(), Map.copyOf(sources), unavailable == null ? 200 : 503,
                unavailable == null ? Documents.status(at, evaluation.status()) : Documents.error(unavailable),
                Documents.busy("snapshot", at, evaluation.busy()), Documents.lease(at, evaluation.busy()),
                PrometheusText.render(revision, evaluation), evaluation.gateway());
    }

    /** {@code {"ok":false,"error":"…"}}: the body of every error answer. */
    public static byte[] errorJson(String message) {
        return Documents.error(message);
    }

    /** The busy-state document as a log-stream line: same shape, the given event. */
    public byte[] busyJson(String event, Instant at) {
        return Documents.busy(event, at, busy);
    }
}
