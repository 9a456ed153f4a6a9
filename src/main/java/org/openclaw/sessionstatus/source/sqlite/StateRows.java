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
 * What the state database ({@code state/openclaw.sqlite}) says of runs in flight (SPEC §2b): the tasks it holds
 * {@code running} — a turn from its admission, a cron or heartbeat run — and the gateway's owner lease.
 */
record StateRows(List<Task> runningTasks, Optional<Lease> gatewayLease) {
    static final Map<String, Set<String>> REQUIRED = Map.of(
            "task_runs", Set.of("task_id", "runtime", "requester_session_key", "status", "execution_owner_pid",
                    "execution_owner_start_identity", "started_at", "last_event_at", "created_at"));
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A running task. Times are epoch ms, 0 when NULL.
     *
     * @param sessionKey the session it runs a turn of, or null for a run of the gateway's own (cron, heartbeat)
     * @param ownerPid the process executing it, 0 when not recorded
     * @param ownerStartTime that process's start time ({@code /proc/<pid>/stat} field 22), 0 when not recorded
     */
    record Task(String id, String runtime, @Nullable String sessionKey, long ownerPid, long ownerStartTime,
            long startedAt, long lastEventAt) {

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
        try (ResultSet rows = queries.prepared("SELECT task_id, runtime, requester_session_key,"
                + " execution_owner_pid, execution_owner_start_identity, coalesce(started_at, created_at),"
                + " last_event_at FROM task_runs WHERE status = 'running'").executeQuery()) {
            while (rows.next()) {
                String key = rows.getString(3);
                tasks.add(new Task(rows.getString(1), rows.getString(2), key == null || key.isBlank() ? null : key,
                        rows.getLong(4), rows.getLong(5), counters.notInFuture(rows.getLong(6), now),
                        counters.notInFuture(rows.getLong(7), now)));
            }
        }
        return new StateRows(List.copyOf(tasks), lease(queries, counters, now));
    }

    private static Optional<Lease> lease(Database.Queries queries, ReadCounters counters, long now) throws SQLException {
        if (!queries.hasTable("state_leases")) {
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
