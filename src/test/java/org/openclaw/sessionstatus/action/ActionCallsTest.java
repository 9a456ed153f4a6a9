package org.openclaw.sessionstatus.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.http.StatusServer;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.snapshot.ActionCounters;
import org.openclaw.sessionstatus.snapshot.MetricsPage;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Await;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.MutableClock;
import org.openclaw.sessionstatus.testing.OneSession;

/**
 * A lease action's call, seen from the HTTP port: {@code /metrics} counts it when scraped, and the lease keeps its
 * ETag, so a long-poll held on it is not woken by a call that changed nothing it carries.
 */
class ActionCallsTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aCallIsCountedInMetricsAndLeavesTheLeaseEtagAlone() throws Exception {
        // A clock that stands still and an hour between periodic revisions: no revision but those evidence makes.
        ModelLoop loop = new ModelLoop(Harness.settings(30_000, 3_600_000), new MutableClock(Instant.now()));
        ActionCounters counters = new ActionCounters();
        ActionRunnerTest.Scripted action = new ActionRunnerTest.Scripted(false);
        action.hang = new CountDownLatch(1);
        ActionRunner runner = new ActionRunner(action, counters, Duration.ofMillis(10));
        loop.addListener(runner);
        loop.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
        loop.accept(OneSession.busy(false));
        try (StatusServer server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), Optional.empty(),
                loop::current, () -> true, new MetricsPage("test", counters),
                new StatusServer.Options(Duration.ofSeconds(60), 256), Clock.systemUTC())) {
            loop.start();
            runner.start();
            loop.await(Snapshot::ready, Harness.DEADLINE);
            URI base = URI.create("http://127.0.0.1:" + server.port());
            Await.until("the release is under way", () -> action.calls.equals(List.of(Intent.State.RELEASE)));
            String before = etag(base);

            action.hang.countDown();
            Await.until("/metrics counts the call", () -> get(base.resolve("/metrics")).body()
                    .contains("openclaw_session_status_action_calls_total{action=\"scripted\",outcome=\"ok\"} 1\n"));

            assertEquals(before, etag(base));
            assertTrue(get(base.resolve("/metrics")).body()
                    .contains("openclaw_session_status_action_protecting{action=\"scripted\"} 0\n"));
        } finally {
            runner.close();
            loop.close();
        }
    }

    private String etag(URI base) throws Exception {
        return get(base.resolve("/plugins/busy-state/lease")).headers().firstValue("ETag").orElseThrow();
    }

    private HttpResponse<String> get(URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(uri + ": " + e, e);
        }
    }
}
