package org.openclaw.sessionstatus.source.sqlite;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.source.LastMessage;
import org.openclaw.sessionstatus.source.ReadCounters;

/**
 * What an agent database ({@code agents/<id>/agent/openclaw-agent.sqlite}) says of its sessions (docs/design.md §4),
 * kept up to date: each key's current window, its queued inputs, and the phase of its last transcript event. After the
 * first read only the windows whose {@code updated_at} moved are read again (OpenClaw stamps it on every change, and
 * indexes it), so a change costs the same at 100 sessions as at 10 000. Everything is read again when the database was
 * (re)opened, when rows went missing, and at most every {@value #FULL_READ_SECONDS} s while it changes.
 */
final class AgentTable {
    private static final int PROGRESS_EVERY = 1_000;
    /**
     * What says which sessions there are and whether one runs: a database without it is one this version cannot
     * interpret. Every other column and table costs only what it tells when missing (times, chat type, queued
     * inputs, the transcript's phase).
     */
    static final Map<String, Set<String>> REQUIRED = Map.of(
            "session_nodes", Set.of("session_key", "current_session_id"),
            "session_windows", Set.of("session_id", "status", "updated_at"));
    /** How many of the newest transcript events are looked at for the last message: the cost stays bounded. */
    private static final int LAST_EVENTS = 16;
    /** Windows stamped this long before the newest one seen are read again: commits are not in stamp order. */
    private static final long WATERMARK_SLACK_MS = 5_000;
    private static final long FULL_READ_SECONDS = 30;

    /**
     * One session key. Times are epoch ms, 0 when NULL.
     *
     * @param status the current window's {@code status}: {@code running}, {@code done}, …, or null before a run
     * @param pendingInputs inputs the gateway accepted ({@code state = 'queued'}) and has not started
     * @param transcript the last transcript message of the current window, as of {@code transcriptUpdatedAt}
     */
    record Row(String key, String sessionId, @Nullable String status, long startedAt, long endedAt, long updatedAt,
            long transcriptUpdatedAt, @Nullable String chatType, int pendingInputs, long lastAcceptedAt,
            LastMessage.Result transcript) {

        /** Newest of every instant the row records: the session's last activity. */
        long lastActivity() {
            return Math.max(Math.max(startedAt, updatedAt), Math.max(transcriptUpdatedAt, lastAcceptedAt));
        }

        Row withPending(int count, long lastAccepted) {
            return new Row(key, sessionId, status, startedAt, endedAt, updatedAt, transcriptUpdatedAt, chatType, count,
                    lastAccepted, transcript);
        }
    }

    private final ReadCounters counters;
    private final LongSupplier now;
    private final Map<String, Row> rows = new HashMap<>();
    /** Keys by the session id they name: a cron job's key and its current run's ({@code …:run:<id>}) are one session. */
    private final Map<String, Set<String>> keysBySession = new HashMap<>();
    private final Map<String, long[]> pending = new HashMap<>();
    private long watermark;
    private long lastFullReadNanos;

    /** @param now the time a row is read at: a timestamp beyond it is clamped to it (and counted) */
    AgentTable(ReadCounters counters, LongSupplier now) {
        this.counters = counters;
        this.now = now;
    }

    Map<String, Row> rows() {
        return Collections.unmodifiableMap(rows);
    }

    /** The key a session goes by: of the keys naming one session id, the shortest (then the first in order). */
    String canonical(String key) {
        Set<String> twins = twins(key);
        String canonical = key;
        for (String twin : twins) {
            int byLength = Integer.compare(twin.length(), canonical.length());
            canonical = byLength < 0 || byLength == 0 && twin.compareTo(canonical) < 0 ? twin : canonical;
        }
        return canonical;
    }

    /** The session's row under its canonical key, with the queued inputs of every key naming it. */
    @Nullable Row session(String key) {
        Row row = rows.get(key);
        Set<String> twins = twins(key);
        if (row == null || twins.size() < 2) {
            return row;
        }
        int pendingInputs = 0;
        long lastAccepted = 0;
        for (String twin : twins) {
            Row other = rows.get(twin);
            if (other == null) {
                continue;
            }
            pendingInputs += other.pendingInputs();
            lastAccepted = Math.max(lastAccepted, other.lastAcceptedAt());
        }
        return row.withPending(pendingInputs, lastAccepted);
    }

