package org.openclaw.sessionstatus.source.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.OptionalLong;
import org.openclaw.sessionstatus.source.Timestamps;

/**
 * A session write lock, {@code {"pid":N,"createdAt":"ISO","maxHoldMs":N,"starttime":N}}. A lock whose content cannot
 * be read (being written, or foreign) still exists and still counts: it keeps the file's mtime as its creation time
 * and OpenClaw's default hold, and its holder cannot be checked.
 */
record LockFile(OptionalLong pid, OptionalLong starttime, long createdAtMs, long maxHoldMs) {
    static final long DEFAULT_MAX_HOLD_MS = 300_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    static LockFile parse(byte[] content, long fileMtimeMs) {
        try {
            JsonNode node = JSON.readTree(content);
            if (node != null && node.isObject()) {
                return new LockFile(positive(node.get("pid")), positive(node.get("starttime")),
                        createdAt(node.get("createdAt"), fileMtimeMs),
                        positive(node.get("maxHoldMs")).orElse(DEFAULT_MAX_HOLD_MS));
            }
        } catch (IOException e) {
            // fall through: an unreadable lock is still a lock
        }
        return new LockFile(OptionalLong.empty(), OptionalLong.empty(), fileMtimeMs, DEFAULT_MAX_HOLD_MS);
    }

    private static OptionalLong positive(JsonNode node) {
        return node != null && node.canConvertToLong() && node.asLong() > 0 ? OptionalLong.of(node.asLong())
                : OptionalLong.empty();
    }

    private static long createdAt(JsonNode node, long fallback) {
        return node != null && node.isTextual() ? Timestamps.epochMillis(node.textValue(), fallback) : fallback;
    }
}
