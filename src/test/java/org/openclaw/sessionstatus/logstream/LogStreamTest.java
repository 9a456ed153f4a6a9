package org.openclaw.sessionstatus.logstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.ModelSettings;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.OneSession;
import org.openclaw.sessionstatus.testing.Await;

/** A reader of stdout that stops reading: the model goes on, and the reader catches up with the present. */
class LogStreamTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStalledReaderNeverHoldsUpTheModelAndGetsTheCurrentStateWhenItReadsAgain() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        List<String> lines = new CopyOnWriteArrayList<>();
        // No periodic line for a minute: only the stream itself can bring the reader up to date.
        ModelSettings settings = Harness.settings(30_000, 60_000);
        try (ModelLoop loop = new ModelLoop(settings, Clock.systemUTC());
                LogStream stream = new LogStream(line -> {
                    try {
                        reading.await(); // a full stdout pipe
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    lines.add(line);
                }, Clock.systemUTC())) {
            loop.addListener(stream);
            loop.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
            loop.start();
            // Far more changes than the stream queues, each one a "change" line.
            int changes = 4 * LineWriter.CAPACITY;
            for (int i = 0; i < changes; i++) {
                loop.accept(OneSession.busy(i % 2 == 0));
                boolean busy = i % 2 == 0;
                loop.await(s -> s.ready() && s.busy().busy() == busy, Harness.DEADLINE);
            }
            // Last, a state no queued line has: a rescan, so the lease holds.
            loop.health(new SourceHealth("dirs", true, 1, 0, true, 0, 2, 0, 0));
            Snapshot last = loop.await(s -> s.busy().action() == Action.HOLD, Harness.DEADLINE);
            assertEquals(Action.HOLD, last.busy().action());

            reading.countDown();
            Await.until("the last line says what is true now", () -> !lines.isEmpty() && currentState(lines, loop));
            assertTrue(lines.size() < changes / 2, "lost lines were dropped, not queued: " + lines.size());
            assertEquals("startup", JSON.readTree(lines.get(0)).get("event").asText());
        }
    }

    private static boolean currentState(List<String> lines, ModelLoop loop) {
        JsonNode line;
        try {
            line = JSON.readTree(lines.get(lines.size() - 1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return line.get("busy").asBoolean() == loop.current().busy().busy()
                && line.get("lease").get("recommendedAction").asText().equals(loop.current().busy().action().wireName());
    }
}
