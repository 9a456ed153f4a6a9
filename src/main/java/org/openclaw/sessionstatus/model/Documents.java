package org.openclaw.sessionstatus.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Serialises snapshots in the exact field order of the contracts (SPEC §3, §4). */
final class Documents {
    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Documents() {
    }

    static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    static byte[] status(Instant generatedAt, StatusView view) {
        return write(json -> {
            json.writeStartObject();
            json.writeBooleanField("ok", true);
            json.writeStringField("timestamp", iso(generatedAt));
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
