package org.openclaw.sessionstatus.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What a session key says: its agent, its kind and its redacted form (docs/design.md §6). */
public final class SessionKeys {
    static final String MAIN_KEY = "main";

    /** Segments after these name a person, a chat, or a run: they are hashed when keys are redacted. */
    private static final Set<String> MARKERS =
            Set.of("direct", "group", "channel", "thread", "topic", "subagent", "cron", "hook", "acp", "run");

    private SessionKeys() {
    }

    /** The agent id of {@code agent:<id>:…} keys; other keys ({@code global}, {@code node-…}) belong to the dir's agent. */
    public static String agent(String key, String fallback) {
        if (key.startsWith("agent:")) {
            int end = key.indexOf(':', "agent:".length());
            if (end > "agent:".length()) {
                return key.substring("agent:".length(), end);
            }
        }
        return fallback;
    }

    /** The key without its {@code agent:<id>:} prefix. */
    static String rest(String key) {
        if (key.startsWith("agent:")) {
            int end = key.indexOf(':', "agent:".length());
            if (end > 0) {
                return key.substring(end + 1);
            }
        }
        return key;
    }

    static Kind kind(String key, @Nullable String chatType) {
        String rest = rest(key);
        String delimited = ":" + rest + ":";
        if (rest.equals(MAIN_KEY)) {
            return Kind.MAIN;
        } else if (rest.startsWith("subagent:")) {
            return Kind.SUBAGENT;
        } else if (rest.startsWith("cron:")) {
            return Kind.CRON;
        } else if (rest.startsWith("hook:")) {
            return Kind.HOOK;
        } else if (rest.startsWith("acp:")) {
            return Kind.ACP;
        } else if (key.startsWith("node-")) {
            return Kind.NODE;
        } else if (delimited.contains(":group:") || delimited.contains(":channel:")
                || "group".equals(chatType) || "channel".equals(chatType)) {
            return Kind.GROUP;
        } else if (rest.contains("direct:")) {
            return Kind.DIRECT;
        }
        return Kind.OTHER;
    }

    /**
     * Replaces every segment that follows a marker (up to the next marker, so ids with colons such as Matrix's
     * {@code @alice:example.org} are hashed whole) and account ids between a channel name and its first marker.
     */
    static String redact(String key) {
        String rest = rest(key);
        String[] segments = rest.split(":", -1);
        int firstMarker = segments.length;
        for (int i = segments.length - 1; i >= 0; i--) {
            if (MARKERS.contains(segments[i])) {
                firstMarker = i;
            }
        }
        if (firstMarker == segments.length) {
            return key;
        }
        List<String> out = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        boolean afterMarker = false;
        for (int i = 0; i < segments.length; i++) {
            if (MARKERS.contains(segments[i])) {
                flushHashed(pending, out);
                out.add(segments[i]);
                afterMarker = true;
            } else if (afterMarker || (i >= 1 && i < firstMarker)) {
                pending.add(segments[i]);
            } else {
                out.add(segments[i]);
            }
        }
        flushHashed(pending, out);
        return key.substring(0, key.length() - rest.length()) + String.join(":", out);
    }

    private static void flushHashed(List<String> pending, List<String> out) {
        if (!pending.isEmpty()) {
            out.add(hash(String.join(":", pending)));
            pending.clear();
        }
    }

    /** Short and stable across restarts, so a dispatcher can follow one chat without learning who it is. */
    private static String hash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "#" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
