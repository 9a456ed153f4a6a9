package org.openclaw.sessionstatus.source.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Gateways;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.MutableClock;

/**
 * Each schema a real gateway writes, and one from the future: a database is read for what it has. Only what says a
 * run is in flight is required; a missing column costs what it told (an owner that cannot be checked: the activity
 * TTL applies), extra columns and tables cost nothing.
 */
class SchemasTest {
    /** The 2026.7.1 crash left this task {@code running}; its last event, and the newest time in that database. */
    static final Instant CRASH_TASK_LAST_EVENT = Instant.ofEpochMilli(1796224403844L);

    @TempDir
    Path tmp;

    @Test
    void the2026_7_1StateDatabaseIsReadAndItsLeftoverRunAgesOutByTheActivityTtl() throws Exception {
        Path state = tmp.resolve("state");
        Fixtures.copyTree(Fixtures.root().resolve("openclaw-2026.7.1/after-runs/state"), state.resolve("state"));
        MutableClock clock = new MutableClock(CRASH_TASK_LAST_EVENT.plusSeconds(60));
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            Snapshot running = harness.await("the crash's task, owner unknown", s -> s.running() == 1);
            assertFalse(running.status().partial(), "no execution_owner_* columns: the owner is unknown, no more");
            assertEquals(1, running.sources().get(SqliteSource.HEALTH).readable());
            assertEquals(Action.EXTEND, running.busy().action());

            // activityTtlMs (10 min) after its last event it is no longer trusted: stale, held for cautiousLeaseMs.
            clock.advance(Duration.ofMinutes(9));
            Snapshot held = harness.awaitSnapshot("stale past the TTL", s -> s.busy().stale());
            assertEquals(Action.HOLD, held.busy().action());
            assertEquals(0, held.status().running());
            clock.advance(Duration.ofMinutes(2));
            harness.awaitSnapshot("released once the cautious lease passed",
                    s -> s.busy().action() == Action.RELEASE_AFTER_GRACE);
        }
    }

    @Test
    void aFileEraStateDirWithIts2026_7_1StateDatabaseIsWholeAndIdle() throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        MutableClock clock = new MutableClock(CRASH_TASK_LAST_EVENT.plusSeconds(60));
        Fixtures.touchAll(state.resolve("agents"), clock.instant().minus(Duration.ofHours(1)));
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            Snapshot snapshot = harness.await("the nine sessions of the files", s -> s.total() == 9);
            assertFalse(snapshot.status().partial());
            assertEquals(0, snapshot.status().running(),
                    "the leftover task of agent:main:crash is the files' to tell: they say done");
            assertEquals(Action.RELEASE_AFTER_GRACE, snapshot.busy().action());
            assertEquals(1, snapshot.sources().get(SqliteSource.HEALTH).readable());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mid-tool-call", "queued", "after-crash", "after-runs"})
    void every2026_9_6StateDirIsReadWhole(String fixture) throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt(fixture));
        Path state = Fixtures.copySqlite(fixture, tmp.resolve("state"));
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            Snapshot snapshot = harness.awaitSnapshot("scanned", s -> s.health().scanned());
            assertFalse(snapshot.status().partial());
            assertEquals(List.of(2, 0), List.of(snapshot.sources().get(SqliteSource.HEALTH).readable(),
                    snapshot.sources().get(SqliteSource.HEALTH).unreadable()), "the agent and the state database");
        }
    }

    @Test
    void aFutureSchemaWithMoreColumnsAndTablesIsReadAsToday() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("mid-tool-call"));
        Path state = Fixtures.copySqlite("mid-tool-call", tmp.resolve("state"));
        Gateways.reviveAsThisProcess(state);
        sql(state.resolve("agents/main/agent/openclaw-agent.sqlite"),
                "ALTER TABLE session_windows ADD COLUMN lane TEXT DEFAULT 'main'",
                "ALTER TABLE session_nodes ADD COLUMN shard INTEGER",
                "CREATE TABLE session_runs (run_id TEXT PRIMARY KEY, session_key TEXT, status TEXT)",
                "PRAGMA user_version = 31");
        sql(state.resolve("state/openclaw.sqlite"),
                "ALTER TABLE task_runs ADD COLUMN execution_owner_container TEXT",
                "CREATE TABLE run_ledger (id INTEGER PRIMARY KEY, payload BLOB)");
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            Snapshot snapshot = harness.await("sleep20 running", s -> s.running() == 1);
            assertFalse(snapshot.status().partial());
            assertEquals(Action.EXTEND, snapshot.busy().action());
        }
    }

    @Test
    void aSchemaWithoutTheOptionalColumnsCostsOnlyWhatTheyTold() throws Exception {
        Instant taken = Fixtures.takenAt("mid-tool-call");
        MutableClock clock = new MutableClock(taken);
        Path state = Fixtures.copySqlite("mid-tool-call", tmp.resolve("state"));
        sql(state.resolve("state/openclaw.sqlite"),
                "DROP INDEX idx_task_runs_last_event_at",
                "ALTER TABLE task_runs DROP COLUMN execution_owner_pid",
                "ALTER TABLE task_runs DROP COLUMN execution_owner_start_identity",
                "ALTER TABLE task_runs DROP COLUMN last_event_at",
                "DROP TABLE state_leases");
        sql(state.resolve("agents/main/agent/openclaw-agent.sqlite"),
                "ALTER TABLE session_windows DROP COLUMN chat_type",
                "DROP TABLE session_pending_inputs");
        Files.walk(state.resolve("tmp")).sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            Snapshot snapshot = harness.await("sleep20 running, its owner unknown", s -> s.running() == 1);
            assertFalse(snapshot.status().partial());
            clock.advance(Duration.ofMinutes(11));
            Snapshot aged = harness.awaitSnapshot("no owner to trust: the TTL applies", s -> s.busy().stale());
            assertEquals(0, aged.status().running());
            assertEquals(Action.HOLD, aged.busy().action());
        }
    }

    static void sql(Path database, String... statements) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database); Statement statement = db.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
