package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic SQLite-era (2026.9.6) state dirs shaped like the recorded ones: the recorded agent and state databases,
 * schema and all, with the recorded {@code agent:main:quick} session cloned N times (its 15 KB {@code entry_json}
 * included), every clone idle for hours; WAL mode, as a live gateway keeps them; and a gateway lock file naming the
 * bench's own process, so the owner of every row is alive. The bench then plays the gateway: it holds the agent
 * database open and commits row changes to it.
 */
final class SqliteStateGenerator {
    static final String AGENT_DB = "agents/main/agent/openclaw-agent.sqlite";
    private final Path fixtures;

    SqliteStateGenerator(Path fixtures) {
        this.fixtures = fixtures;
    }

    static String sessionId(int index) {
        return String.format("00000000-0000-4000-9000-%012d", index);
    }

    static String key(int index) {
        return "agent:main:telegram:direct:" + (200_000_000 + index);
    }

    void generate(Path state, int sessions, Instant now) throws IOException, SQLException {
        Path recorded = fixtures.resolve("openclaw-2026.9.6/after-runs");
        for (String file : List.of(AGENT_DB, "state/openclaw.sqlite", "openclaw.json")) {
            Files.createDirectories(state.resolve(file).getParent());
            Files.copy(recorded.resolve(file), state.resolve(file));
        }
        long idleSince = now.toEpochMilli() - 2 * 3_600_000L;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + state.resolve(AGENT_DB));
                Statement statement = db.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            db.setAutoCommit(false);
            String nodes = clone(db, "session_nodes", idleSince);
            String windows = clone(db, "session_windows", idleSince);
            statement.execute("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < " + sessions
                    + ") INSERT INTO session_nodes " + nodes);
            statement.execute("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < " + sessions
                    + ") INSERT INTO session_windows " + windows);
            // Only the clones: the recorded sessions would add 13 to every count.
            statement.execute("DELETE FROM session_windows WHERE session_id NOT LIKE '00000000-0000-4000-9000-%'");
            statement.execute("DELETE FROM session_nodes WHERE current_session_id NOT LIKE '00000000-0000-4000-9000-%'");
            db.commit();
        }
        Path locks = Files.createDirectories(state.resolve("tmp/openclaw-0"));
        String lock = "{\n  \"pid\": " + ProcessHandle.current().pid() + ",\n  \"createdAt\": \"" + now
                + "\",\n  \"port\": 18790,\n  \"startTime\": " + startTime() + "\n}\n \t \n";
        Files.writeString(locks.resolve("gateway.state.lock"), lock);
    }

    /** {@code SELECT …} of the recorded quick session's row with its key, id and times replaced for clone {@code n.i}. */
    private static String clone(Connection db, String table, long idleSince) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name FROM pragma_table_info('" + table + "')")) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        List<String> values = new ArrayList<>();
        for (String column : columns) {
            values.add(switch (column) {
                case "session_key" -> "'agent:main:telegram:direct:' || (200000000 + n.i)";
                case "session_id", "current_session_id" -> "printf('00000000-0000-4000-9000-%012d', n.i)";
                case "updated_at", "ended_at", "transcript_updated_at", "last_activity_at", "last_interaction_at" ->
                        "(" + idleSince + " - n.i * 7000)";
                case "status" -> "'done'";
                default -> "t." + column;
            });
        }
        return "(" + String.join(", ", columns) + ") SELECT " + String.join(", ", values) + " FROM n, " + table
                + " t WHERE t.session_key = 'agent:main:quick'";
    }

    static long startTime() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    }
}
