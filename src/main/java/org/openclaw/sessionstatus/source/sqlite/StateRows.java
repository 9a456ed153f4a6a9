package org.openclaw.sessionstatus.source.sqlite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.source.ReadCounters;

/**
 * What the state database ({@code state/openclaw.sqlite}) says of runs in flight (docs/design.md §4, §5): the tasks it
 * holds {@code running} — a turn from its admission, a cron or heartbeat run — and the gateway's owner lease.
 */
record StateRows(List<Task> runningTasks, Optional<Lease> gatewayLease) {
    /**
     * Only what says a run is in flight. The other columns each cost what they tell when missing: 2026.7.1 has no
     * {@code execution_owner_*} (the owner cannot be checked: the activity TTL applies), a task without a session
     * key is a run of the gateway's own, one without times has no activity of its own.
     */
    static final Map<String, Set<String>> REQUIRED = Map.of("task_runs", Set.of("task_id", "status"));
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A running task. Times are epoch ms, 0 when NULL.
     *
     * @param sessionKey the session it runs a turn of, or null for a run of the gateway's own (cron, heartbeat)
     * @param ownerPid the process executing it, 0 when not recorded
     * @param ownerStartTime that process's start time ({@code /proc/<pid>/stat} field 22), 0 when not recorded
     * @param runsIn for a run of the gateway's own, the session keys it may run in, most likely first: its
     *     {@code child_session_key}, a cron job's {@code agent:<agent>:cron:<job>}, a heartbeat's
     *     {@code agent:<agent>:main} — where one of them is a session, the run is that session's (counted once)
     */
    record Task(String id, String runtime, @Nullable String sessionKey, long ownerPid, long ownerStartTime, long startedAt,
            long lastEventAt, List<String> runsIn) {

        Task {
            runsIn = List.copyOf(runsIn);
        }

        long lastActivity() {
            return Math.max(startedAt, lastEventAt);
        }
    }

    /** The {@code gateway-owner} lease: who owns the state dir, and when it last said it lives (every 30 s). */
    record Lease(long pid, long startTime, long heartbeatAt) {
    }

    static StateRows none() {
        return new StateRows(List.of(), Optional.empty());
    }

    /** The running tasks that are turns of a session, by its key. */
    Map<String, List<Task>> tasksBySession() {
        Map<String, List<Task>> bySession = new LinkedHashMap<>();
        runningTasks.stream().filter(task -> task.sessionKey() != null)
                .forEach(task -> bySession.computeIfAbsent(task.sessionKey(), key -> new ArrayList<>()).add(task));
        return bySession;
    }

    /** The running tasks of the gateway's own (cron, heartbeat): no session's. */
    List<Task> backgroundTasks() {
        return runningTasks.stream().filter(task -> task.sessionKey() == null).toList();
    }

    /** @param now the time of the read: a timestamp beyond it is clamped to it (and counted) */
    static StateRows read(Database.Queries queries, ReadCounters counters, long now) throws SQLException {
        List<Task> tasks = new ArrayList<>();
        boolean jobs = queries.hasColumns("cron_jobs", "job_id", "declaration_key");
        try (ResultSet rows = queries.prepared("SELECT t.task_id, " + columns(queries, "runtime", "requester_session_key",
                "execution_owner_pid", "execution_owner_start_identity") + ", coalesce("
                + columns(queries, "started_at", "created_at") + "), "
                + columns(queries, "last_event_at", "child_session_key", "source_id", "agent_id") + ", "
                + (jobs ? "j.declaration_key FROM task_runs t LEFT JOIN cron_jobs j ON j.job_id = t.source_id"
                        : "NULL FROM task_runs t")
                + " WHERE t.status = 'running'").executeQuery()) {
            while (rows.next()) {
                String key = rows.getString(3);
                tasks.add(new Task(rows.getString(1), rows.getString(2), key == null || key.isBlank() ? null : key,
                        rows.getLong(4), rows.getLong(5), counters.notInFuture(rows.getLong(6), now),
                        counters.notInFuture(rows.getLong(7), now),
                        runsIn(rows.getString(2), rows.getString(8), rows.getString(9), rows.getString(10), rows.getString(11))));
            }
        }
        return new StateRows(List.copyOf(tasks), lease(queries, counters, now));
    }

    /** Where a run of the gateway's own may run: see {@link Task#runsIn()}. */
    static List<String> runsIn(String runtime, String child, String source, String agent, String declaration) {
        List<String> keys = new ArrayList<>();
        if (child != null && !child.isBlank()) {
            keys.add(child);
        }
        String agentId = agent == null || agent.isBlank() ? "main" : agent;
        if ("cron".equals(runtime) && source != null && !source.isBlank()) {
            keys.add("agent:" + agentId + ":cron:" + source);
        }
        if (declaration != null && declaration.startsWith("heartbeat:") && declaration.length() > "heartbeat:".length()) {
            keys.add("agent:" + declaration.substring("heartbeat:".length()) + ":main");
        }
        return keys;
    }

    /** {@code task_runs}' columns by name (as {@code t}), each {@code NULL} where this database lacks it. */
    private static String columns(Database.Queries queries, String... names) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (String name : names) {
            String column = queries.columnOrNull("task_runs", name);
            columns.add(column.equals("NULL") ? column : "t." + column);
        }
        return String.join(", ", columns);
    }

    /** The gateway's lease; none where the table, or a column it is read by, is missing. */
    private static Optional<Lease> lease(Database.Queries queries, ReadCounters counters, long now) throws SQLException {
        if (!queries.hasColumns("state_leases", "scope", "payload_json", "heartbeat_at")) {
            return Optional.empty();
        }
        try (ResultSet rows = queries.prepared("SELECT payload_json, heartbeat_at FROM state_leases"
                + " WHERE scope = 'gateway-owner' ORDER BY heartbeat_at DESC LIMIT 1").executeQuery()) {
            if (!rows.next()) {
                return Optional.empty();
            }
            JsonNode owner = parse(rows.getString(1)).path("owner");
            return Optional.of(new Lease(owner.path("pid").asLong(0), owner.path("startedAt").asLong(0),
                    counters.notInFuture(rows.getLong(2), now)));
        }
    }

    private static JsonNode parse(String json) {
        try {
            return json == null ? JSON.missingNode() : JSON.readTree(json);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
