package org.openclaw.sessionstatus.source.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Confidence;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.DatabaseWriter;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Gateways;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.MutableClock;
import org.openclaw.sessionstatus.testing.TreeListing;

/** The SQLite source on real temp dirs with real native watches: read-only, and never blind. */
class SqliteSourceTest {
    static final String AGENT_DB = "agents/main/agent/openclaw-agent.sqlite";
    static final String STATE_DB = "state/openclaw.sqlite";

    @TempDir
    Path tmp;

    Harness harness(Path state) {
        return new Harness(state, Harness.settings(30_000), List.of(), true, Clock.systemUTC());
    }

    /** A recorded state dir whose databases are in WAL mode, as a live gateway's are, closed cleanly (no -wal, -shm). */
    Path walStateDir() throws Exception {
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        for (String database : List.of(AGENT_DB, STATE_DB)) {
            try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + state.resolve(database));
                    Statement statement = db.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
            }
            assertTrue(Files.notExists(state.resolve(database + "-wal")), "closed cleanly: no -wal");
        }
        return state;
    }

    /** Lets the source's worker tick a few times: what it would do unasked, it has done by then. */
    static Snapshot afterSomeTicks(Harness harness) throws InterruptedException {
        Instant start = Instant.now();
        return harness.awaitSnapshot("three ticks later", s -> s.generatedAt().isAfter(start.plusMillis(3_000)));
    }

    @Test
    void aClosedWalDatabaseIsReadWithoutCreatingItsWalOrShm() throws Exception {
        Path state = walStateDir();
        Map<String, String> before = TreeListing.withContents(state);
        try (Harness harness = harness(state)) {
            Snapshot snapshot = harness.await("thirteen sessions", s -> s.total() == 13);
            assertEquals(2, snapshot.health().readable(), "the agent and the state database, read");
            afterSomeTicks(harness);
        }
        assertEquals(before, TreeListing.withContents(state), "byte for byte, owner for owner, as it was");
    }

    @Test
    void anOpenWalDatabaseIsReadInPlaceAndLeftAsItWas() throws Exception {
        Path state = walStateDir();
        try (DatabaseWriter agent = DatabaseWriter.start(state.resolve(AGENT_DB));
                DatabaseWriter gateway = DatabaseWriter.start(state.resolve(STATE_DB))) {
            Map<String, String> before = TreeListing.of(state);
            assertTrue(before.containsKey(AGENT_DB + "-wal") && before.containsKey(AGENT_DB + "-shm"), before.toString());
            try (Harness harness = harness(state)) {
                harness.await("thirteen sessions", s -> s.total() == 13);
                afterSomeTicks(harness);
            }
            assertEquals(before, TreeListing.of(state));
        }
    }

    @Test
    void aDatabaseThatCannotBeReadMakesTheAnswerPartialNeverIdle() throws Exception {
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        Path broken = Files.createDirectories(state.resolve("agents/broken/agent")).resolve("openclaw-agent.sqlite");
        Files.writeString(broken, "this is not a database, but it is where one should be");
        try (Harness harness = harness(state)) {
            Snapshot snapshot = harness.awaitSnapshot("partial", s -> s.status().partial());
            assertEquals(13, snapshot.status().total(), "what can be read is still there");
            assertEquals(1, snapshot.status().unreadable());
            assertEquals(200, snapshot.statusCode());
            assertEquals(Action.HOLD, snapshot.busy().action());
            assertEquals(Confidence.PARTIAL, snapshot.busy().confidence());
        }
    }

    @Test
    void aDatabaseOfASchemaItCannotInterpretIsUnreadableAndAloneItBlindsTheStatus() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path database = Files.createDirectories(state.resolve("agents/main/agent")).resolve("openclaw-agent.sqlite");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database);
                Statement statement = db.createStatement()) {
            statement.execute("CREATE TABLE session_nodes (session_key TEXT, current_session_id TEXT, updated_at INTEGER)");
        }
        try (Harness harness = harness(state)) {
            Snapshot snapshot = harness.awaitSnapshot("unreadable", s -> s.health().unreadable() == 1);
            assertEquals(503, snapshot.statusCode(), "no free slot it cannot see");
            assertTrue(new String(snapshot.statusJson()).contains("\"ok\":false"), new String(snapshot.statusJson()));
            assertEquals(Action.UNKNOWN, snapshot.busy().action());
        }
    }

    @Test
    void aDatabaseDeletedAndCreatedAgainIsFollowed() throws Exception {
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        Path database = state.resolve(AGENT_DB);
        Path saved = Files.copy(database, tmp.resolve("saved.sqlite"));
        try (Harness harness = harness(state)) {
            harness.await("thirteen sessions", s -> s.total() == 13);
            Files.delete(database);
            Snapshot gone = harness.await("the agent is gone", s -> s.total() == 0);
            assertEquals(200, gone.statusCode(), "gone is not unreadable: nothing is there to see");
            Files.copy(saved, database);
            harness.await("back", s -> s.total() == 13);
        }
    }

    @Test
    void aGatewaysFirstStartCreatesTheDatabasesWhileTheDaemonRuns() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        try (Harness harness = harness(state)) {
            assertEquals(200, harness.await("nothing yet", s -> s.total() == 0).statusCode());
            Path recorded = Fixtures.copySqlite("mid-tool-call", tmp.resolve("recorded"));
            Files.createDirectories(state.resolve("agents/main/agent"));
            Files.copy(recorded.resolve(AGENT_DB), state.resolve(AGENT_DB));
            harness.await("two sessions", s -> s.total() == 2);
        }
    }

    @Test
    void aDatabaseThatVanishesWhileItShowsARunHoldsTheLeaseUntilItIsReadAgainOrTheCautiousLeasePasses() throws Exception {
        Instant taken = Fixtures.takenAt("mid-tool-call");
        MutableClock clock = new MutableClock(taken);
        Path state = Fixtures.copySqlite("mid-tool-call", tmp.resolve("state"));
        Gateways.reviveAsThisProcess(state);
        // Only the agent database says sleep20 runs (its gateway alive by its lock files).
        Files.delete(state.resolve(STATE_DB));
        Path database = state.resolve(AGENT_DB);
        Path saved = Files.copy(database, tmp.resolve("saved.sqlite"));
        List<Action> seen = new CopyOnWriteArrayList<>();
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            harness.awaitSnapshot("sleep20 running", s -> s.busy().action() == Action.EXTEND);

            Files.delete(database);
            Snapshot held = harness.awaitSnapshot("held once it vanished", s -> {
                seen.add(s.busy().action());
                return s.busy().stale();
            });
            assertEquals(Action.HOLD, held.busy().action());
            assertEquals(0, held.status().running(), "no run is seen: no slot is taken, none is released");
            Files.copy(saved, database);
            harness.awaitSnapshot("read again: running", s -> {
                seen.add(s.busy().action());
                return s.busy().action() == Action.EXTEND && !s.busy().stale();
            });

            Files.delete(database);
            harness.awaitSnapshot("held again", s -> s.busy().stale());
            clock.advance(Duration.ofMillis(119_000));
            harness.awaitSnapshot("still held", s -> {
                seen.add(s.busy().action());
                return s.generatedAt().equals(clock.instant());
            });
            assertTrue(!seen.contains(Action.RELEASE_AFTER_GRACE), "never released while it was held: " + seen);
            clock.advance(Duration.ofSeconds(1));
            Snapshot released = harness.awaitSnapshot("released once the cautious lease passed",
                    s -> s.busy().action() == Action.RELEASE_AFTER_GRACE);
            assertEquals(0, released.status().total(), "not seen again: gone");
        }
    }

    @Test
    void aDatabaseReplacedUnderItsConnectionWithoutTheRunHoldsTheRun() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("mid-tool-call"));
        Path state = Fixtures.copySqlite("mid-tool-call", tmp.resolve("state"));
        Gateways.reviveAsThisProcess(state);
        Files.delete(state.resolve(STATE_DB));
        Path database = state.resolve(AGENT_DB);
        Path empty = Fixtures.copySqlite("mid-tool-call", tmp.resolve("other")).resolve(AGENT_DB);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + empty); Statement statement = db.createStatement()) {
            statement.execute("DELETE FROM session_nodes");
        }
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            harness.awaitSnapshot("sleep20 running", s -> s.busy().action() == Action.EXTEND);
            // Deleted and created again between two looks: a new file, without the run.
            Files.move(empty, database, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Snapshot held = harness.awaitSnapshot("held", s -> s.busy().stale());
            assertEquals(Action.HOLD, held.busy().action());
        }
    }
}
