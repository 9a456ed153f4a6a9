package org.openclaw.sessionstatus.source.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the fixtures under {@code src/test/fixtures/gateway-2026.9.6/} were made: connects to a real gateway as the
 * source does, then writes one JSON line per frame — the hello, every event, and each poll's call and answer — with
 * the time it arrived, until killed. {@code FrameRecorder URL TOKEN_FILE DEVICE_KEY OUT [POLL_MS]}.
 */
final class FrameRecorder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FrameRecorder() {
    }

    public static void main(String[] args) throws Exception {
        GatewayEndpoint endpoint = new GatewayEndpoint(URI.create(args[0]),
                new GatewayEndpoint.Token(Files.readString(Path.of(args[1])).strip()));
        DeviceIdentity device = DeviceIdentity.loadOrCreate(Path.of(args[2]));
        long pollMs = args.length > 4 ? Long.parseLong(args[4]) : 500;
        try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[3]))) {
            long start = System.nanoTime();
            GatewayConnection connection = GatewayConnection.open(HttpClient.newHttpClient(), endpoint, () -> device,
                    List.of("operator.read"), "recorder", Duration.ofSeconds(10), event -> write(out, "event", event));
            System.err.printf("connected in %d ms%n", (System.nanoTime() - start) / 1_000_000);
            write(out, "hello", connection.hello().payload());
            call(out, connection, "sessions.subscribe", JSON.createObjectNode());
            while (!connection.closed().isDone()) {
                call(out, connection, "diagnostics.lanes", JSON.createObjectNode());
                call(out, connection, "sessions.list", JSON.createObjectNode().put("activeOnly", true));
                Thread.sleep(pollMs);
            }
        }
    }

    private static void call(BufferedWriter out, GatewayConnection connection, String method, ObjectNode params)
            throws InterruptedException {
        long sent = System.currentTimeMillis();
        try {
            JsonNode payload = connection.await(method, params, Duration.ofSeconds(5));
            ObjectNode line = JSON.createObjectNode().put("method", method).put("sentAt", sent);
            line.set("params", params);
            line.set("payload", payload);
            write(out, "call", line);
        } catch (GatewayException e) {
            System.err.println(method + ": " + e.getMessage());
        }
    }

    private static synchronized void write(BufferedWriter out, String kind, JsonNode frame) {
        try {
            ObjectNode line = JSON.createObjectNode().put("at", System.currentTimeMillis()).put("kind", kind);
            line.set("frame", frame);
            out.write(line.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