    private Set<String> twins(String key) {
        Row row = rows.get(key);
        return row == null || row.sessionId().isEmpty() ? Set.of(key)
                : keysBySession.getOrDefault(row.sessionId(), Set.of(key));
    }

    /**
     * Reads what changed since the last read, inside the caller's read transaction.
     *
     * @param fresh read everything (a new connection)
     * @return the keys added, changed or removed
     */
    Set<String> read(Database.Queries queries, boolean fresh) throws SQLException {
        boolean full = fresh || System.nanoTime() - lastFullReadNanos > TimeUnit.SECONDS.toNanos(FULL_READ_SECONDS);
        long readAt = now.getAsLong();
        Map<String, long[]> queued = queuedInputs(queries, readAt);
        Map<String, Row> read = windows(queries, full, readAt);
        Set<String> changed = new HashSet<>();
        if (full) {
            lastFullReadNanos = System.nanoTime();
            for (String key : Set.copyOf(rows.keySet())) {
                if (!read.containsKey(key) && !queued.containsKey(key)) {
                    remove(key, changed);
                }
            }
        }
        read.forEach((key, row) -> put(withQueued(row, queued.get(key)), changed));
        // Keys whose queued inputs changed while their window did not.
        Set<String> keys = new HashSet<>(pending.keySet());
        keys.addAll(queued.keySet());
        keys.removeAll(read.keySet());
        for (String key : keys) {
            Row row = rows.get(key);
            if (row == null || (row.sessionId().isEmpty() && !queued.containsKey(key))) {
                if (row != null) {
                    remove(key, changed);
                } else {
                    // An input whose key has no window yet: the turn was accepted, the session is on its way.
                    put(withQueued(new Row(key, "", null, 0, 0, 0, 0, null, 0, 0, LastMessage.Result.UNKNOWN),
                            queued.get(key)), changed);
                }
            } else {
                put(withQueued(row, queued.get(key)), changed);
            }
        }
        pending.clear();
        pending.putAll(queued);
        if (!full && count(queries) != rows.size() - orphans(queued)) {
            // A session went, or came in a way the watermark missed: read everything again.
            changed.addAll(read(queries, true));
        }
        return changed;
    }

    private Map<String, Row> windows(Database.Queries queries, boolean full, long readAt) throws SQLException {
        Map<String, Row> read = new HashMap<>();
        String columns = columns(queries);
        PreparedStatement windows = queries.prepared(full
                ? columns + " FROM session_nodes n LEFT JOIN session_windows w ON w.session_id = n.current_session_id"
                : columns + " FROM session_windows w JOIN session_nodes n ON n.current_session_id = w.session_id"
                        + " WHERE w.updated_at >= ?");
        PreparedStatement events = queries.hasColumns("transcript_events", "event_json", "session_id", "seq")
                ? queries.prepared("SELECT event_json"
                + " FROM transcript_events WHERE session_id = ? ORDER BY seq DESC LIMIT " + LAST_EVENTS) : null;
        if (!full) {
            windows.setLong(1, watermark - WATERMARK_SLACK_MS);
        }
        try (ResultSet result = windows.executeQuery()) {
            for (int rows = 1; result.next(); rows++) {
                if (rows % PROGRESS_EVERY == 0) {
                    queries.progress(); // a full read of many rows is long work, not a stuck worker
                }
                Row row = row(result, events, readAt);
                read.put(row.key(), row);
                watermark = Math.max(watermark, row.updatedAt());
            }
        }
        return read;
    }

