package org.openclaw.sessionstatus.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.model.StatusView;

/** The JSON documents of a snapshot, in the exact field order of the contracts (docs/design.md §8). */
final class Documents {
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Documents() {
    }

    static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    /** {@code {"ok":false,"error":"…"}}: the body of every error answer. */
    static byte[] error(String message) {
        return write(json -> {
            json.writeStartObject();
            json.writeBooleanField("ok", false);
            json.writeStringField("error", message);
            json.writeEndObject();
        });
    }

    /** Why there is no status to give, or null when there is one. */
    static @Nullable String statusUnavailable(boolean ready, SourceHealth health) {
        if (!ready) {
            return "starting: the first scan is not done yet";
        }
        return health.unavailable() ? "no session source can be read (" + health.unreadable()
                + " unreadable): the daemon cannot see whether any slot is free" : null;
    }

    static byte[] status(Instant generatedAt, StatusView view) {
        return write(json -> {
            json.writeStartObject();
            json.writeBooleanField("ok", true);
            json.writeStringField("timestamp", iso(generatedAt));
            if (view.partial()) {
                // Some agents cannot be seen: the counts are a floor of running and a ceiling of available.
                json.writeBooleanField("partial", true);
                json.writeNumberField("unreadable", view.unreadable());
            }
            json.writeObjectFieldStart("sessions");
            json.writeNumberField("running", view.running());
            json.writeNumberField("idle", view.idle());
            json.writeNumberField("total", view.total());
            json.writeNumberField("maxConcurrent", view.maxConcurrent());
            json.writeNumberField("available", view.available());
            json.writeArrayFieldStart("details");
            for (StatusView.Detail detail : view.details()) {
                json.writeStartObject();
                json.writeStringField("key", detail.key());
                json.writeStringField("status", detail.status());
                json.writeStringField("agent", detail.agent());
                json.writeStringField("kind", detail.kind());
                json.writeNumberField("updatedAt", detail.updatedAt());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    static byte[] busy(String event, Instant generatedAt, BusyView view) {
        return write(json -> {
            json.writeStartObject();
            header(json, generatedAt, view, event);
            json.writeArrayFieldStart("reason");
            for (BusyView.Reason reason : view.reasons()) {
                json.writeString(reason.wireName());
            }
            json.writeEndArray();
            lease(json, view);
            BusyView.Totals totals = view.totals();
            json.writeObjectFieldStart("totals");
            json.writeNumberField("active", totals.active());
            json.writeNumberField("queued", totals.queued());
            json.writeNumberField("running", totals.running());
            json.writeNumberField("completedRecently", totals.completedRecently());
            json.writeNumberField("failures", totals.failures());
            json.writeNumberField("stale", totals.stale());
            json.writeEndObject();
            json.writeEndObject();
        });
    }

    /** The lease route: only what a controller acts on. */
    static byte[] lease(Instant generatedAt, BusyView view) {
        return write(json -> {
            json.writeStartObject();
            header(json, generatedAt, view, null);
            lease(json, view);
            json.writeEndObject();
        });
    }

    private static void header(JsonGenerator json, Instant generatedAt, BusyView view, @Nullable String event)
            throws IOException {
        json.writeStringField("marker", "openclaw-busy-state");
        json.writeNumberField("version", 1);
        if (event != null) {
            json.writeStringField("event", event);
        }
        json.writeStringField("generatedAt", iso(generatedAt));
        if (event != null) {
            instantOrNull(json, "lastObservedAt", view.lastObservedAtMs());
        }
        json.writeBooleanField("busy", view.busy());
        json.writeStringField("confidence", view.confidence().wireName());
        json.writeBooleanField("stale", view.stale());
    }

    private static void lease(JsonGenerator json, BusyView view) throws IOException {
        json.writeObjectFieldStart("lease");
        json.writeStringField("recommendedAction", view.action().wireName());
        json.writeNumberField("extendForMs", view.extendForMs());
        json.writeNumberField("idleGraceMs", view.idleGraceMs());
        json.writeBooleanField("wakeRequired", view.wakeRequired());
        instantOrNull(json, "nextWakeAt", view.nextWakeAtMs());
        json.writeEndObject();
    }

    /** An epoch-ms instant as ISO, or null when it is 0 (none). */
    private static void instantOrNull(JsonGenerator json, String field, long epochMs) throws IOException {
        if (epochMs > 0) {
            json.writeStringField(field, iso(Instant.ofEpochMilli(epochMs)));
        } else {
            json.writeNullField(field);
        }
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
