package org.openclaw.sessionstatus.source.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Confidence;
import org.openclaw.sessionstatus.model.GatewayView;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Await;
import org.openclaw.sessionstatus.testing.FakeModel;
import org.openclaw.sessionstatus.testing.RealGateway;

/**
 * The daemon beside a real OpenClaw 2026.9.6 gateway (one for all scenarios, in this order: a start costs half a
 * minute), driven by a fake model: what a run looks like through the gateway's word, queued runs, a killed gateway
 * and its restart. Every published revision is kept, so "throughout" means every one of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayLiveIT {
    static final long DEADLINE_MS = 120_000;

    @TempDir
    static Path tmp;
    static FakeModel model;
    static RealGateway gateway;
    static Daemon daemon;
    static final List<Snapshot> revisions = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startGatewayAndDaemon() throws Exception {
        Optional<RealGateway.Install> install = RealGateway.Install.fromProperties();
        assumeTrue(install.isPresent(), "no OpenClaw install (-Dopenclaw.node, -Dopenclaw.cli): skipped");
        model = new FakeModel(0);
        gateway = RealGateway.start(install.get(), tmp.resolve("gateway"), model.port(), 2);
        Map<String, String> env = Map.of("HOME", tmp.toString(), "XDG_STATE_HOME", tmp.resolve("xdg").toString());
        Config config = new ConfigLoader(env, tmp.resolve("none.json")).load(Optional.empty(), Map.of(
                "stateDir", gateway.stateDir().toString(), "http.port", "0", "http.allowNoAuth", "true"));
        daemon = Daemon.start(config, Optional.empty(), env, Clock.systemUTC(),
                new LogStream(line -> { }, Clock.systemUTC()));
        daemon.model().addListener(revisions::add);
        await("connected and authoritative", s -> s.gateway().authoritative());
        // A fresh gateway loads most of its code on its first turn, its event loop blocked for seconds on a loaded
        // machine: that first turn is not what these scenarios measure.
        assertTrue(gateway.agent("warmup", "hello").waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the first turn ended");
        await("idle after the first turn", s -> s.busy().action() == Action.RELEASE_AFTER_GRACE);
    }

    @AfterAll
    static void stop() throws Exception {
        if (!revisions.isEmpty()) {
            long from = revisions.get(0).generatedAt().toEpochMilli();
            long to = System.currentTimeMillis();
            long connected = durationWhere(between(from, to), to, s -> s.gateway().connected());
            long authoritative = durationWhere(between(from, to), to, s -> s.gateway().authoritative());
            System.out.printf("live: connected %d ms, of which authoritative %d ms (%.1f %%)%n", connected,
                    authoritative, 100.0 * authoritative / Math.max(1, connected));
        }
        if (daemon != null) {
            daemon.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    @Order(1)
    void aRunWithATenSecondToolCallExtendsThroughoutAndIsReleasedWithinASecondOfItsEnd() throws Exception {
        int answersBefore = model.finalAnswersAtMs().size();
        Process turn = gateway.agent("tool10", "please sleep 10");
        Snapshot first = await("extend", s -> s.busy().action() == Action.EXTEND);
        assertTrue(turn.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "the turn ended");
        assertEquals(answersBefore + 1, model.finalAnswersAtMs().size(), "the model gave one final answer");
        long end = model.finalAnswersAtMs().get(answersBefore);
        await("release_after_grace", s -> s.busy().action() == Action.RELEASE_AFTER_GRACE);
        Snapshot released = between(end, System.currentTimeMillis()).stream()
                .filter(s -> s.busy().action() == Action.RELEASE_AFTER_GRACE).findFirst().orElseThrow();
        List<Snapshot> during = between(first.generatedAt().toEpochMilli(), end);
        assertTrue(during.stream().allMatch(s -> s.busy().action() == Action.EXTEND), "extend throughout the run");
        long authoritativeMs = durationWhere(during, end, s -> s.busy().confidence() == Confidence.AUTHORITATIVE);
        long runMs = end - first.generatedAt().toEpochMilli();
        long latency = released.generatedAt().toEpochMilli() - end;
        System.out.printf("live: run %d ms, authoritative %d ms (%.1f %%), end -> release_after_grace %d ms%n",
                runMs, authoritativeMs, 100.0 * authoritativeMs / runMs, latency);
        assertEquals(Confidence.AUTHORITATIVE, released.busy().confidence());
        // A gateway whose event loop is starved answers nothing for seconds, and is then not authoritative by
        // definition (the disk's verdict and its 30 s window stand in): share and latency are asserted only where the
        // machine is not overloaded. On a shared 2-core machine at load 20 the gateway went silent for up to 25 s.
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int cpus = Runtime.getRuntime().availableProcessors();
        if (load >= 0 && load <= 2 * cpus) {
            assertTrue(authoritativeMs >= 0.95 * runMs, "authoritative at least 95 % of the run: " + authoritativeMs);
            assertTrue(latency <= 1_000, "released " + latency + " ms after the model's last answer");
        } else {
            System.out.printf("live: share and latency not asserted at load %.1f on %d CPUs%n", load, cpus);
        }
    }

    @Test
    @Order(2)
    void fourRunsAtOnceWithTwoSlotsNeverShowAFreeSlotAndCountTheQueuedOnes() throws Exception {
        long start = System.currentTimeMillis();
        List<Process> turns = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            turns.add(gateway.agent("par" + i, "please sleep 8"));
        }
        Snapshot queued = await("two queued as the lane says",
                s -> s.busy().totals().queued() == 2 && mainLane(s).queued() == 2);
        assertEquals(2, queued.status().running());
        assertEquals(0, queued.status().available());
        for (Process turn : turns) {
            assertTrue(turn.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS), "every turn ended");
        }
        await("released", s -> s.busy().action() == Action.RELEASE_AFTER_GRACE);
        for (Snapshot s : between(start, System.currentTimeMillis())) {
            if (s.gateway().authoritative()) {
                GatewayView.Lane main = mainLane(s);
                int free = Math.max(0, main.maxConcurrent() - main.active() - main.queued());
                assertTrue(s.status().available() <= free, "available " + s.status().available() + " with the lane at "
                        + main + " at " + s.generatedAt());
                assertEquals(2, s.status().maxConcurrent());
            }
        }
    }

    @Test
    @Order(3)
    void aGatewayKilledMidRunHoldsWithinASecondAndIsNeverReleased() throws Exception {
        Process turn = gateway.agent("crash", "please sleep 30");
        await("the tool call runs", s -> s.busy().action() == Action.EXTEND && s.gateway().authoritative()
                && s.status().running() == 1);
        long killedAt = System.currentTimeMillis();
        gateway.kill();
        await("hold", s -> s.busy().action() == Action.HOLD);
        Snapshot fallback = first(killedAt, s -> !s.gateway().connected());
        Snapshot hold = first(killedAt, s -> s.busy().action() == Action.HOLD);
        System.out.printf("live: killed -> disconnected %d ms, -> hold %d ms%n",
                fallback.generatedAt().toEpochMilli() - killedAt, hold.generatedAt().toEpochMilli() - killedAt);
        assertTrue(hold.generatedAt().toEpochMilli() - killedAt <= 1_000, "hold within a second of the kill");
        turn.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertTrue(between(killedAt, System.currentTimeMillis()).stream()
                .noneMatch(s -> s.busy().action() == Action.RELEASE_AFTER_GRACE), "never released while it is down");
    }

    @Test
    @Order(4)
    void aRestartedGatewayIsReconnectedWithinTwoSecondsOfLettingClientsIn() throws Exception {
        long restartedAt = System.currentTimeMillis();
        gateway.restart();
        // /healthz answers before the gateway lets clients in (connect says UNAVAILABLE while its sidecars start):
        // the clock starts when a client of the test's own gets in.
        long acceptedAt = 0;
        DeviceIdentity device = DeviceIdentity.loadOrCreate(tmp.resolve("test-device.key"));
        GatewayEndpoint endpoint = new GatewayEndpoint(java.net.URI.create("ws://127.0.0.1:" + gateway.port()),
                new GatewayEndpoint.Token(RealGateway.TOKEN));
        for (long deadline = System.currentTimeMillis() + DEADLINE_MS; acceptedAt == 0; ) {
            try (GatewayConnection probe = GatewayConnection.open(java.net.http.HttpClient.newHttpClient(), endpoint,
                    () -> device, GatewaySource.READ_SCOPES, "test", java.time.Duration.ofSeconds(5), event -> { })) {
                acceptedAt = System.currentTimeMillis();
            } catch (GatewayException e) {
                assertTrue(e.retryable() && System.currentTimeMillis() < deadline, "the gateway lets clients in: " + e);
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        await("connected again", s -> s.gateway().connected());
        Snapshot back = first(restartedAt, s -> s.gateway().connected());
        long reconnect = back.generatedAt().toEpochMilli() - acceptedAt;
        System.out.printf("live: clients let in -> reconnected %d ms%n", reconnect);
        assertTrue(reconnect <= 2_000, "reconnected " + reconnect + " ms after the gateway let a client in");
    }

    static GatewayView.Lane mainLane(Snapshot s) {
        return s.gateway().lanes().stream().filter(lane -> lane.name().equals(GatewayView.MAIN_LANE)).findFirst()
                .orElse(new GatewayView.Lane("main", 0, 0, 0));
    }

    /** The first revision published after {@code from} for which the condition holds. */
    static Snapshot first(long from, Predicate<Snapshot> condition) {
        return revisions.stream().filter(s -> s.generatedAt().toEpochMilli() > from && condition.test(s)).findFirst()
                .orElseThrow();
    }

    /** The revisions published from {@code from} to {@code to}, and the one in force at {@code from}. */
    static List<Snapshot> between(long from, long to) {
        List<Snapshot> in = new ArrayList<>();
        Snapshot before = null;
        for (Snapshot s : revisions) {
            long at = s.generatedAt().toEpochMilli();
            if (at <= from) {
                before = s;
            } else if (at <= to) {
                in.add(s);
            }
        }
        if (before != null) {
            in.add(0, before);
        }
        return in;
    }

    /** How long, of the revisions' span up to {@code end}, the condition held. */
    static long durationWhere(List<Snapshot> span, long end, Predicate<Snapshot> condition) {
        long total = 0;
        for (int i = 0; i < span.size(); i++) {
            long from = span.get(i).generatedAt().toEpochMilli();
            long to = i + 1 < span.size() ? span.get(i + 1).generatedAt().toEpochMilli() : end;
            if (condition.test(span.get(i))) {
                total += Math.max(0, to - Math.max(from, span.get(0).generatedAt().toEpochMilli()));
            }
        }
        return total;
    }

    /** The first snapshot that satisfies the condition, once the listeners (and so {@link #revisions}) have it too. */
    static Snapshot await(String what, Predicate<Snapshot> condition) throws InterruptedException {
        Snapshot s = daemon.model().await(condition, java.time.Duration.ofMillis(DEADLINE_MS));
        assertTrue(condition.test(s), "not within " + DEADLINE_MS + " ms: " + what);
        Await.until("the listeners saw it: " + what, () -> revisions.contains(s));
        return s;
    }
}
