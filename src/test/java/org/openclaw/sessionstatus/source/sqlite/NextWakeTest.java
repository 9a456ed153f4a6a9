package org.openclaw.sessionstatus.source.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.DatabaseWriter;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Gateways;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.MutableClock;

/**
 * The next wake — when the gateway next runs scheduled work by itself — from the cron jobs of the state database,
 * through the real source and model: on the state dirs a real 2026.9.6 gateway wrote (heartbeat:main every 30 min, a
 * daily memory job, a weekly review), and as the gateway would change them, written by another process.
 */
class NextWakeTest {
    /** The recorded gateway's next runs: its heartbeat (every 30 min, agent main) and its daily memory job (03:00). */
    static final Instant HEARTBEAT = Instant.parse("2026-11-22T20:16:43.455Z");
    static final Instant MEMORY = Instant.parse("2026-11-23T03:00:00Z");
    static final String STATE_DB = "state/openclaw.sqlite";
    static final String HEARTBEAT_JOB = "declaration_key = 'heartbeat:main'";

    @TempDir
    Path tmp;

    Harness harness(String fixture, boolean revive, MutableClock clock) throws Exception {
        Path state = Fixtures.copySqlite(fixture, tmp.resolve("state"));
        if (revive) {
            Gateways.reviveAsThisProcess(state);
        }
        return new Harness(state, Harness.settings(30_000), List.of(), true, clock);
    }

    static Instant nextWake(Snapshot snapshot) {
        long at = snapshot.busy().nextWakeAtMs();
        return at > 0 ? Instant.ofEpochMilli(at) : null;
    }

    static String lease(Snapshot snapshot) {
        return new String(snapshot.leaseJson(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // The heartbeat had not run yet in the first three; it had in after-runs (its receipt: ok) and moved on.
        "mid-tool-call, true,  EXTEND,              2026-11-22T19:44:25.005Z, false",
        "queued,        true,  EXTEND,              2026-11-22T19:44:25.005Z, false",
        "after-crash,   false, HOLD,                2026-11-22T20:16:43.455Z, false",
        "after-runs,    true,  RELEASE_AFTER_GRACE, 2026-11-22T20:16:43.455Z, true"})
    void eachRecordedStateDirWakesForItsHeartbeat(String fixture, boolean revive, Action action, Instant nextWake,
            boolean wakeRequired) throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt(fixture));
        try (Harness harness = harness(fixture, revive, clock)) {
            Snapshot snapshot = harness.awaitSnapshot("the fixture read", s -> s.busy().action() == action);
            assertEquals(nextWake, nextWake(snapshot));
            String lease = "\"wakeRequired\":" + wakeRequired + ",\"nextWakeAt\":\"" + nextWake + "\"}";
            assertTrue(lease(snapshot).endsWith(lease + "}"), lease(snapshot));
            assertTrue(new String(snapshot.busyJson(), StandardCharsets.UTF_8).contains(lease + ","), "the same in the busy state");
            String metrics = new String(snapshot.metricsText(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("\nopenclaw_session_status_next_wake_timestamp_seconds "
                    + new BigDecimal(nextWake.toEpochMilli()).movePointLeft(3) + "\n"), metrics);
            assertTrue(metrics.contains("\nopenclaw_session_status_wake_required " + (wakeRequired ? 1 : 0) + "\n"),
                    metrics);
        }
    }

