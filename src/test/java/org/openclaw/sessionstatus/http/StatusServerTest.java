package org.openclaw.sessionstatus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.snapshot.ActionCounters;
import org.openclaw.sessionstatus.snapshot.MetricsPage;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;

/** The real daemon on an ephemeral port, asked over real HTTP. */
class StatusServerTest {
    static final String STATUS = "/plugins/session-status/status";
    static final String SECRET = "s3cret-for-tests";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Daemon daemon;
    final List<String> logLines = new CopyOnWriteArrayList<>();
    final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofMinutes(2)));
        Map<String, String> env = Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET);
        Config config = new ConfigLoader(env, tmp.resolve("none.json"))
                .load(Optional.empty(), Map.of("stateDir", state.toString(), "http.port", "0"));
        daemon = Daemon.start(config, new Secrets(env).resolve(config, false).secret(), env, Clock.systemUTC(),
                new LogStream(logLines::add, Clock.systemUTC()));
        daemon.model().await(Snapshot::ready, Harness.DEADLINE);
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theStatusRouteAnswersWithTheSessionStatus() throws Exception {
        HttpResponse<String> response = send("GET", STATUS, "Authorization", "Bearer " + SECRET);
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElseThrow());
        JsonNode body = JSON.readTree(response.body());
        assertTrue(body.get("ok").asBoolean());
        assertTrue(Instant.parse(body.get("timestamp").asText()).isAfter(Instant.now().minusSeconds(60)));
        JsonNode sessions = body.get("sessions");
        assertEquals(9, sessions.get("total").asInt());
        assertEquals(0, sessions.get("running").asInt());
        assertEquals(9, sessions.get("idle").asInt());
        // maxConcurrent auto, a file-era state dir and no gateway: OpenClaw 2026.7.1's default.
        assertEquals(4, sessions.get("maxConcurrent").asInt());
        assertEquals(4, sessions.get("available").asInt());
        JsonNode first = sessions.get("details").get(0);
        List<String> fields = new ArrayList<>();
        first.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("key", "status", "agent", "kind", "updatedAt"), fields);
    }

    @Test
    void aMissingOrWrongTokenIsChallengedOnEveryDataRoute() throws Exception {
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (String route : List.of(STATUS, "/plugins/busy-state/snapshot", "/plugins/busy-state/lease")) {
            responses.add(send("GET", route));
            responses.add(send("GET", route, "Authorization", "Bearer wrong"));
            responses.add(send("GET", route, "Authorization", SECRET));
            assertEquals(200, send("GET", route, "Authorization", "Bearer " + SECRET).statusCode());
        }
        for (HttpResponse<String> response : responses) {
            assertEquals(401, response.statusCode());
            assertEquals("Bearer realm=\"openclaw-session-status\"",
                    response.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertEquals(false, JSON.readTree(response.body()).get("ok").asBoolean());
        }
    }

    @Test
    void onlyReadsAreAllowedAndUnknownPathsAreNotFound() throws Exception {
        HttpResponse<String> post = send("POST", STATUS, "Authorization", "Bearer " + SECRET);
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
        assertEquals(405, send("DELETE", "/healthz").statusCode());

        HttpResponse<String> missing = send("GET", "/plugins/session-status/other", "Authorization", "Bearer " + SECRET);
        assertEquals(404, missing.statusCode());
        assertEquals("not found", JSON.readTree(missing.body()).get("error").asText());

        HttpResponse<String> head = send("HEAD", STATUS, "Authorization", "Bearer " + SECRET);
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void anUnchangedRevisionIsNotSentAgain() throws Exception {
        boolean notModified = false;
        // A periodic revision may land between the two requests: then the second must be a full answer, and we retry.
        for (int attempt = 0; attempt < 5 && !notModified; attempt++) {
            String etag = send("GET", STATUS, "Authorization", "Bearer " + SECRET).headers().firstValue("ETag").orElseThrow();
            assertTrue(etag.matches("\"[0-9a-f]+-[0-9]+\""), etag);
            HttpResponse<String> again = send("GET", STATUS, "Authorization", "Bearer " + SECRET, "If-None-Match", etag);
            notModified = again.statusCode() == 304;
            if (notModified) {
                assertEquals("", again.body());
            } else {
                assertEquals(200, again.statusCode());
                assertNotEquals(etag, again.headers().firstValue("ETag").orElseThrow());
            }
        }
        assertTrue(notModified, "an unchanged revision answers 304");
        HttpResponse<String> other = send("GET", STATUS, "Authorization", "Bearer " + SECRET, "If-None-Match", "\"x-1\"");
        assertEquals(200, other.statusCode());
        assertNotEquals("", other.body());
    }

    @Test
    void probesNeedNoTokenAndCarryNoData() throws Exception {
        HttpResponse<String> health = send("GET", "/healthz");
        assertEquals(200, health.statusCode());
        assertEquals("{\"ok\":true}", health.body());
        assertEquals(200, send("GET", "/readyz").statusCode());
    }

    @Test
    void beforeTheFirstScanReadinessAndStatusAre503() throws Exception {
        ModelLoop neverScanned = new ModelLoop(Harness.settings(30_000), Clock.systemUTC());
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0),
                Optional.empty(), neverScanned::current, () -> true, new MetricsPage("test", new ActionCounters()),
                new StatusServer.Options(Duration.ofSeconds(60), 256), Clock.systemUTC())) {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            assertEquals(503, client.send(HttpRequest.newBuilder(base.resolve("/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(503, client.send(HttpRequest.newBuilder(base.resolve(STATUS)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
