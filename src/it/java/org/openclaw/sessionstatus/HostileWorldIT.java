package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Transcripts;

/**
 * The daemon as its own process in a world that misbehaves everywhere at once: FIFOs and devices where files should
 * be, wrong-typed and future-dated store entries, a stdout nobody reads, hundreds of clients that send half a
 * request, and one that asks and never reads. Meanwhile every thread must keep going: each new session must show
 * within seconds, and {@code /healthz} must answer at once.
 */
class HostileWorldIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "hostile-test-secret-93ab";
    static final Duration DEADLINE = Duration.ofSeconds(30);
    /** How late a new session may show, and a probe may answer, before a thread counts as frozen. */
    static final Duration FROZEN = Duration.ofSeconds(3);
    @TempDir
    Path tmp;
    ServeProcess daemon;
    final List<Socket> sockets = new ArrayList<>();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(FROZEN).build();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    static Path sessions(Path state, String agent) throws IOException {
        return Files.createDirectories(state.resolve("agents").resolve(agent).resolve("sessions"));
    }

    /** A state dir with something hostile in every place the daemon reads, and one well-behaved agent. */
    Path hostileState() throws Exception {
        Path state = tmp.resolve("state");
        Path fifos = sessions(state, "fifos");
        Fixtures.mkfifo(fifos.resolve("sessions.json"));
        Fixtures.mkfifo(fifos.resolve("a.jsonl.lock"));
        Fixtures.mkfifo(fifos.resolve("b.jsonl"));
        Path devices = sessions(state, "devices");
        Files.createSymbolicLink(devices.resolve("sessions.json"), Path.of("/dev/zero"));
        Files.createSymbolicLink(devices.resolve("c.jsonl.lock"), Path.of("/dev/urandom"));
        Path bad = sessions(state, "bad");
        long now = System.currentTimeMillis();
        long year2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        Files.writeString(bad.resolve("sessions.json"), "{"
                + "\"agent:bad:object\":{\"sessionId\":\"o\",\"updatedAt\":{\"x\":1}},"
                + "\"agent:bad:array\":{\"sessionId\":\"r\",\"updatedAt\":" + now + ",\"endedAt\":[1,2]},"
                + "\"agent:bad:zero\":{\"sessionId\":\"z\",\"updatedAt\":" + (now - 60_000) + ",\"sessionFile\":\"/dev/zero\"},"
                + "\"agent:bad:future\":{\"sessionId\":\"f\",\"updatedAt\":" + year2100 + "}}");
        Path idle = bad.resolve("idle.jsonl");
        Files.writeString(idle, Transcripts.FINISHED);
        Files.setLastModifiedTime(idle, FileTime.fromMillis(now - 3_600_000));
        sessions(state, "good");
        return state;
    }

    @Test
    void noFileClientOrPipeFreezesTheDaemon() throws Exception {
        Path state = hostileState();
        // A stdout pipe nobody reads, and a log line every 10 ms to fill it within a second.
        daemon = new ServeProcess(tmp, Map.of("OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET), "--state-dir",
                state.toString(), "--log-interval-ms", "10", "--running-window-ms", "2000", "--redact-keys", "false");
        int port = daemon.port;

        // 200 clients that send half a request, and one that asks for much and reads nothing.
        for (int i = 0; i < 200; i++) {
            Socket slow = connect(port);
            slow.getOutputStream().write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        Socket hog = connect(port);
        OutputStream hogOut = hog.getOutputStream();
        hogOut.write(("GET /metrics HTTP/1.1\r\nAuthorization: Bearer " + SECRET + "\r\n\r\n").repeat(2_000)
                .getBytes(StandardCharsets.US_ASCII));

        // Through the head deadline (10 s) and past it: a new session each second, seen within seconds.
        Path good = state.resolve("agents/good/sessions");
        long slowestShow = 0;
        long slowestProbe = 0;
        for (int i = 0; i < 14; i++) {
            long written = System.nanoTime();
            Files.writeString(good.resolve("s" + i + ".jsonl"), Transcripts.IN_TOOL_CALL);
            String key = "agent:good:s" + i;
            JsonNode shown = awaitStatus(port, status -> hasSession(status, key, "running"));
            assertTrue(hasSession(shown, key, "running"), "session " + i + " shown: " + shown + "; stderr: " + daemon.stderr);
            slowestShow = Math.max(slowestShow, System.nanoTime() - written);

            long asked = System.nanoTime();
            assertEquals(200, get(port, "/healthz").statusCode(), "stderr: " + daemon.stderr);
            slowestProbe = Math.max(slowestProbe, System.nanoTime() - asked);
            TimeUnit.MILLISECONDS.sleep(Math.max(0, 1_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written)));
        }
        System.out.printf("hostile world: slowest new session shown after %.0f ms, slowest /healthz %.0f ms%n",
                slowestShow / 1e6, slowestProbe / 1e6);
        assertTrue(slowestShow < FROZEN.toNanos(), "a change took " + slowestShow / 1_000_000 + " ms to show");
        assertTrue(slowestProbe < FROZEN.toNanos(), "a probe took " + slowestProbe / 1_000_000 + " ms");

        // The entry from 2100 was taken as the moment it was read: it ages out like any other.
        JsonNode aged = awaitStatus(port, status -> hasSession(status, "agent:bad:future", "idle"));
        assertTrue(hasSession(aged, "agent:bad:future", "idle"), aged.toString());
        assertTrue(hasSession(aged, "agent:bad:zero", "idle"), "an entry naming /dev/zero is still read: " + aged);
        String metrics = get(port, "/metrics").body();
        assertTrue(counter(metrics, "skipped_files_total") >= 7, metrics);
        assertTrue(counter(metrics, "future_timestamps_total") >= 1, metrics);

        // One scan on the command line, over the same world, ends.
        Process status = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "org.openclaw.sessionstatus.cli.Main", "status", "--state-dir", state.toString())
                .redirectOutput(tmp.resolve("status.out").toFile()).redirectError(tmp.resolve("status.err").toFile())
                .start();
        boolean ended = status.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        status.destroyForcibly();
        String printed = Files.readString(tmp.resolve("status.out"));
        assertTrue(ended, "status ended: " + Files.readString(tmp.resolve("status.err")));
        assertEquals(0, status.exitValue(), Files.readString(tmp.resolve("status.err")));
        assertTrue(JSON.readTree(printed).path("sessions").path("total").asInt() >= 15, printed);
    }

    static boolean hasSession(JsonNode status, String key, String state) {
        for (JsonNode session : status.path("sessions").path("details")) {
            if (session.get("key").asText().equals(key)) {
                return session.get("status").asText().equals(state);
            }
        }
        return false;
    }

    static long counter(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^openclaw_session_status_" + name + " (\\d+)$").matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    JsonNode awaitStatus(int port, java.util.function.Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        JsonNode status = JSON.createObjectNode();
        while (System.nanoTime() < deadline) {
            status = JSON.readTree(get(port, "/plugins/session-status/status").body());
            if (condition.test(status)) {
                return status;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return status;
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(FROZEN)
                .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString());
    }

    Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        sockets.add(socket);
        return socket;
    }
}
