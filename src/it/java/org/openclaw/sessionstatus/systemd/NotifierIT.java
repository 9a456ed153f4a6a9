package org.openclaw.sessionstatus.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.Python;

/** The notify protocol against a real unix datagram socket, bound by a separate (Python) process as systemd would. */
class NotifierIT {
    static final Duration DEADLINE = Harness.DEADLINE;

    @TempDir
    Path tmp;
    Process receiver;
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

    /** Binds the socket in a separate process and follows what it receives. */
    void bind(String socketPath) throws Exception {
        String python = Python.require("socket");
        receiver = new ProcessBuilder(python, Python.script("notify_receiver.py", tmp).toString(), socketPath).start();
        ObjectMapper json = new ObjectMapper();
        BufferedReader lines = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
        Thread follower = new Thread(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    messages.add(json.readValue(line, String.class));
                }
            } catch (IOException e) {
                // the receiver was stopped
            }
        });
        follower.setDaemon(true);
        follower.start();
        assertEquals("bound", messages.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.destroyForcibly();
        }
    }

    /** The next message the condition accepts, skipping others (watchdog pings arrive in between). */
    String next(Predicate<String> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            String message = messages.poll(left, TimeUnit.NANOSECONDS);
            if (message != null && condition.test(message)) {
                return message;
            }
        }
        throw new AssertionError("no " + what + " within " + DEADLINE);
    }

    @Test
    void theDaemonSaysReadyStatusWatchdogAndStopping() throws Exception {
        Path socket = tmp.resolve("notify.sock");
        bind(socket.toString());
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofMinutes(20)));
        Map<String, String> env = Map.of("HOME", tmp.toString(), "NOTIFY_SOCKET", socket.toString(),
                "WATCHDOG_USEC", "100000");
        Config config = new ConfigLoader(env, tmp.resolve("none.json")).load(Optional.empty(),
                Map.of("stateDir", state.toString(), "http.port", "0", "http.allowNoAuth", "true"));
        try (Daemon daemon = Daemon.start(config, Optional.empty(), env, Clock.systemUTC(),
                new LogStream(line -> { }, Clock.systemUTC()))) {
            assertEquals("STATUS=scanning the session files", messages.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertEquals("READY=1\nSTATUS=0/4 running, lease release_after_grace", messages.poll(DEADLINE.toSeconds(),
                    TimeUnit.SECONDS), "ready once the first scan is done, with the status");
            next("WATCHDOG=1"::equals, "watchdog ping");
            next("WATCHDOG=1"::equals, "second watchdog ping");

            Path sessions = state.resolve("agents/main/sessions");
            try (var transcripts = Files.list(sessions)) {
                Path transcript = transcripts.filter(p -> p.toString().endsWith(".jsonl")
                        && !p.toString().endsWith(".trajectory.jsonl")).findFirst().orElseThrow();
                Files.writeString(transcript, "{\"type\":\"message\",\"id\":\"n\",\"parentId\":null,\"timestamp\":\""
                        + Instant.now() + "\",\"message\":{\"role\":\"assistant\",\"stopReason\":\"toolUse\"}}\n",
                        StandardOpenOption.APPEND);
            }
            assertEquals("STATUS=1/4 running, lease extend", next(m -> m.startsWith("STATUS="), "status change"));
        }
        assertEquals("STOPPING=1", next(m -> !m.equals("WATCHDOG=1"), "stopping"));
        assertNull(messages.poll(200, TimeUnit.MILLISECONDS), "nothing after STOPPING=1");
    }

    @Test
    void noPingWhileStuckAndPingsAgainOnceRecovered() throws Exception {
        // The abstract namespace, as systemd itself uses: "@" stands for the leading NUL.
        String socket = "@openclaw-session-status-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        bind(socket);
        Snapshot ready = readySnapshot();
        AtomicBoolean healthy = new AtomicBoolean(true);
        Map<String, String> env = new HashMap<>(Map.of("NOTIFY_SOCKET", socket, "WATCHDOG_USEC", "40000"));
        try (Notifier notifier = Notifier.fromEnvironment(env, healthy::get).orElseThrow()) {
            assertEquals("STATUS=scanning the session files", messages.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertNull(messages.poll(100, TimeUnit.MILLISECONDS), "the watchdog starts at READY=1, not before");
            notifier.accept(ready);
            assertTrue(next(m -> m.startsWith("READY=1"), "ready").contains("STATUS="));
            next("WATCHDOG=1"::equals, "watchdog ping");

            healthy.set(false);
            // A ping already under way may still land; after that, silence for many periods. Bounded: pings that
            // never stop (the regression under test) must fail the test, not hang it.
            int drained = 0;
            while (messages.poll(100, TimeUnit.MILLISECONDS) != null) {
                assertTrue(++drained < 10, "pings go on while the daemon is stuck");
            }
            assertNull(messages.poll(300, TimeUnit.MILLISECONDS), "no ping while stuck (period is 20 ms)");

            healthy.set(true);
            next("WATCHDOG=1"::equals, "ping once recovered");
            notifier.accept(ready);
            notifier.accept(ready);
        }
        assertEquals("STOPPING=1", next(m -> !m.equals("WATCHDOG=1"), "stopping"), "an unchanged status is not sent again");
    }

    private Snapshot readySnapshot() throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        Config config = new ConfigLoader(Map.of(), tmp.resolve("none.json")).load(Optional.empty(),
                Map.of("stateDir", state.toString()));
        Snapshot snapshot = Daemon.scanOnce(config, Map.of(), Clock.systemUTC());
        assertTrue(snapshot.ready());
        return snapshot;
    }
}
