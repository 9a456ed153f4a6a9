package org.openclaw.sessionstatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.Transcripts;
import picocli.CommandLine;

/** {@code wait}, in process, on a real state dir: without a daemon, and against a real one on a real port. */
class WaitCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "wait-test-secret-41c2";

    @TempDir
    Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    Map<String, String> env() throws Exception {
        Path config = Files.writeString(tmp.resolve("config.json"), "{}");
        return Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_CONFIG", config.toString(),
                "OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET);
    }

    int run(Map<String, String> env, String... args) {
        CommandLine cli = Cli.commandLine(env, Clock.systemUTC());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** A session mid tool call: running until its result is written, then idle once the window passes. */
    Path busyState() throws Exception {
        Path sessions = Files.createDirectories(tmp.resolve("state/agents/main/sessions"));
        Files.writeString(sessions.resolve("a.jsonl"), Transcripts.IN_TOOL_CALL);
        return tmp.resolve("state");
    }

    static void finish(Path state) throws Exception {
        Files.writeString(state.resolve("agents/main/sessions/a.jsonl"), Transcripts.FINISHED, StandardOpenOption.APPEND);
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        for (String[] args : new String[][] {{"wait"}, {"wait", "idle", "3"}, {"wait", "slots"}, {"wait", "slots", "x"},
                {"wait", "busy"}, {"wait", "idle", "--timeout", "soon"}, {"wait", "idle", "--url", "ftp://x"}}) {
            assertEquals(2, run(env(), args), String.join(" ", args) + ": " + err);
        }
    }

    @Test
    void withoutADaemonItWatchesTheStateDirUntilTheLastRunEnds() throws Exception {
        Path state = busyState();
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return run(env(), "wait", "idle", "--state-dir", state.toString(), "--running-window-ms", "200",
                        "--timeout", "60s");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // While the tool call runs, it waits (the state dir is read within a second; give it three).
        assertFalse(waitsFor(waiting, 3), "returned while a run was in flight: " + out + err);
        long finished = System.nanoTime();
        finish(state);
        assertEquals(0, waiting.get(Harness.DEADLINE.toSeconds(), TimeUnit.SECONDS), err.toString());
        System.out.printf("wait idle without a daemon: returned %.0f ms after the run ended (window 200 ms)%n",
                (System.nanoTime() - finished) / 1e6);
        assertEquals("release_after_grace", JSON.readTree(out.toString()).get("lease").get("recommendedAction").asText());
    }

    @Test
    void itTimesOutWithExitOneSayingWhatItLastSaw() throws Exception {
        Path state = busyState();
        assertEquals(1, run(env(), "wait", "idle", "--state-dir", state.toString(), "--timeout", "1s"));
        assertTrue(err.toString().contains("timed out after 1s; the lease says extend"), err.toString());
        assertEquals("", out.toString());
        assertEquals(1, run(env(), "wait", "slots", "9", "--state-dir", state.toString(), "--timeout", "500ms"));
    }

    @Test
    void againstARunningDaemonItLongPollsUntilTheLeaseIsReleased() throws Exception {
        Path state = busyState();
        Map<String, String> env = env();
        Config config = new ConfigLoader(env).load(Optional.empty(),
                Map.of("stateDir", state.toString(), "http.port", "0", "runningWindowMs", "200"));
        try (Daemon daemon = Daemon.start(config, new Secrets(env).resolve(config, false).secret(), env,
                Clock.systemUTC(), new LogStream(line -> { }, Clock.systemUTC()))) {
            daemon.model().await(s -> s.ready() && s.busy().busy(), Harness.DEADLINE);
            String url = "http://127.0.0.1:" + daemon.port();
            // A file-era state dir and no gateway: OpenClaw 2026.7.1's default of 4 slots, one taken.
            assertEquals(0, run(env, "wait", "slots", "3", "--url", url, "--timeout", "10s"), "3 of 4 slots are free");

            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(
                    () -> run(env, "wait", "idle", "--url", url, "--timeout", "60s"));
            assertFalse(waitsFor(waiting, 2), "returned while a run was in flight: " + out + err);
            finish(state);
            Snapshot released = daemon.model().await(s -> s.busy().action() == BusyView.Action.RELEASE_AFTER_GRACE,
                    Harness.DEADLINE);
            assertEquals(BusyView.Action.RELEASE_AFTER_GRACE, released.busy().action());
            long releasedAt = System.nanoTime();
            assertEquals(0, waiting.get(Harness.DEADLINE.toSeconds(), TimeUnit.SECONDS), err.toString());
            System.out.printf("wait idle --url: returned %.1f ms after the daemon published the release%n",
                    (System.nanoTime() - releasedAt) / 1e6);
            assertTrue(out.toString().contains("\"recommendedAction\":\"release_after_grace\""), out.toString());
            assertEquals(0, run(env, "wait", "idle", "--url", url, "--timeout", "0"), "asked once, however short");
            assertEquals(0, run(env, "wait", "idle", "--url", url, "--timeout", "999999999h"), "a huge timeout is none");
            assertEquals(2, run(env, "wait", "idle", "--url", url + "/elsewhere", "--timeout", "10s"), "not the daemon");

            Map<String, String> wrongSecret = new HashMap<>(env);
            wrongSecret.put("OPENCLAW_SESSION_STATUS_HTTP_SECRET", "not-the-secret");
            assertEquals(2, run(wrongSecret, "wait", "idle", "--url", url, "--timeout", "10s"));
            assertTrue(err.toString().contains("refused the secret (401)"), err.toString());
            assertFalse(err.toString().contains("not-the-secret"));
        }
    }

    /** Whether the command ended within the time: what a test of "it keeps waiting" can check. */
    static boolean waitsFor(CompletableFuture<Integer> command, long seconds) throws Exception {
        try {
            command.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
