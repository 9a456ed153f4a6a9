package org.openclaw.sessionstatus.source.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Reason;
import org.openclaw.sessionstatus.model.ModelSettings;
import org.openclaw.sessionstatus.model.RunningEvidence;
import org.openclaw.sessionstatus.model.StatusView;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Gateways;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.MutableClock;

/**
 * The state dirs a real OpenClaw 2026.9.6 gateway wrote (src/test/fixtures/openclaw-2026.9.6), through the real
 * sources and model, with the clock at the instant each was taken.
 */
class SqliteFixturesTest {
    @TempDir
    Path tmp;

    Harness harness(String fixture, boolean revive, boolean lockPidCheck, MutableClock clock) throws Exception {
        Path state = Fixtures.copySqlite(fixture, tmp.resolve("state"));
        if (revive) {
            Gateways.reviveAsThisProcess(state);
        }
        return new Harness(state, Harness.settings(30_000), List.of(), lockPidCheck, clock);
    }

    static Map<String, String> statuses(StatusView status) {
        return status.details().stream().collect(Collectors.toMap(StatusView.Detail::key, StatusView.Detail::status));
    }

    @Test
    void midToolCallRunsWhileItsGatewayLivesWithItsToolCallNamed() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("mid-tool-call"));
        try (Harness harness = harness("mid-tool-call", true, true, clock)) {
            Snapshot snapshot = harness.await("sleep20 running", s -> s.running() == 1);
            assertEquals(2, snapshot.status().total());
            assertEquals(7, snapshot.status().available());
            BusyView busy = snapshot.busy();
            assertEquals(Action.EXTEND, busy.action());
            assertEquals(List.of(Reason.ACTIVE_AGENT_RUNS, Reason.ACTIVE_TOOL_CALLS), busy.reasons());
            assertEquals(List.of(1, 0, 1, 0), List.of(busy.totals().active(), busy.totals().queued(),
                    busy.totals().running(), busy.totals().stale()));
            assertEquals("running", statuses(snapshot.status()).get("agent:main:sleep20"));

            // A silent 20 s tool call, and longer: a live owner keeps its claim however long the run is quiet.
            clock.advance(Duration.ofMinutes(30));
            Snapshot later = harness.awaitSnapshot("half an hour on", s -> s.generatedAt().equals(clock.instant()));
            assertEquals(Action.EXTEND, later.busy().action());
        }
    }

    @Test
    void midToolCallWithoutPidChecksTrustsTheGatewaysHeartbeatUntilItIsNinetySecondsOld() throws Exception {
        Instant taken = Fixtures.takenAt("mid-tool-call");
        MutableClock clock = new MutableClock(taken);
        try (Harness harness = harness("mid-tool-call", false, false, clock)) {
            assertEquals(Action.EXTEND, harness.await("running", s -> s.running() == 1).busy().action());
            // The recorded heartbeat was 19:37:32.596: past 19:39:02.596 the gateway counts as gone.
            clock.advance(Duration.between(taken, Instant.parse("2026-11-22T19:39:03Z")));
            Snapshot stale = harness.awaitSnapshot("stale once the heartbeat is old", s -> s.busy().stale());
            assertEquals(Action.HOLD, stale.busy().action());
            assertEquals(0, stale.status().running());
        }
    }

    @Test
    void aQueuedMessageIsRunningWorkBehindTheTurnInFlight() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("queued"));
        try (Harness harness = harness("queued", true, true, clock)) {
            Snapshot snapshot = harness.await("queue running", s -> s.running() == 1);
            assertEquals(7, snapshot.status().total());
            BusyView.Totals totals = snapshot.busy().totals();
            assertEquals(List.of(2, 1, 1), List.of(totals.active(), totals.queued(), totals.running()),
                    "one running, one queued behind it");
            assertEquals(Action.EXTEND, snapshot.busy().action());
            assertEquals("running", statuses(snapshot.status()).get("agent:main:queue"));
        }
    }

    @Test
    void aCrashedGatewaysRunHoldsTheLeaseThenIsReleasedAfterTheCautiousLease() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("after-crash"));
        try (Harness harness = harness("after-crash", false, true, clock)) {
            Snapshot held = harness.awaitSnapshot("crash is stale", s -> s.busy().stale());
            assertEquals(12, held.status().total());
            assertEquals(0, held.status().running(), "a dead gateway runs nothing: no slot is taken");
            assertEquals(Action.HOLD, held.busy().action());
            assertFalse(held.busy().busy());
            assertEquals(1, held.busy().totals().stale());
            assertTrue(held.busy().reasons().contains(Reason.STALE_WORK));

            clock.advance(Duration.ofSeconds(119));
            assertEquals(Action.HOLD, harness.awaitSnapshot("still held",
                    s -> s.generatedAt().equals(clock.instant())).busy().action());
            clock.advance(Duration.ofSeconds(1));
            Snapshot released = harness.awaitSnapshot("released", s -> s.busy().action() == Action.RELEASE_AFTER_GRACE);
            assertEquals(0, released.busy().totals().stale());
        }
    }

    @Test
    void afterRunsThirteenSessionsAreIdleWithTheirKinds() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("after-runs"));
        try (Harness harness = harness("after-runs", true, true, clock)) {
            Snapshot snapshot = harness.await("thirteen idle", s -> s.total() == 13 && s.running() == 0);
            assertEquals(Action.RELEASE_AFTER_GRACE, snapshot.busy().action());
            Map<String, String> kinds = snapshot.status().details().stream()
                    .collect(Collectors.toMap(StatusView.Detail::key, StatusView.Detail::kind));
            assertEquals("main", kinds.get("agent:main:main"), "the heartbeat session is the main one");
            assertEquals("other", kinds.get("agent:main:fallback"));
        }
    }

    @Test
    void aStateDirOfBothErasCountsEveryKeyOnce() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("after-runs"));
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        // A file-era agent beside the SQLite one, and the SQLite agent's old sessions dir, kept by the upgrade.
        Fixtures.copy("after-runs", tmp.resolve("old"));
        Path oldSessions = tmp.resolve("old/agents/main/sessions");
        Fixtures.copyTree(oldSessions, state.resolve("agents/legacy/sessions"));
        Path legacyStore = state.resolve("agents/legacy/sessions/sessions.json");
        Files.writeString(legacyStore, Files.readString(legacyStore).replace("agent:main:", "agent:legacy:"));
        Fixtures.copyTree(oldSessions, state.resolve("agents/main/sessions"));
        Fixtures.touchAll(state.resolve("agents/legacy"), clock.instant().minus(Duration.ofHours(1)));
        // Every session listed in details, whatever its age, to see which agent each belongs to.
        ModelSettings listAll = new ModelSettings(Set.of(RunningEvidence.values()), 30_000, Duration.ofDays(3650).toMillis(),
                600_000, 120_000, 300_000, 60_000, 200, 8, true, false);
        try (Harness harness = new Harness(state, listAll, List.of(), true, clock)) {
            Snapshot snapshot = harness.await("both eras", s -> s.total() == 13 + 9);
            StatusView keys = snapshot.status();
            assertEquals(22, keys.details().size());
            assertEquals(9, keys.details().stream().filter(d -> d.agent().equals("legacy")).count());
            assertEquals(13, keys.details().stream().filter(d -> d.agent().equals("main")).count(),
                    "the database is the record of agent main; its old sessions dir is not read");
            assertFalse(snapshot.status().partial());
            assertEquals(3, snapshot.health().readable(), "one session dir, the agent and the state database");
        }
    }

    @Test
    void keysAreRedactedAndTheBusyStateNamesNoSession() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("mid-tool-call"));
        try (Harness harness = harness("mid-tool-call", true, true, clock)) {
            Snapshot snapshot = harness.await("running", s -> s.running() == 1);
            String status = new String(snapshot.statusJson(), StandardCharsets.UTF_8);
            String busy = new String(snapshot.busyJson(), StandardCharsets.UTF_8);
            assertTrue(status.contains("agent:main:sleep20"), "no marker segment: nothing to hash in this key");
            for (String secret : List.of("8c2f5ccb", "SLEEP", "harness-token", "/home/openclaw", tmp.toString())) {
                assertFalse(status.contains(secret), secret + " in " + status);
                assertFalse(busy.contains(secret), secret + " in " + busy);
            }
            assertFalse(busy.contains("sleep20"), busy);
        }
    }

}