    @Test
    void aCrashedGatewayOnceReleasedMustBeStartedAgainForItsHeartbeat() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("after-crash"));
        try (Harness harness = harness("after-crash", false, clock)) {
            assertFalse(harness.awaitSnapshot("held", s -> s.busy().action() == Action.HOLD).busy().wakeRequired());
            clock.advance(Duration.ofMinutes(2));
            Snapshot released = harness.awaitSnapshot("released", s -> s.busy().action() == Action.RELEASE_AFTER_GRACE);
            assertTrue(released.busy().wakeRequired());
            assertEquals(HEARTBEAT, nextWake(released));
        }
    }

    /** after-runs, its gateway alive here and idle, with a writer on its state database. */
    interface Scenario {
        void run(Harness harness, DatabaseWriter gateway, MutableClock clock) throws Exception;
    }

    void withWriter(Scenario scenario) throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("after-runs"));
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        Gateways.reviveAsThisProcess(state);
        try (DatabaseWriter gateway = DatabaseWriter.start(state.resolve(STATE_DB));
                Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            assertEquals(HEARTBEAT, nextWake(harness.awaitSnapshot("released", s -> s.status().total() == 13
                    && s.busy().action() == Action.RELEASE_AFTER_GRACE)));
            scenario.run(harness, gateway, clock);
        }
    }

    static Snapshot awaitWake(Harness harness, Instant expected) throws InterruptedException {
        return harness.awaitSnapshot("next wake " + expected, s -> Objects.equals(nextWake(s), expected));
    }

    static String setNextRun(Instant at) {
        return "UPDATE cron_jobs SET state_json = json_set(state_json, '$.nextRunAtMs', " + at.toEpochMilli() + ")";
    }

    @Test
    void theNextWakeFollowsAJobWhoseNextRunChanges() throws Exception {
        withWriter((harness, gateway, clock) -> {
            Instant sooner = clock.instant().plus(Duration.ofMinutes(5));
            gateway.exec(setNextRun(sooner) + " WHERE " + HEARTBEAT_JOB);
            assertTrue(awaitWake(harness, sooner).busy().wakeRequired());
            // Past the daily job: that one is next.
            gateway.exec(setNextRun(MEMORY.plus(Duration.ofHours(1))) + " WHERE " + HEARTBEAT_JOB);
            awaitWake(harness, MEMORY);
        });
    }

    @Test
    void disabledJobsDoNotCountAndWithNoneLeftNoWakeIsRequired() throws Exception {
        withWriter((harness, gateway, clock) -> {
            gateway.exec("UPDATE cron_jobs SET enabled = 0 WHERE " + HEARTBEAT_JOB);
            awaitWake(harness, MEMORY);
            gateway.exec("UPDATE cron_jobs SET enabled = 0");
            Snapshot none = awaitWake(harness, null);
            assertEquals(Action.RELEASE_AFTER_GRACE, none.busy().action());
            assertFalse(none.busy().wakeRequired());
            assertTrue(lease(none).endsWith("\"wakeRequired\":false,\"nextWakeAt\":null}}"), lease(none));
            assertTrue(new String(none.metricsText(), StandardCharsets.UTF_8)
                    .contains("\nopenclaw_session_status_next_wake_timestamp_seconds NaN\n"));
        });
    }

    @Test
    void aJobOfAnAgentDeletedAfterItWasWrittenDoesNotCountButOneWrittenAfterwardsDoes() throws Exception {
        withWriter((harness, gateway, clock) -> {
            long now = clock.millis();
            Instant soon = clock.instant().plus(Duration.ofMinutes(1));
            gateway.exec(job("ops-old", "ops", soon, now - 60_000));
            awaitWake(harness, soon);
            // What `openclaw agents delete ops` leaves in the journal (it removes the agent's jobs too, unless cut
            // short).
            gateway.exec("INSERT INTO agent_deletion_journal (agent_id, agent_dir, workspace_dir, sessions_dir,"
                    + " created_at) VALUES ('ops', '/x/agents/ops/agent', '/x/ws/ops', '/x/agents/ops/sessions', " + now + ")");
            awaitWake(harness, HEARTBEAT);
            // The agent made again, with a job of its own.
            Instant later = soon.plus(Duration.ofMinutes(1));
            gateway.exec(job("ops-new", "ops", later, now + 1_000));
            awaitWake(harness, later);
        });
    }

    static String job(String id, String agent, Instant nextRun, long updatedAt) {
        return "INSERT INTO cron_jobs (store_key, job_id, name, enabled, agent_id, payload_kind, job_json, state_json,"
                + " updated_at) VALUES ('/x/cron/jobs.json', '" + id + "', '" + id + "', 1, '" + agent + "', 'command',"
                + " '{}', '{\"nextRunAtMs\":" + nextRun.toEpochMilli() + "}', " + updatedAt + ")";
    }

    @Test
    void aRunThatFellDueAndHasNotStartedIsDueNowUntilItsReceiptSaysItStarted() throws Exception {
        withWriter((harness, gateway, clock) -> {
            Instant due = clock.instant().minus(Duration.ofSeconds(10));
            gateway.exec(setNextRun(due) + " WHERE " + HEARTBEAT_JOB);
            Snapshot overdue = awaitWake(harness, due);
            assertTrue(overdue.busy().wakeRequired(), "due since 10 s: start the gateway now");
            // The gateway picks it up: a running receipt started after its due time, its next run not yet moved on.
            gateway.exec("INSERT INTO cron_run_receipts (receipt_id, store_key, job_id, config_revision, agent_id,"
                    + " status, owner_pid, started_at_ms) SELECT 'r-new', store_key, job_id, 'sha256:x', 'main',"
                    + " 'running', 1, " + due.plusMillis(5).toEpochMilli() + " FROM cron_jobs WHERE " + HEARTBEAT_JOB);
            awaitWake(harness, MEMORY);
        });
    }

    @Test
    void withoutCronTablesOrWithABadJobOnlyThisEvidenceIsMissing() throws Exception {
        withWriter((harness, gateway, clock) -> {
            gateway.exec("UPDATE cron_jobs SET state_json = '{not json' WHERE " + HEARTBEAT_JOB);
            awaitWake(harness, MEMORY);
            gateway.exec("DROP TABLE cron_run_receipts");
            awaitWake(harness, MEMORY);
            gateway.exec("DROP TABLE cron_jobs");
            Snapshot none = awaitWake(harness, null);
            assertEquals(13, none.status().total(), "the sessions are read as before");
            assertFalse(none.status().partial());
            assertEquals(Action.RELEASE_AFTER_GRACE, none.busy().action());
        });
    }

    @Test
    void aStateDatabaseOf2026_7_1HasItsNextRunsInAColumnOfTheirOwn() throws Exception {
        Path file = tmp.resolve("openclaw.sqlite");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = db.createStatement();
                InputStream schema = NextWakeTest.class.getResourceAsStream("/openclaw-2026.7.1-cron_jobs.sql")) {
            for (String ddl : new String(schema.readAllBytes(), StandardCharsets.UTF_8).split(";\n")) {
                if (!ddl.isBlank()) {
                    statement.execute(ddl);
                }
            }
            statement.execute("INSERT INTO cron_jobs (store_key, job_id, name, enabled, created_at_ms, agent_id,"
                    + " schedule_kind, session_target, wake_mode, payload_kind, next_run_at_ms, job_json, updated_at)"
                    + " VALUES ('s', 'j', 'j', 1, 1, 'main', 'every', 'main', 'now', 'systemEvent', "
                    + HEARTBEAT.toEpochMilli() + ", '{}', 1)");
        }
        try (Database database = new Database(file, Map.of(), () -> { }, new AccessWarnings())) {
            CronJobs jobs = database.readIfChanged((queries, fresh) -> CronJobs.read(queries), true).orElseThrow();
            assertEquals(OptionalLong.of(HEARTBEAT.toEpochMilli()), jobs.nextWake(),
                    "no cron_run_receipts, no agent_deletion_journal in that release: the job counts");
        }
    }
}
