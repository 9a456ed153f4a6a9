package org.openclaw.sessionstatus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.PrometheusText;
import org.opentest4j.AssertionFailedError;

/** {@code /metrics} of the real daemon, read by the official Prometheus parser, against the JSON of the same revision. */
class MetricsIT {
    static final String SECRET = "metrics-secret";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "openclaw_session_status_";

    @TempDir
    Path tmp;
    final HttpClient client = HttpClient.newHttpClient();

    @Test
    void metricsParseAndAgreeWithTheJsonOfTheSameRevision() throws Exception {
        // mid-tool-call: one run in flight, so running, busy and extend are not all zero.
        Path state = Fixtures.copy("mid-tool-call", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now());
        Map<String, String> env = Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET);
        Config config = new ConfigLoader(env, tmp.resolve("none.json"))
                .load(Optional.empty(), Map.of("stateDir", state.toString(), "http.port", "0", "lockPidCheck", "false"));
        try (Daemon daemon = Daemon.start(config, new Secrets(env).resolve(config, false).secret(), env,
                Clock.systemUTC(), new LogStream(line -> { }, Clock.systemUTC()))) {
            daemon.model().await(Snapshot::ready, Harness.DEADLINE);
            URI base = URI.create("http://127.0.0.1:" + daemon.port());
            assertEquals(401, get(base, "/metrics", null).statusCode());

            for (int attempt = 0; ; attempt++) {
                HttpResponse<String> metrics = get(base, "/metrics", SECRET);
                HttpResponse<String> status = get(base, "/plugins/session-status/status", SECRET);
                HttpResponse<String> busy = get(base, "/plugins/busy-state/snapshot", SECRET);
                String etag = metrics.headers().firstValue("ETag").orElseThrow();
                if (!etag.equals(status.headers().firstValue("ETag").orElseThrow())
                        || !etag.equals(busy.headers().firstValue("ETag").orElseThrow())) {
                    assertTrue(attempt < 5, "a new revision on every attempt");
                    continue;
                }
                assertEquals(200, metrics.statusCode());
                assertEquals("text/plain; version=0.0.4; charset=utf-8",
                        metrics.headers().firstValue("Content-Type").orElseThrow());
                assertSameFigures(PrometheusText.parse(metrics.body(), tmp), JSON.readTree(status.body()), JSON.readTree(busy.body()), etag);
                return;
            }
        }
    }

    private static void assertSameFigures(PrometheusText metrics, JsonNode status, JsonNode busy, String etag) {
        Function<String, Double> figure = name -> metrics.get(PREFIX + name);
        JsonNode sessions = status.get("sessions");
        assertTrue(sessions.get("running").asInt() >= 1, "the fixture has a run in flight");
        assertEquals(sessions.get("running").asDouble(), figure.apply("sessions{state=running}"));
        assertEquals(sessions.get("idle").asDouble(), figure.apply("sessions{state=idle}"));
        assertEquals(sessions.get("maxConcurrent").asDouble(), figure.apply("max_concurrent"));
        assertEquals(sessions.get("available").asDouble(), figure.apply("available_slots"));
        assertEquals(busy.get("totals").get("stale").asDouble(), figure.apply("stale_sessions"));
        assertEquals(busy.get("busy").asBoolean() ? 1.0 : 0.0, figure.apply("busy"));
        assertEquals(busy.get("stale").asBoolean() ? 1.0 : 0.0, figure.apply("stale"));
        String action = busy.get("lease").get("recommendedAction").asText();
        assertEquals("extend", action);
        for (String each : List.of("extend", "hold", "release_after_grace", "unknown")) {
            assertEquals(each.equals(action) ? 1.0 : 0.0, figure.apply("lease_action{action=" + each + "}"), each);
        }
        assertEquals(1.0, figure.apply("confidence{confidence=" + busy.get("confidence").asText() + "}"));
        assertEquals(Instant.parse(busy.get("lastObservedAt").asText()).toEpochMilli() / 1000.0,
                figure.apply("last_activity_timestamp_seconds"), 0.0005);
        // No cron job is scheduled in a file-era state dir: NaN, which the official parser must take as a number.
        assertTrue(busy.get("lease").get("nextWakeAt").isNull());
        assertTrue(Double.isNaN(figure.apply("next_wake_timestamp_seconds")));
        assertEquals(0.0, figure.apply("wake_required"));
        assertEquals(Double.parseDouble(etag.replaceAll("\"[0-9a-f]+-([0-9]+)\"", "$1")), figure.apply("snapshot_revision"));
        assertEquals(1.0, figure.apply("source_dirs{state=readable}"));
        assertTrue(figure.apply("rescans_total") >= 1, "the first scan counts");
        assertEquals(0.0, figure.apply("watcher_errors_total"));
        assertEquals(0.0, figure.apply("skipped_files_total"));
        assertEquals(1.0, metrics.samples().entrySet().stream()
                .filter(e -> e.getKey().startsWith(PREFIX + "build_info{version=")).findFirst().orElseThrow().getValue());

        assertEquals(Set.of("gauge", "counter"), Set.copyOf(metrics.types().values()), "gauges and counters only");
        assertEquals("counter", metrics.types().get(PREFIX + "rescans"));
        assertEquals("counter", metrics.types().get(PREFIX + "watcher_errors"));
        assertTrue(metrics.types().keySet().stream().allMatch(name -> name.startsWith(PREFIX)), metrics.types().toString());
        assertEquals(Set.of("state", "action", "confidence", "source", "version"), metrics.labelNames(),
                "fixed label names only: nothing names a session");
    }

    HttpResponse<String> get(URI base, String path, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theParserRejectsWhatIsNotTextFormat() {
        // Guards the guard: a parser that accepts anything would make the test above meaningless.
        assertThrows(AssertionFailedError.class, () -> PrometheusText.parse("# TYPE x gauge\nx{state=running} 1\n", tmp));
    }
}
