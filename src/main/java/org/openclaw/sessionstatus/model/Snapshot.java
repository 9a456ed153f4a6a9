package org.openclaw.sessionstatus.model;

import java.time.Instant;

/**
 * One immutable revision of everything the daemon says, with every document already serialised, so serving a
 * request copies bytes whatever the number of sessions. The byte arrays are shared: never modify them.
 *
 * @param etag a strong entity tag unique to this revision of this process
 * @param ready the first scan is done; before that the status is not yet known
 * @param periodic made because {@code logIntervalMs} passed, not because anything changed
 * @param health what the source could see, with its counters
 * @param metricsText this revision in the Prometheus text format
 */
public record Snapshot(long revision, String etag, Instant generatedAt, boolean ready, boolean periodic,
        StatusView status, BusyView busy, SourceHealth health, byte[] statusJson, byte[] busyJson, byte[] leaseJson,
        byte[] metricsText) {

    static Snapshot of(long revision, String etag, long now, boolean periodic, SessionModel.Evaluation evaluation) {
        Instant at = Instant.ofEpochMilli(now);
        return new Snapshot(revision, etag, at, evaluation.ready(), periodic, evaluation.status(), evaluation.busy(),
                evaluation.health(), Documents.status(at, evaluation.status()),
                Documents.busy("snapshot", at, evaluation.busy()), Documents.lease(at, evaluation.busy()),
                Metrics.render(revision, evaluation.status(), evaluation.busy(), evaluation.health()));
    }

    /** The busy-state document as a log-stream line: same shape, the given event. */
    public byte[] busyJson(String event, Instant at) {
        return Documents.busy(event, at, busy);
    }
}
