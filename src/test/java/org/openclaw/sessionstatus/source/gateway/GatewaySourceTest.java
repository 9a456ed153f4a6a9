package org.openclaw.sessionstatus.source.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Confidence;
import org.openclaw.sessionstatus.model.ModelSettings;
import org.openclaw.sessionstatus.model.RunningEvidence;
import org.openclaw.sessionstatus.model.SlotSource;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Await;
import org.openclaw.sessionstatus.testing.FakeGateway;
import org.openclaw.sessionstatus.testing.GatewayRecording;
import org.openclaw.sessionstatus.testing.Harness;

/**
 * The gateway source against a fake gateway that answers with frames a real 2026.9.6 gateway sent: the handshake,
 * what the lanes and sessions say, and what happens when the gateway starts, goes silent or goes away.
 */
class GatewaySourceTest {
    static final GatewayRecording RECORDED = GatewayRecording.load("tool-call-and-queued.jsonl");
    static final String TOKEN = "fake-gateway-token";
    static final ModelSettings AUTO = new ModelSettings(Set.of(RunningEvidence.values()), 30_000, 300_000, 600_000,
            120_000, 300_000, 60_000, 15_000, 4, true, true);

    @TempDir
    Path tmp;
    FakeGateway gateway;
    ModelLoop model;
    GatewaySource source;
    final List<Snapshot> revisions = new CopyOnWriteArrayList<>();
    final AtomicInteger lost = new AtomicInteger();

    void start(String token) throws Exception {
        gateway = new FakeGateway(TOKEN, RECORDED.hello());
        answerIdle();
        Path tokenFile = Files.writeString(tmp.resolve("token"), token + "\n");
        model = new ModelLoop(AUTO, Clock.systemUTC());
        model.addListener(revisions::add);
        source = new GatewaySource(new GatewaySource.Settings(Optional.of(URI.create(gateway.url())),
                Optional.of(tokenFile), tmp.resolve("absent-openclaw.json"), tmp.resolve("own/gateway-device.key"),
                "test"), model, Clock.systemUTC(), lost::incrementAndGet);
        model.start();
        source.start();
    }

    void answerIdle() {
        gateway.answer("sessions.subscribe", RECORDED.answer("sessions.subscribe", p -> true));
        gateway.answer("diagnostics.lanes", RECORDED.answer("diagnostics.lanes",
                lanes -> GatewayRecording.mainLane(lanes).path("activeCount").asInt() == 0));
        gateway.answer("sessions.list", RECORDED.answer("sessions.list", list -> list.path("sessions").isEmpty()));
    }

    @AfterEach
    void stop() throws Exception {
        if (source != null) {
            source.close();
            model.close();
            gateway.close();
        }
    }

    Snapshot await(String what, Predicate<Snapshot> condition) throws InterruptedException {
        Snapshot snapshot = model.await(condition, Harness.DEADLINE);
        assertTrue(condition.test(snapshot), what);
        return snapshot;
    }

    @Test
    void anIdleGatewayIsAuthoritativeAndItsMainLaneGivesTheSlots() throws Exception {
        start(TOKEN);
        Snapshot idle = await("authoritative", s -> s.busy().confidence() == Confidence.AUTHORITATIVE);
        assertEquals(Action.RELEASE_AFTER_GRACE, idle.busy().action());
        assertEquals(2, idle.status().maxConcurrent(), "the recorded gateway ran with maxConcurrent 2");
        assertEquals(2, idle.status().available());
        assertEquals(SlotSource.GATEWAY_LANE, idle.gateway().slotSource());
        assertEquals(1, gateway.devices().size());
    }

