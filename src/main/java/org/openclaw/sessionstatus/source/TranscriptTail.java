package org.openclaw.sessionstatus.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.openclaw.sessionstatus.model.Phase;

/**
 * Reads the phase of a transcript's last message from its tail (SPEC §2). It reads {@value #FIRST_WINDOW} bytes
 * from the end and, only while no whole message line is in view (a long tool result), widens up to
 * {@value #MAX_WINDOW} bytes: the cost is bounded whatever the file's size. A last line still being written is
 * skipped as unparseable.
 */
final class TranscriptTail {
    static final int FIRST_WINDOW = 64 * 1024;
    static final int MAX_WINDOW = 1024 * 1024;
    private static final JsonFactory JSON = new JsonFactory();

    /** @param lastMessageAtMs the {@code timestamp} of the last message line, 0 if none or unreadable */
    record Result(Phase phase, long lastMessageAtMs) {
        static final Result UNKNOWN = new Result(Phase.UNKNOWN, 0);
    }

    private TranscriptTail() {
    }

    static Result read(SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        int window = (int) Math.min(size, FIRST_WINDOW);
        while (window > 0) {
            byte[] bytes = readLast(channel, size, window);
            Result result = lastMessage(bytes, window < size);
            if (result != null) {
                return result;
            }
            if (window == size || window >= MAX_WINDOW) {
                break;
            }
            window = (int) Math.min(size, Math.min((long) window * 4, MAX_WINDOW));
        }
        return Result.UNKNOWN;
    }

    private static byte[] readLast(SeekableByteChannel channel, long size, int window) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(window);
        channel.position(size - window);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // keep reading: a channel may return fewer bytes than asked
        }
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /**
     * Scans lines from the last to the first. Returns null when no message line is in view and more of the file
     * lies before the window (the caller widens it).
     *
     * @param cutAtStart the window starts inside the file: its first line is a fragment and is not parsed
     */
    private static Result lastMessage(byte[] bytes, boolean cutAtStart) {
        boolean promptErrorAfter = false;
        int end = bytes.length;
        while (end > 0) {
            int start = end - 1;
            while (start >= 0 && bytes[start] != '\n') {
                start--;
            }
            if (start < 0 && cutAtStart) {
                return null;
            }
            Line line = parse(bytes, start + 1, end);
            end = Math.max(start, 0);
            if (line == null) {
                continue;
            }
            if (line.type.equals("custom") && "openclaw:prompt-error".equals(line.customType)) {
                promptErrorAfter = true;
            } else if (line.type.equals("message")) {
                Phase phase = phaseOf(line);
                // A prompt error after the last message means the run died there (e.g. an abort mid tool call).
                return new Result(promptErrorAfter && phase.inFlight() ? Phase.FAILED : phase, line.timestampMs);
            }
        }
        return cutAtStart ? null : Result.UNKNOWN;
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

    private record Line(String type, String customType, String role, String stopReason, long timestampMs) {
    }

    /** Streams one line, keeping the few fields needed and skipping content: null when it is not a JSON object. */
    private static Line parse(byte[] bytes, int from, int to) {
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
                    case "timestamp" -> timestamp = epochMillis(json.getValueAsString());
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

    private static long epochMillis(String iso) {
        if (iso == null) {
            return 0;
        }
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