    /**
     * The windows' columns; one this database lacks reads as NULL. Columns of session_nodes after its large
     * entry_json are not read: reaching them means walking overflow pages.
     */
    private static String columns(Database.Queries queries) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT n.session_key, n.current_session_id, w.status");
        for (String column : new String[] {"started_at", "ended_at", "updated_at", "transcript_updated_at", "chat_type"}) {
            select.append(", ").append(queries.hasColumns("session_windows", column) ? "w." + column : "NULL");
        }
        return select.toString();
    }

    private static Row withQueued(Row row, long @Nullable [] queued) {
        return queued == null ? row.withPending(0, 0) : row.withPending((int) queued[0], queued[1]);
    }

    private Row row(ResultSet result, @Nullable PreparedStatement events, long readAt) throws SQLException {
        String key = result.getString(1);
        String sessionId = Objects.requireNonNullElse(result.getString(2), "");
        long transcriptUpdatedAt = counters.notInFuture(result.getLong(7), readAt);
        Row known = rows.get(key);
        LastMessage.Result transcript = known != null && sessionId.equals(known.sessionId())
                && known.transcriptUpdatedAt() == transcriptUpdatedAt ? known.transcript()
                : events == null || transcriptUpdatedAt == 0 ? LastMessage.Result.UNKNOWN
                : lastMessage(events, sessionId);
        return new Row(key, sessionId, result.getString(3), counters.notInFuture(result.getLong(4), readAt),
                counters.notInFuture(result.getLong(5), readAt), counters.notInFuture(result.getLong(6), readAt),
                transcriptUpdatedAt, result.getString(8), 0, 0, transcript);
    }

    /** Queued inputs by key (count, newest {@code accepted_at}): a small table, read whole. */
    private Map<String, long[]> queuedInputs(Database.Queries queries, long readAt) throws SQLException {
        Map<String, long[]> queued = new HashMap<>();
        if (!queries.hasColumns("session_pending_inputs", "session_key", "state")) {
            return queued;
        }
        try (ResultSet result = queries.prepared("SELECT session_key, count(*), max("
                + queries.columnOrNull("session_pending_inputs", "accepted_at") + ")"
                + " FROM session_pending_inputs WHERE state = 'queued' GROUP BY session_key").executeQuery()) {
            while (result.next()) {
                queued.put(result.getString(1), new long[] {result.getLong(2),
                        counters.notInFuture(result.getLong(3), readAt)});
            }
        }
        return queued;
    }

    /** A changed row changes the keys that name the same session too: they are joined as one. */
    private void put(Row row, Set<String> changed) {
        Row old = rows.put(row.key(), row);
        if (!Objects.equals(old, row)) {
            changed.add(row.key());
            unindex(old, changed);
            if (!row.sessionId().isEmpty()) {
                Set<String> keys = keysBySession.computeIfAbsent(row.sessionId(), id -> new HashSet<>());
                keys.add(row.key());
                changed.addAll(keys);
            }
        }
    }

    private void remove(String key, Set<String> changed) {
        changed.add(key);
        unindex(rows.remove(key), changed);
    }

    private void unindex(@Nullable Row row, Set<String> changed) {
        if (row == null || row.sessionId().isEmpty()) {
            return;
        }
        Set<String> keys = keysBySession.get(row.sessionId());
        if (keys != null) {
            keys.remove(row.key());
            changed.addAll(keys);
            if (keys.isEmpty()) {
                keysBySession.remove(row.sessionId());
            }
        }
    }

    /** Rows made from queued inputs alone (no window yet): they are not counted among the database's nodes. */
    private int orphans(Map<String, long[]> queued) {
        int orphans = 0;
        for (String key : queued.keySet()) {
            Row row = rows.get(key);
            orphans += row != null && row.sessionId().isEmpty() ? 1 : 0;
        }
        return orphans;
    }

    private static int count(Database.Queries queries) throws SQLException {
        try (ResultSet result = queries.prepared("SELECT count(*) FROM session_nodes").executeQuery()) {
            return result.next() ? result.getInt(1) : 0;
        }
    }

    /** The newest events back to the last message; a compressed event there hides it, so the phase is unknown. */
    private static LastMessage.Result lastMessage(PreparedStatement events, String sessionId) throws SQLException {
        events.setString(1, sessionId);
        LastMessage lines = new LastMessage();
        try (ResultSet result = events.executeQuery()) {
            while (result.next()) {
                String json = result.getString(1);
                if (json == null) {
                    return LastMessage.Result.UNKNOWN;
                }
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                LastMessage.Result message = lines.older(bytes, 0, bytes.length);
                if (message != null) {
                    return message;
                }
            }
        }
        return LastMessage.Result.UNKNOWN;
    }
}