    @Test
    void fourRunsOnTwoSlotsAreTwoRunningAndTwoQueuedWithNoSlotFree() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        JsonNode lanes = RECORDED.answer("diagnostics.lanes",
                l -> GatewayRecording.mainLane(l).path("queuedCount").asInt() == 2);
        JsonNode sessions = RECORDED.answer("sessions.list", l -> GatewayRecording.sessions(l, "queued") == 2);
        gateway.answer("diagnostics.lanes", lanes);
        gateway.answer("sessions.list", sessions);
        Snapshot busy = await("busy", s -> s.busy().busy());
        assertEquals(Action.EXTEND, busy.busy().action());
        assertEquals(Confidence.AUTHORITATIVE, busy.busy().confidence());
        assertEquals(2, busy.status().running());
        assertEquals(0, busy.status().available());
        assertEquals(2, busy.busy().totals().queued());
        assertEquals(4, busy.busy().totals().active());
    }

    @Test
    void twoAdmittedRunsTakeTheirSlotsBeforeTheLaneShowsThem() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        // Recorded: sessions.list said q2 and q4 run while the main lane still said 1/2.
        gateway.answer("diagnostics.lanes", RECORDED.answer("diagnostics.lanes",
                l -> GatewayRecording.mainLane(l).path("activeCount").asInt() == 1));
        gateway.answer("sessions.list", RECORDED.answer("sessions.list",
                l -> GatewayRecording.sessions(l, "running") == 2 && GatewayRecording.sessions(l, "queued") == 0));
        Snapshot admitted = await("two running", s -> s.status().running() == 2);
        assertEquals(0, admitted.status().available());
    }

    @Test
    void aStartingGatewayIsAskedAgainUntilItLetsTheClientIn() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        gateway.refuseConnects(3);
        gateway.dropConnections();
        await("disconnected", s -> !s.gateway().connected());
        await("connected again", s -> s.gateway().authoritative());
        assertTrue(gateway.calls("connect") >= 5, "refused three times, then let in: " + gateway.calls("connect"));
    }

    @Test
    void connectedIsNotAuthoritativeUntilTheFirstPollIsAnswered() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        gateway.silent(true);
        gateway.dropConnections();
        await("disconnected", s -> !s.gateway().connected());
        Snapshot connected = await("connected again, nothing answered", s -> s.gateway().connected());
        assertFalse(connected.gateway().authoritative());
        assertEquals(Confidence.BEST_EFFORT, connected.busy().confidence());
        gateway.silent(false);
        await("answered", s -> s.gateway().authoritative());
    }

    @Test
    void aWrongTokenNeverMakesItAuthoritative() throws Exception {
        start("not-the-token");
        Await.until("asked more than once", () -> gateway.calls("connect") >= 3);
        assertTrue(revisions.stream().noneMatch(s -> s.gateway().connected()));
        assertEquals(Confidence.BEST_EFFORT, model.current().busy().confidence());
    }

    @Test
    void aGatewayThatGrantsLessThanReadIsNotUsed() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        gateway.grant(Set.of());
        int connects = gateway.calls("connect");
        gateway.dropConnections();
        Await.until("asked again", () -> gateway.calls("connect") >= connects + 2);
        assertFalse(model.current().gateway().connected());
        assertEquals(1, gateway.calls("sessions.subscribe"), "nothing asked over a socket without read scope");
    }

    @Test
    void aSilentGatewayLosesItsAuthorityAndRegainsItWhenItAnswers() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        gateway.silent(true);
        Snapshot silent = await("no longer authoritative", s -> !s.gateway().authoritative());
        assertEquals(Confidence.BEST_EFFORT, silent.busy().confidence());
        gateway.silent(false);
        await("authoritative again", s -> s.gateway().authoritative());
    }

    @Test
    void aDroppedConnectionGivesTheDisksWordAtOnceAndIsOpenedAgain() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        gateway.dropConnections();
        Snapshot dropped = await("disconnected", s -> !s.gateway().connected());
        assertEquals(Confidence.BEST_EFFORT, dropped.busy().confidence(), "not authoritative once the socket closed");
        await("reconnected", s -> s.gateway().authoritative());
        assertEquals(1, gateway.devices().size(), "the same device key both times");
        assertEquals(1, lost.get(), "the disk sources were asked to check the gateway's pids at once");
    }

    @Test
    void aRunsLifecycleEventsCountWhileThePollsAreSlowAndTheNextPollSpeaksForThem() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        gateway.silent(true);
        for (int i = 0; i < 12; i++) {
            // Events keep arriving while requests wait: the gateway lives, and says a run started.
            gateway.push(RECORDED.event("agent", p -> p.path("data").path("phase").asText().equals("start")));
            TimeUnit.MILLISECONDS.sleep(250);
        }
        Snapshot running = model.current();
        assertEquals(1, running.status().running());
        assertEquals(Confidence.AUTHORITATIVE, running.busy().confidence(), "3 s of unanswered polls, events flowing");
        gateway.silent(false);
        Snapshot idle = await("the next poll says it is over", s -> s.status().running() == 0);
        assertEquals(Action.RELEASE_AFTER_GRACE, idle.busy().action());
    }

    @Test
    void theDeviceKeyIsKeptInTheDaemonsOwnStateDirForItsUserOnly() throws Exception {
        start(TOKEN);
        await("connected", s -> s.gateway().authoritative());
        Path key = tmp.resolve("own/gateway-device.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
        assertEquals(DeviceIdentity.loadOrCreate(key).id(), gateway.devices().iterator().next());
    }

    @Test
    void aOneShotScanAsksOnceAndClosesAndSaysNotConnectedWhenNothingListens() throws Exception {
        gateway = new FakeGateway(TOKEN, RECORDED.hello());
        answerIdle();
        model = new ModelLoop(AUTO, Clock.systemUTC());
        Path tokenFile = Files.writeString(tmp.resolve("token"), TOKEN);
        source = new GatewaySource(new GatewaySource.Settings(Optional.of(URI.create(gateway.url())),
                Optional.of(tokenFile), tmp.resolve("absent.json"), tmp.resolve("key"), "test"), model, Clock.systemUTC(),
                lost::incrementAndGet);
        model.start();
        source.scanOnce();
        assertEquals(1, gateway.calls("diagnostics.lanes"));
        Await.until("closed after the scan", () -> gateway.authenticatedClients() == 0);
        assertEquals(2, model.await(s -> s.status().maxConcurrent() == 2, Duration.ofSeconds(10)).status().maxConcurrent());
        gateway.close();
        GatewaySource nobody = new GatewaySource(new GatewaySource.Settings(Optional.of(URI.create(gateway.url())),
                Optional.of(tokenFile), tmp.resolve("absent.json"), tmp.resolve("unused.key"), "test"), model,
                Clock.systemUTC(), lost::incrementAndGet);
        nobody.scanOnce();
        assertFalse(model.await(s -> !s.gateway().connected(), Duration.ofSeconds(10)).gateway().connected());
        assertFalse(Files.exists(tmp.resolve("unused.key")), "no gateway, no device key made");
    }
}
