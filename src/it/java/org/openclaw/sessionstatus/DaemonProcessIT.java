package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.Await;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Python;

/** The daemon as its own process, as systemd or a container would run it. */
class DaemonProcessIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "process-test-secret-7d1f";
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final String QUICK = "3faa6366-867f-4ebe-ab84-e8d7b6a2cb02";

    @TempDir
    Path tmp;
    ServeProcess daemon;
    final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    final List<String> allStdout = new CopyOnWriteArrayList<>();
    final HttpClient client = HttpClient.newHttpClient();
    int port;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    Path start(long logIntervalMs) throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofHours(1)));
        Path config = Files.writeString(tmp.resolve("config.json"), "{\"logIntervalMs\":" + logIntervalMs + "}");
        Path out = tmp.resolve("stdout");
        daemon = new ServeProcess(tmp, Map.of("OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET), out,
                "--config", config.toString(), "--state-dir", state.toString());
        port = daemon.port;
        follow(out, line -> {
            allStdout.add(line);
            stdout.add(line);
        });
        return state.resolve("agents/main/sessions");
    }

    /** Hands each complete line of a growing file to the sink, like {@code tail -f} (which polls at the end, too). */
    static void follow(Path file, java.util.function.Consumer<String> sink) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                StringBuilder partial = new StringBuilder();
                while (true) {
                    int c = lines.read();
                    if (c < 0) {
                        Thread.sleep(5);
                    } else if (c == '\n') {
                        sink.accept(partial.toString());
                        partial.setLength(0);
                    } else {
                        partial.append((char) c);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** The next log-stream line the condition accepts; every line on stdout must be one JSON object. */
    JsonNode nextLine(Predicate<JsonNode> condition, String what) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            String line = stdout.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                JsonNode json = JSON.readTree(line);
                assertEquals("openclaw-busy-state", json.get("marker").asText(), line);
                assertEquals(1, json.get("version").asInt(), line);
                if (condition.test(json)) {
                    return json;
                }
            }
        }
        throw new AssertionError("no log line: " + what + "; stdout so far: " + allStdout + "; stderr: " + daemon.stderr);
    }

    static Predicate<JsonNode> event(String event) {
        return json -> json.get("event").asText().equals(event);
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void streamsStartupChangesSnapshotsAndShutdownOnStdout() throws Exception {
        Path sessions = start(400);
        JsonNode startup = nextLine(event("startup"), "startup");
        assertEquals("release_after_grace", startup.get("lease").get("recommendedAction").asText());
        nextLine(event("snapshot"), "a periodic snapshot while nothing changes");

        long appended = System.nanoTime();
        Files.writeString(sessions.resolve(QUICK + ".jsonl"), "{\"type\":\"message\",\"id\":\"x\",\"parentId\":null,"
                + "\"timestamp\":\"" + Instant.now() + "\",\"message\":{\"role\":\"user\",\"content\":\"more\"}}\n",
                StandardOpenOption.APPEND);
        JsonNode change = nextLine(event("change"), "change after an append");
        System.out.printf("append → change line: %.1f ms%n", (System.nanoTime() - appended) / 1e6);
        assertEquals("extend", change.get("lease").get("recommendedAction").asText());
        assertTrue(change.get("busy").asBoolean());
        assertEquals("active_agent_runs", change.get("reason").get(0).asText());

        // Every surface of one revision agrees.
        HttpResponse<String> snapshot = get("/plugins/busy-state/snapshot");
        HttpResponse<String> lease = get("/plugins/busy-state/lease");
        assertEquals(200, snapshot.statusCode());
        assertEquals(snapshot.headers().firstValue("ETag"), lease.headers().firstValue("ETag"));
        JsonNode leaseBody = JSON.readTree(lease.body());
        List<String> fields = new ArrayList<>();
        leaseBody.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("marker", "version", "generatedAt", "busy", "confidence", "stale", "lease"), fields);
        assertEquals(JSON.readTree(snapshot.body()).get("lease"), leaseBody.get("lease"));
        assertEquals(JSON.readTree(snapshot.body()).get("generatedAt"), leaseBody.get("generatedAt"));

        daemon.process.destroy(); // SIGTERM
        assertTrue(daemon.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, daemon.process.exitValue(), "an orderly exit on SIGTERM; stderr: " + daemon.stderr);
        nextLine(event("shutdown"), "shutdown");
        assertEquals("shutdown", JSON.readTree(allStdout.get(allStdout.size() - 1)).get("event").asText());
        assertPrivate(Stream.concat(allStdout.stream(), Stream.of(snapshot.body(), lease.body())).toList(), sessions);
    }

    /** No busy-state line or body names a session, a session id, a path, a prompt, or the secret. */
    void assertPrivate(List<String> outputs, Path sessions) throws IOException {
        List<String> secrets = new ArrayList<>(List.of(SECRET, tmp.toString(), "/home/openclaw", "agent:main",
                "hello quick", "SLEEP", "sleep 20", "fake-model", "harness-token"));
        JsonNode store = JSON.readTree(Files.readString(sessions.resolve("sessions.json")));
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) store.properties()::iterator) {
            secrets.add(entry.getKey());
            secrets.add(entry.getValue().get("sessionId").asText());
            secrets.add(entry.getValue().get("sessionId").asText().substring(0, 8));
        }
        assertFalse(outputs.isEmpty());
        for (String output : outputs) {
            for (String secret : secrets) {
                assertFalse(output.contains(secret), "'" + secret + "' leaked in: " + output);
            }
        }
    }

    @Test
    void theSampleControllerExtendsWhileBusy() throws Exception {
        String python3 = Python.require("json");
        Path sessions = start(15_000);
        nextLine(event("startup"), "startup");
        Files.writeString(sessions.resolve(QUICK + ".jsonl"), "{\"type\":\"message\",\"id\":\"x\",\"parentId\":null,"
                + "\"timestamp\":\"" + Instant.now() + "\",\"message\":{\"role\":\"assistant\",\"stopReason\":\"toolUse\"}}\n",
                StandardOpenOption.APPEND);
        nextLine(event("change"), "busy");
        Path secretFile = Files.writeString(tmp.resolve("secret"), SECRET);
        Process controller = new ProcessBuilder(python3, "docs/controller.py", "--url", "http://127.0.0.1:" + port,
                "--secret-file", secretFile.toString(), "--interval", "0.1", "--iterations", "2")
                .redirectErrorStream(true).start();
        assertTrue(controller.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        String output = new String(controller.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, controller.exitValue(), output);
        assertEquals(2, output.lines().filter(l -> l.contains("recommended=extend decision=extend")).count(), output);
    }

    @Test
    void aMissingStateDirIsToldOnceWithTheSettingsThatNameItAndAgainWhenItAppears() throws Exception {
        Path state = tmp.resolve("no-openclaw-yet");
        daemon = new ServeProcess(tmp, Map.of("OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET), "--state-dir",
                state.toString());
        port = daemon.port;
        Await.until("a warning names the missing state dir", () -> !lines("WARN", state + " does not exist").isEmpty());
        String warning = lines("WARN", state + " does not exist").get(0);
        assertTrue(warning.contains("--state-dir") && warning.contains("stateDir") && warning.contains("$OPENCLAW_STATE_DIR"),
                warning);
        assertEquals(503, get("/plugins/session-status/status").statusCode());

        Files.createDirectories(state.resolve("agents"));
        Await.until("its arrival is told", () -> !lines("INFO", state + " exists now").isEmpty());
        assertEquals(1, lines("WARN", "does not exist").size(), daemon.stderr.toString());
    }

    /** The daemon's stderr lines at that level that contain the text. */
    List<String> lines(String level, String text) {
        return daemon.stderr.stream().filter(line -> line.contains(" " + level + " ") && line.contains(text)).toList();
    }

    @Test
    void aBadConfigExitsTwoNamingTheKey() throws Exception {
        Path config = Files.writeString(tmp.resolve("bad.json"), "{\"http\":{\"port\":99999}}");
        Process bad = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.openclaw.sessionstatus.cli.Main", "serve",
                "--config", config.toString()).redirectErrorStream(true).start();
        assertTrue(bad.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        String output = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, bad.exitValue(), output);
        assertTrue(output.contains("config http.port: must be a port from 0 to 65535, got 99999"), output);
    }
}
