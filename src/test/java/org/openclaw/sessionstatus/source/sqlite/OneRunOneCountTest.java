package org.openclaw.sessionstatus.source.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Reason;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Gateways;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.MutableClock;

/**
 * One run, one count: a user cron job's run — its task (no session key), its session ({@code agent:main:cron:<job>})
 * and that session's twin key ({@code …:run:<session id>}) — is one running session, on the status route and in the
 * busy state alike.
 */
class OneRunOneCountTest {
    static final String SESSION = "(SELECT current_session_id FROM session_nodes WHERE session_key = 'agent:main:cron:job1')";

    @TempDir
    Path tmp;

    @Test
    void aCronRunIsOneRunningSessionOnBothDocuments() throws Exception {
        MutableClock clock = new MutableClock(Fixtures.takenAt("after-runs"));
        long now = clock.millis();
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        Gateways.reviveAsThisProcess(state);
        SchemasTest.sql(state.resolve("agents/main/agent/openclaw-agent.sqlite"),
                "UPDATE session_nodes SET session_key = 'agent:main:cron:job1' WHERE session_key = 'agent:main:quick'",
                "INSERT INTO session_nodes (session_key, current_session_id, entry_json, updated_at)"
                        + " SELECT session_key || ':run:' || current_session_id, current_session_id, '{}', updated_at"
                        + " FROM session_nodes WHERE session_key = 'agent:main:cron:job1'",
                "UPDATE session_windows SET status = 'running', ended_at = NULL, started_at = " + now + ", updated_at = "
                        + now + " WHERE session_id = " + SESSION);
        SchemasTest.sql(state.resolve("state/openclaw.sqlite"),
                "INSERT INTO task_runs (task_id, runtime, task_kind, source_id, requester_session_key, owner_key,"
                        + " scope_kind, agent_id, run_id, task, status, delivery_status, notify_policy, created_at,"
                        + " started_at, last_event_at) VALUES ('cron-task', 'cron', 'automation_run', 'job1', '', '',"
                        + " 'system', 'main', 'cron:job1:1', 'the job', 'running', 'not_applicable', 'silent', "
                        + now + ", " + now + ", " + now + ")");
        try (Harness harness = new Harness(state, Harness.settings(30_000), List.of(), true, clock)) {
            Snapshot snapshot = harness.await("the cron run", s -> s.running() == 1);
            assertEquals(13, snapshot.status().total(), "the job's key and its run's key are one session");
            assertEquals(1, snapshot.busy().totals().running(), "its task is that session's run, not one more");
            assertEquals(Action.EXTEND, snapshot.busy().action());
            assertEquals(List.of(Reason.ACTIVE_CRON_RUNS), snapshot.busy().reasons());
            assertEquals("cron", snapshot.status().details().stream().filter(d -> d.status().equals("running"))
                    .findFirst().orElseThrow().kind());
        }
    }
}
