package org.openclaw.sessionstatus.source.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The runs the gateway will start by itself, from the state database (docs/design.md §4): every enabled job of
 * {@code cron_jobs} with its next run ({@code state_json.nextRunAtMs}, epoch ms) — unless a receipt in
 * {@code cron_run_receipts} shows that run already started, or its agent is gone. A database without these tables
 * or columns (an older release) has no jobs: only this evidence is missing, never the sessions'.
 *
 * <p>An agent is gone when OpenClaw's {@code agent_deletion_journal} records its deletion after the job was last
 * written. Not by its dir: a freshly started gateway has jobs for every configured agent and no {@code agents/} dir
 * at all (observed on 2026.9.6). {@code openclaw agents delete} removes the agent's jobs itself (observed too); the
 * journal covers a deletion cut short, or a database restored from before it.
 *
 * @param nextRunsAtMs the next run of each job that counts
 */
record CronJobs(List<Long> nextRunsAtMs) {
    private static final Set<String> REQUIRED = Set.of("store_key", "job_id", "enabled", "state_json");
    private static final Set<String> RECEIPTS = Set.of("store_key", "job_id", "started_at_ms");
    private static final Set<String> DELETIONS = Set.of("agent_id", "created_at");

    static CronJobs none() {
        return new CronJobs(List.of());
    }

    static CronJobs read(Database.Queries queries) throws SQLException {
        Set<String> columns = queries.columns("cron_jobs");
        if (!columns.containsAll(REQUIRED)) {
            return none();
        }
        // A run counts as started once a receipt began at or after its due time: it runs, or it ran and its job's
        // next run is being written (the gateway writes both as the run ends).
        String started = queries.columns("cron_run_receipts").containsAll(RECEIPTS)
                ? "(SELECT max(r.started_at_ms) FROM cron_run_receipts r WHERE r.store_key = j.store_key"
                        + " AND r.job_id = j.job_id)"
                : "NULL";
        String agentAlive = columns.containsAll(Set.of("agent_id", "updated_at"))
                && queries.columns("agent_deletion_journal").containsAll(DELETIONS)
                ? " AND NOT EXISTS (SELECT 1 FROM agent_deletion_journal d WHERE d.agent_id = j.agent_id"
                        + " AND d.created_at >= j.updated_at)"
                : "";
        // A malformed state_json costs its own job only: json_extract would fail the whole statement on it. Before
        // 2026.9, cron_jobs also had the next run as a column of its own.
        String sql = "SELECT coalesce(CASE WHEN json_valid(j.state_json)"
                + " THEN json_extract(j.state_json, '$.nextRunAtMs') END, "
                + (columns.contains("next_run_at_ms") ? "j.next_run_at_ms" : "NULL") + "), " + started
                + " FROM cron_jobs j WHERE j.enabled != 0" + agentAlive;
        List<Long> next = new ArrayList<>();
        try (ResultSet rows = queries.prepared(sql).executeQuery()) {
            while (rows.next()) {
                long nextRunAt = rows.getObject(1) instanceof Number number ? number.longValue() : 0;
                if (nextRunAt > 0 && rows.getLong(2) < nextRunAt) {
                    next.add(nextRunAt);
                }
            }
        }
        return new CronJobs(List.copyOf(next));
    }

    /**
     * The earliest pending run; empty when there is none. A run that fell due and has not started is pending too:
     * its instant, in the past, says it is due now (and keeps the answer from moving with the clock).
     */
    OptionalLong nextWake() {
        return nextRunsAtMs.stream().mapToLong(Long::longValue).min();
    }
}
