package org.openclaw.sessionstatus.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.Phase;

/**
 * The phase of a transcript's last message (docs/design.md §5), from its lines offered newest first — a file's tail in
 * the file era, {@code transcript_events} rows in the SQLite era. Only a few fields of each line are read; content is
 * skipped, and a line that is not one whole JSON object (cut off mid-write) is no evidence.
 */
public final class LastMessage {
    private static final JsonFactory JSON = new JsonFactory();

    /** @param lastMessageAtMs the {@code timestamp} of the last message line, 0 if none or unreadable */
    public record Result(Phase phase, long lastMessageAtMs) {
        public static final Result UNKNOWN = new Result(Phase.UNKNOWN, 0);
    }

    private boolean promptErrorAfter;

    /** Offers the next line back in time. @return the result once a message line decides it, else null */
    public @Nullable Result older(byte[] bytes, int from, int to) {
        Line line = parse(bytes, from, to);
        if (line == null) {
            return null;
        }
        if (line.type.equals("custom") && "openclaw:prompt-error".equals(line.customType)) {
            promptErrorAfter = true;
        } else if (line.type.equals("message")) {
            Phase phase = phaseOf(line);
            // A prompt error after the last message means the run died there (e.g. an abort mid tool call).
            return new Result(promptErrorAfter && phase.inFlight() ? Phase.FAILED : phase, line.timestampMs);
        }
        return null;
    }

    private static Phase phaseOf(Line line) {
        if (line.role == null) {
            return Phase.UNKNOWN;
        }
        return switch (line.role) {
            case "user", "toolResult" -> Phase.AWAITING_MODEL;
            case "assistant" -> switch (line.stopReason == null ? "" : line.stopReason) {
                case "toolUse" -> Phase.IN_TOOL_CALL;
                case "error", "aborted" -> Phase.FAILED;
                default -> Phase.FINISHED;
            };
            default -> Phase.UNKNOWN;
        };
    }

    private record Line(String type, @Nullable String customType, @Nullable String role, @Nullable String stopReason,
            long timestampMs) {
    }

    /** Streams one line, keeping the few fields needed and skipping content: null when it is not a JSON object. */
    private static @Nullable Line parse(byte[] bytes, int from, int to) {
        if (to - from < 2) {
            return null;
        }
        String type = null;
        String customType = null;
        String role = null;
        String stopReason = null;
        long timestamp = 0;
        try (JsonParser json = JSON.createParser(bytes, from, to - from)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "type" -> type = json.getValueAsString();
                    case "customType" -> customType = json.getValueAsString();
                    case "timestamp" -> timestamp = Timestamps.epochMillis(json.getValueAsString(), 0);
                    case "message" -> {
                        if (value == JsonToken.START_OBJECT) {
                            while (json.nextToken() == JsonToken.FIELD_NAME) {
                                String inner = json.currentName();
                                json.nextToken();
                                if (inner.equals("role")) {
                                    role = json.getValueAsString();
                                } else if (inner.equals("stopReason")) {
                                    stopReason = json.getValueAsString();
                                } else {
                                    json.skipChildren();
                                }
                            }
                        } else {
                            json.skipChildren();
                        }
                    }
                    default -> json.skipChildren();
                }
            }
            // The line must close properly: a line cut off mid-write is not evidence.
            if (json.currentToken() != JsonToken.END_OBJECT || type == null) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return new Line(type, customType, role, stopReason, timestamp);
    }
}
