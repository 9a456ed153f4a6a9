package org.openclaw.sessionstatus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Frames a real OpenClaw 2026.9.6 gateway sent to a read-scoped client ({@code src/test/fixtures/gateway-2026.9.6/},
 * made by {@code FrameRecorder}): one JSON line each, {@code kind} {@code hello}, {@code event} or {@code call}
 * (with the method, its params and the answer's payload).
 */
public final class GatewayRecording {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<JsonNode> lines;

    private GatewayRecording(List<JsonNode> lines) {
        this.lines = lines;
    }

    public static GatewayRecording load(String name) {
        Path file = Fixtures.root().resolve("gateway-2026.9.6").resolve(name);
        try (var stream = Files.lines(file)) {
            return new GatewayRecording(stream.map(line -> {
                try {
                    return JSON.readTree(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode hello() {
        return lines.stream().filter(line -> line.path("kind").asText().equals("hello")).findFirst().orElseThrow()
                .path("frame");
    }

    /** The first answer to {@code method} that satisfies the condition. */
    public JsonNode answer(String method, Predicate<JsonNode> condition) {
        return lines.stream().filter(line -> line.path("kind").asText().equals("call"))
                .map(line -> line.path("frame"))
                .filter(frame -> frame.path("method").asText().equals(method) && condition.test(frame.path("payload")))
                .findFirst().orElseThrow(() -> new AssertionError("no recorded answer to " + method + " like that"))
                .path("payload");
    }

    /** The first event frame of that name that satisfies the condition. */
    public JsonNode event(String name, Predicate<JsonNode> condition) {
        return lines.stream().filter(line -> line.path("kind").asText().equals("event"))
                .map(line -> line.path("frame"))
                .filter(frame -> frame.path("event").asText().equals(name) && condition.test(frame.path("payload")))
                .findFirst().orElseThrow(() -> new AssertionError("no recorded " + name + " event like that"));
    }

    /** The {@code main} lane of a {@code diagnostics.lanes} answer. */
    public static JsonNode mainLane(JsonNode lanes) {
        for (JsonNode lane : lanes.path("lanes")) {
            if (lane.path("lane").asText().equals("main")) {
                return lane;
            }
        }
        throw new AssertionError("no main lane");
    }

    /** How many rows of a {@code sessions.list} answer have that status. */
    public static long sessions(JsonNode list, String status) {
        long n = 0;
        for (JsonNode row : list.path("sessions")) {
            n += row.path("status").asText().equals(status) ? 1 : 0;
        }
        return n;
    }
}
