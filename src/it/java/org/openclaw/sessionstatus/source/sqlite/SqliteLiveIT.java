package org.openclaw.sessionstatus.source.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.testing.DatabaseWriter;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Gateways;

/**
 * The daemon against a real WAL database that another process writes while it runs, as a 2026.9.6 gateway does:
 * a row's change reaches the log stream, the writer is never blocked, and the WAL does not grow without bound.
 */
class SqliteLiveIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final long RUNNING_WINDOW_MS = 1_000;
    static final String QUICK = "(SELECT current_session_id FROM session_nodes WHERE session_key = 'agent:main:quick')";

    @TempDir
    Path tmp;
    final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>();

    Daemon start(Path state) throws Exception {
        Map<String, String> env = Map.of("HOME", tmp.toString());
        Config config = new ConfigLoader(env, tmp.resolve("none.json")).load(Optional.empty(), Map.of(
                "stateDir", state.toString(), "http.port", "0", "http.allowNoAuth", "true",
                "runningWindowMs", Long.toString(RUNNING_WINDOW_MS)));
        return Daemon.start(config, Optional.empty(), env, Clock.systemUTC(), new LogStream(line -> {
            try {
                lines.add(JSON.readTree(line));
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }, Clock.systemUTC()));
    }

    JsonNode next(Predicate<JsonNode> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            JsonNode line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && condition.test(line)) {
                return line;
            }
        }
        throw new AssertionError("no log line: " + what);
    }

    static Predicate<JsonNode> action(String event, String action) {
        return line -> line.get("event").asText().equals(event)
                && line.get("lease").get("recommendedAction").asText().equals(action);
    }

    static String windowSet(String assignments) {
        long now = System.currentTimeMillis();
        return "UPDATE session_windows SET " + assignments.replace("NOW", Long.toString(now)) + ", updated_at = " + now
                + " WHERE session_id = " + QUICK;
    }

    @Test
    void aRowTurningRunningIsSeenAtOnceAndTheWritersCommitsAreNeverBlocked() throws Exception {
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        Gateways.reviveAsThisProcess(state);
        try (DatabaseWriter gateway = DatabaseWriter.start(state.resolve("agents/main/agent/openclaw-agent.sqlite"));
                Daemon daemon = start(state)) {
            next(action("startup", "release_after_grace"), "startup, idle");

            long committed = System.nanoTime();
            gateway.exec(windowSet("status = 'running', started_at = NOW, ended_at = NULL"));
            JsonNode busy = next(action("change", "extend"), "extend once the row says running");
            System.out.printf("commit of status=running → change line: %.1f ms%n", (System.nanoTime() - committed) / 1e6);
            assertTrue(busy.get("busy").asBoolean());
            assertEquals(1, daemon.model().current().status().running());

            // The gateway goes on writing while the run is in flight: every commit goes through, none waits on us.
            long slowest = gateway.repeat(500, windowSet("transcript_updated_at = NOW"));
            System.out.printf("500 commits while the daemon reads: slowest %.1f ms%n", slowest / 1e3);
            // The writer waits up to 5 s for a lock (busy_timeout): a commit held up by the daemon's reads shows here.
            assertTrue(slowest < 1_000_000, "a commit waited " + slowest / 1000 + " ms");
            assertEquals("extend", daemon.model().current().busy().action().wireName());

            long ended = System.nanoTime();
            gateway.exec(windowSet("status = 'done', ended_at = NOW"));
            next(action("change", "release_after_grace"), "release once the run ended and the window passed");
            long afterEnd = (System.nanoTime() - ended) / 1_000_000;
            System.out.printf("end of run → release_after_grace: %d ms (runningWindowMs %d)%n", afterEnd, RUNNING_WINDOW_MS);
            assertTrue(afterEnd >= RUNNING_WINDOW_MS - 50, "not released before the running window passed: " + afterEnd);
        }
    }

    @Test
    void theWalDoesNotGrowWithoutBoundWhileTheDaemonReads() throws Exception {
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        Path database = state.resolve("agents/main/agent/openclaw-agent.sqlite");
        try (DatabaseWriter gateway = DatabaseWriter.start(database); Daemon daemon = start(state)) {
            next(line -> line.get("event").asText().equals("startup"), "startup");
            long before = daemon.model().current().revision();
            // Each commit is read by the daemon (its event triggers a check); 3000 commits of a few pages each would
            // need many MB of WAL if the daemon's reads kept checkpoints from completing.
            for (int round = 0; round < 30; round++) {
                gateway.repeat(100, windowSet("transcript_updated_at = NOW"));
            }
            long walBytes = Files.size(database.resolveSibling(database.getFileName() + "-wal"));
            long pageSize = 1024; // the recorded databases were rewritten with 1 KB pages
            System.out.printf("WAL after 3000 commits read by the daemon: %d KB%n", walBytes / 1024);
            assertTrue(walBytes < 3 * 1000 * (pageSize + 24), "checkpoints keep the WAL near 1000 pages: " + walBytes);
            assertTrue(daemon.model().current().revision() > before + 5,
                    "the daemon read while the gateway wrote (each read of a new transcript time is a revision)");
        }
    }
}
