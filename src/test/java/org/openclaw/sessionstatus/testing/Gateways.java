package org.openclaw.sessionstatus.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Makes a recorded 2026.9.6 state dir's gateway "alive" here: its lock files, its running tasks' owner and its lease
 * name this JVM (pid and start time), as a live gateway's would. The recorded pids are dead where the tests run.
 */
public final class Gateways {
    private Gateways() {
    }

    public static void reviveAsThisProcess(Path stateDir) throws IOException, SQLException {
        long pid = ProcessHandle.current().pid();
        long startTime = Fixtures.ownStartTime();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(stateDir.resolve("tmp"), "openclaw-*")) {
            for (Path dir : dirs) {
                try (DirectoryStream<Path> locks = Files.newDirectoryStream(dir, "gateway*.lock")) {
                    for (Path lock : locks) {
                        Files.writeString(lock, Files.readString(lock)
                                .replaceAll("\"pid\": \\d+", "\"pid\": " + pid)
                                .replaceAll("\"startTime\": \\d+", "\"startTime\": " + startTime));
                    }
                }
            }
        }
        Path state = stateDir.resolve("state/openclaw.sqlite");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + state)) {
            update(db, "UPDATE task_runs SET execution_owner_pid = ?, execution_owner_start_identity = ?"
                    + " WHERE status = 'running' AND execution_owner_pid IS NOT NULL", pid, startTime);
            update(db, "UPDATE state_leases SET payload_json = json_set(payload_json, '$.owner.pid', ?,"
                    + " '$.owner.startedAt', ?) WHERE scope = 'gateway-owner'", pid, startTime);
        }
    }

    private static void update(Connection db, String sql, long pid, long startTime) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.setLong(1, pid);
            statement.setLong(2, startTime);
            statement.executeUpdate();
        }
    }
}
