package org.openclaw.sessionstatus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.model.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.Python;
import org.opentest4j.AssertionFailedError;

/**
 * {@code /metrics} of the real daemon, read by the official Prometheus client's parser (Debian's
 * python3-prometheus-client, which {@code .ci/run} installs) and checked against the JSON routes of the same revision.
 */
class MetricsTest {
    static final String SECRET = "metrics-secret";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "openclaw_session_status_";

    @TempDir
    Path tmp;
    final HttpClient client = HttpClient.newHttpClient();

    /** Samples by name and label set, e.g. {@code sessions{state=running}}; labels sorted. */
    record Parsed(Map<String, Double> samples, Map<String, String> types, Set<String> labelNames) {
        double get(String name) {
            Double value = samples.get(name);
            if (value == null) {
                fail("no sample " + name + " in " + samples.keySet());
            }
            return value;
        }
    }

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
                assertSameFigures(parse(metrics.body()), JSON.readTree(status.body()), JSON.readTree(busy.body()), etag);
                return;
            }
        }
    }

    private static void assertSameFigures(Parsed parsed, JsonNode status, JsonNode busy, String etag) {
        JsonNode sessions = status.get("sessions");
        assertTrue(sessions.get("running").asInt() >= 1, "the fixture has a run in flight");
        assertEquals(sessions.get("running").asDouble(), parsed.get("sessions{state=running}"));
        assertEquals(sessions.get("idle").asDouble(), parsed.get("sessions{state=idle}"));
        assertEquals(sessions.get("maxConcurrent").asDouble(), parsed.get("max_concurrent"));
        assertEquals(sessions.get("available").asDouble(), parsed.get("available_slots"));
        assertEquals(busy.get("totals").get("stale").asDouble(), parsed.get("stale_sessions"));
        assertEquals(busy.get("busy").asBoolean() ? 1.0 : 0.0, parsed.get("busy"));
        assertEquals(busy.get("stale").asBoolean() ? 1.0 : 0.0, parsed.get("stale"));
        String action = busy.get("lease").get("recommendedAction").asText();
        assertEquals("extend", action);
        for (String each : List.of("extend", "hold", "release_after_grace", "unknown")) {
            assertEquals(each.equals(action) ? 1.0 : 0.0, parsed.get("lease_action{action=" + each + "}"), each);
        }
        assertEquals(1.0, parsed.get("confidence{confidence=" + busy.get("confidence").asText() + "}"));
        assertEquals(Instant.parse(busy.get("lastObservedAt").asText()).toEpochMilli() / 1000.0,
                parsed.get("last_activity_timestamp_seconds"), 0.0005);
        assertEquals(Double.parseDouble(etag.replaceAll("\"[0-9a-f]+-([0-9]+)\"", "$1")), parsed.get("snapshot_revision"));
        assertEquals(1.0, parsed.get("source_dirs{state=readable}"));
        assertTrue(parsed.get("rescans_total") >= 1, "the first scan counts");
        assertEquals(0.0, parsed.get("watcher_errors_total"));
        assertEquals(0.0, parsed.get("skipped_files_total"));
        assertEquals(1.0, parsed.samples().entrySet().stream()
                .filter(e -> e.getKey().startsWith("build_info{version=")).findFirst().orElseThrow().getValue());

        assertEquals(Set.of("gauge", "counter"), Set.copyOf(parsed.types().values()), "gauges and counters only");
        assertEquals("counter", parsed.types().get("rescans"));
        assertEquals("counter", parsed.types().get("watcher_errors"));
        assertEquals(Set.of("state", "action", "confidence", "version"), parsed.labelNames(),
                "fixed label names only: nothing names a session");
    }

    HttpResponse<String> get(URI base, String path, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
        if (secret != null) {
            request.header("Authorization", "Bearer " + secret);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs the official parser; it raises on anything that is not valid text format. */
    Parsed parse(String text) throws IOException, InterruptedException {
        String python = Python.withModule("prometheus_client");
        assertNotNull(python, "no python3 with prometheus_client: apt-get install python3-prometheus-client (.ci/run does)");
        Process parser = new ProcessBuilder(python, Python.script("parse_prometheus.py", tmp).toString()).start();
        try (OutputStream stdin = parser.getOutputStream()) {
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(parser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(parser.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(parser.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, parser.exitValue(), "the Prometheus parser rejected the text:\n" + err + "\n" + text);
        Map<String, Double> samples = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        Set<String> labelNames = new HashSet<>();
        for (JsonNode family : JSON.readTree(out)) {
            String familyName = family.get("name").asText();
            assertTrue(familyName.startsWith(PREFIX), familyName);
            types.put(familyName.substring(PREFIX.length()), family.get("type").asText());
            for (JsonNode sample : family.get("samples")) {
                StringBuilder key = new StringBuilder(sample.get("name").asText().substring(PREFIX.length()));
                List<String> labels = new ArrayList<>();
                sample.get("labels").fields().forEachRemaining(label -> {
                    labelNames.add(label.getKey());
                    labels.add(label.getKey() + "=" + label.getValue().asText());
                });
                if (!labels.isEmpty()) {
                    labels.sort(null);
                    key.append('{').append(String.join(",", labels)).append('}');
                }
                samples.put(key.toString(), sample.get("value").asDouble());
            }
        }
        return new Parsed(samples, types, labelNames);
    }

    @Test
    void theParserRejectsWhatIsNotTextFormat() {
        // Guards the guard: a parser that accepts anything would make the test above meaningless.
        assertThrows(AssertionFailedError.class, () -> parse("# TYPE x gauge\nx{state=running} 1\n"));
    }
}
