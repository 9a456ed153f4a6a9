package org.openclaw.sessionstatus.http;

import java.nio.charset.StandardCharsets;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * Content types and fixed bodies: errors as {@code {"ok":false,"error":"…"}} (docs/design.md §9), the probes'
 * {@code {"ok":true}}.
 */
final class Responses {
    static final String JSON = "application/json";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    static final byte[] PUSH_FULL = error("too many event streams and held requests open; retry shortly");

    private Responses() {
    }

    static byte[] error(String message) {
        return Snapshot.errorJson(message);
    }
}
