package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.Schemas;
import org.openclaw.sessionstatus.testing.Transcripts;

/**
 * The published schemas against what the daemon really says: every route's answers, the log stream's lines and the
 * event stream's events, from recorded state dirs of both eras and a partial one; and against documents that are
 * wrong, which they must reject.
 */
class SchemaContractTest {
    static final String SECRET = "schema-test-secret-0b7e";

    @TempDir
    Path tmp;

    static void assertConforms(String schema, String document) {
        List<String> errors = Schemas.errors(schema, document);
        assertTrue(errors.isEmpty(), schema + " rejects " + document + ": " + errors);
    }

    Config config(Path state, Map<String, String> env) throws Exception {
        return new ConfigLoader(env, tmp.resolve("none.json")).load(Optional.empty(),
                Map.of("stateDir", state.toString(), "http.port", "0"));
    }

    @Test
    void everyAnswerLineAndEventOfARunningDaemonConforms() throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofMinutes(2)));
        // One agent whose store cannot be read: the status is partial.
        Path hidden = Files.createDirectories(state.resolve("agents/hidden/sessions"));
        Files.createDirectory(hidden.resolve("sessions.json"));
        Map<String, String> env = Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET);
        Config config = config(state, env);
        List<String> lines = new CopyOnWriteArrayList<>();
        List<String> documents = new ArrayList<>();
        List<String> events = new ArrayList<>();
        try (Daemon daemon = Daemon.start(config, new Secrets(env).resolve(config, false).secret(), env,
                Clock.systemUTC(), new LogStream(lines::add, Clock.systemUTC()))) {
            daemon.model().await(Snapshot::ready, Harness.DEADLINE);
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + daemon.port());
            for (String route : List.of("/plugins/session-status/status", "/plugins/busy-state/snapshot",
                    "/plugins/busy-state/lease", "/plugins/busy-state/other")) {
                documents.add(client.send(HttpRequest.newBuilder(base.resolve(route))
                        .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString()).body());
            }
            assertTrue(documents.get(0).contains("\"partial\":true"), documents.get(0));

            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", daemon.port()));
                socket.setSoTimeout((int) Harness.DEADLINE.toMillis());
                socket.getOutputStream().write(("GET /plugins/busy-state/events HTTP/1.1\r\nAuthorization: Bearer "
                        + SECRET + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                events.add(nextData(in));
                Files.writeString(state.resolve("agents/main/sessions/new.jsonl"), Transcripts.IN_TOOL_CALL);
                events.add(nextData(in));
            }
        }
        assertConforms(Schemas.STATUS, documents.get(0));
        assertConforms(Schemas.BUSY_STATE, documents.get(1));
        assertConforms(Schemas.LEASE, documents.get(2));
        assertConforms(Schemas.ERROR, documents.get(3));
        assertEquals(2, events.size());
        events.forEach(event -> assertConforms(Schemas.BUSY_STATE, event));
        assertTrue(events.get(1).contains("\"event\":\"change\""), events.get(1));
        List<String> kinds = lines.stream().map(line -> line.replaceAll(".*\"event\":\"([a-z]+)\".*", "$1")).distinct().toList();
        assertTrue(kinds.containsAll(List.of("startup", "change", "shutdown")), kinds.toString());
        lines.forEach(line -> assertConforms(Schemas.BUSY_STATE, line));
    }

    static String nextData(BufferedReader in) throws Exception {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("data: ")) {
                return line.substring("data: ".length());
            }
        }
        throw new AssertionError("the stream ended");
    }

    @Test
    void theSqliteEraAndAnUnreadableStateDirConformToo() throws Exception {
        Path state = Fixtures.copySqlite("queued", tmp.resolve("sqlite"));
        Map<String, String> env = Map.of("HOME", tmp.toString());
        Snapshot queued = Daemon.scanOnce(config(state, env), env, Clock.systemUTC());
        // Read long after it was recorded: its gateway is gone and its heartbeat fell due and never ran.
        assertTrue(new String(queued.leaseJson(), StandardCharsets.UTF_8)
                .contains("\"wakeRequired\":true,\"nextWakeAt\":\"2026-11-22T19:44:25.005Z\""));
        assertConforms(Schemas.STATUS, new String(queued.statusJson(), StandardCharsets.UTF_8));
        assertConforms(Schemas.BUSY_STATE, new String(queued.busyJson(), StandardCharsets.UTF_8));
        assertConforms(Schemas.LEASE, new String(queued.leaseJson(), StandardCharsets.UTF_8));

        Snapshot nothing = Daemon.scanOnce(config(tmp.resolve("no-such-dir"), env), env, Clock.systemUTC());
        assertEquals(503, nothing.statusCode());
        assertConforms(Schemas.STATUS, new String(nothing.statusJson(), StandardCharsets.UTF_8));
        assertConforms(Schemas.BUSY_STATE, new String(nothing.busyJson(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "session-status.schema.json | {}",
        "session-status.schema.json | {\"ok\":true,\"timestamp\":\"2026-11-22T04:00:00.000Z\",\"sessions\":{\"running\":1,\"idle\":0,\"total\":1,\"maxConcurrent\":8,\"available\":-1,\"details\":[]}}",
        "session-status.schema.json | {\"ok\":true,\"timestamp\":\"2026-11-22T04:00:00.000Z\",\"partial\":true,\"sessions\":{\"running\":1,\"idle\":0,\"total\":1,\"maxConcurrent\":8,\"available\":7,\"details\":[]}}",
        "session-status.schema.json | {\"ok\":true,\"timestamp\":\"2026-11-22T04:00:00.000Z\",\"sessions\":{\"running\":1,\"idle\":0,\"total\":1,\"maxConcurrent\":8,\"available\":7,\"details\":[{\"key\":\"k\",\"status\":\"busy\",\"agent\":\"main\",\"kind\":\"main\",\"updatedAt\":1}]}}",
        "session-status.schema.json | {\"ok\":false}",
        "busy-state.schema.json     | {}",
        "busy-state.schema.json     | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"event\":\"tick\",\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"lastObservedAt\":null,\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"reason\":[\"idle\"],\"lease\":{\"recommendedAction\":\"release_after_grace\",\"extendForMs\":0,\"idleGraceMs\":60000,\"wakeRequired\":false,\"nextWakeAt\":null},\"totals\":{\"active\":0,\"queued\":0,\"running\":0,\"completedRecently\":0,\"failures\":0,\"stale\":0}}",
        "busy-state.schema.json     | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"event\":\"change\",\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"lastObservedAt\":null,\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"reason\":[],\"lease\":{\"recommendedAction\":\"release_after_grace\",\"extendForMs\":0,\"idleGraceMs\":60000,\"wakeRequired\":false,\"nextWakeAt\":null},\"totals\":{\"active\":0,\"queued\":0,\"running\":0,\"completedRecently\":0,\"failures\":0,\"stale\":0}}",
        "lease.schema.json          | {}",
        "lease.schema.json          | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"lease\":{\"recommendedAction\":\"maybe\",\"extendForMs\":0,\"idleGraceMs\":60000,\"wakeRequired\":false,\"nextWakeAt\":null}}",
        "lease.schema.json          | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"lease\":{\"recommendedAction\":\"extend\",\"extendForMs\":0,\"idleGraceMs\":60000,\"wakeRequired\":false,\"nextWakeAt\":null},\"sessions\":[]}",
        "lease.schema.json          | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"lease\":{\"recommendedAction\":\"hold\",\"extendForMs\":120000,\"idleGraceMs\":60000,\"wakeRequired\":true,\"nextWakeAt\":\"2026-11-22T04:30:00.000Z\"}}",
        "lease.schema.json          | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"lease\":{\"recommendedAction\":\"release_after_grace\",\"extendForMs\":0,\"idleGraceMs\":60000,\"wakeRequired\":true,\"nextWakeAt\":null}}",
        "lease.schema.json          | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"lease\":{\"recommendedAction\":\"release_after_grace\",\"extendForMs\":0,\"idleGraceMs\":60000,\"wakeRequired\":false,\"nextWakeAt\":\"2026-11-22T04:30:00.000Z\"}}",
        "lease.schema.json          | {\"marker\":\"openclaw-busy-state\",\"version\":1,\"generatedAt\":\"2026-11-22T04:00:00.000Z\",\"busy\":false,\"confidence\":\"best_effort\",\"stale\":false,\"lease\":{\"recommendedAction\":\"release_after_grace\",\"extendForMs\":0,\"idleGraceMs\":60000,\"wakeRequired\":false,\"nextWakeAt\":\"soon\"}}",
        "error.schema.json          | {\"ok\":true,\"error\":\"x\"}",
    })
    void aWrongDocumentIsRejected(String schema, String document) {
        assertFalse(Schemas.errors(schema, document).isEmpty(), schema + " accepts " + document);
    }
}
