package bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * The file changes OpenClaw makes, each toggling one session between running and idle so every change is visible:
 * {@link #prepare} does the untimed work, {@link #apply} the write being timed.
 */
interface Changes {
    void prepare(boolean busy) throws IOException;

    void apply(boolean busy) throws IOException;

    /** Timed from the end of {@link #apply} rather than its start: a commit's own fsync is the gateway's cost. */
    default boolean timedFromItsEnd() {
        return false;
    }

    /** A transcript line appended: the model asks for a tool (running), or finishes its reply (idle). */
    final class Append implements Changes {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final Path transcript;
        private final ObjectNode toolUse;
        private final ObjectNode finished;
        private byte[] next;

        Append(Path transcript, byte[] toolUseLine, byte[] finishedLine) throws IOException {
            this.transcript = transcript;
            this.toolUse = (ObjectNode) JSON.readTree(toolUseLine);
            this.finished = (ObjectNode) JSON.readTree(finishedLine);
        }

        @Override
        public void prepare(boolean busy) throws IOException {
            // Stamped now, as OpenClaw stamps its lines: a recorded timestamp would predate the store's endedAt.
            ObjectNode line = (busy ? toolUse : finished).deepCopy();
            Instant now = Instant.now();
            line.put("timestamp", now.toString());
            ((ObjectNode) line.get("message")).put("timestamp", now.toEpochMilli());
            next = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void apply(boolean busy) throws IOException {
            Files.write(transcript, next, StandardOpenOption.APPEND);
        }
    }

    /** OpenClaw's write lock taken (held by a live process: this one) and released. */
    final class Lock implements Changes {
        private final Path lock;
        private final long starttime;
        private byte[] content;

        Lock(Path transcript) throws IOException {
            this.lock = transcript.resolveSibling(transcript.getFileName() + ".lock");
            String stat = Files.readString(Path.of("/proc/self/stat"));
            this.starttime = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
        }

        @Override
        public void prepare(boolean busy) {
            content = ("{\n  \"pid\": " + ProcessHandle.current().pid() + ",\n  \"createdAt\": \"" + Instant.now()
                    + "\",\n  \"maxHoldMs\": 300000,\n  \"starttime\": " + starttime + "\n}")
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void apply(boolean busy) throws IOException {
            if (busy) {
                Files.write(lock, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } else {
                Files.delete(lock);
            }
        }
    }

    /** The agent's whole {@code sessions.json} rewritten and renamed over, session 0's run status flipped. */
    final class StoreRename implements Changes {
        private final Path dir;
        private final Path temp;
        private final byte[] running;
        private final byte[] done;

        StoreRename(StateGenerator generator, Path dir, int agent, int count) throws IOException {
            this.dir = dir;
            this.temp = dir.resolve("sessions.json.bench.tmp");
            Instant now = Instant.now();
            this.running = generator.storeBytes(dir, agent, count, now, Map.of(0, now));
            this.done = generator.storeBytes(dir, agent, count, now, Map.of());
        }

        @Override
        public void prepare(boolean busy) throws IOException {
            Files.write(temp, busy ? running : done);
        }

        @Override
        public void apply(boolean busy) throws IOException {
            Files.move(temp, dir.resolve("sessions.json"), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /**
     * The SQLite era: the gateway commits a session's window {@code status} ({@code running} with its start, or
     * {@code done} with its end), one transaction, on the connection it holds open.
     */
    final class WindowStatus implements Changes {
        private final PreparedStatement update;

        WindowStatus(Connection gateway, String sessionId) throws SQLException {
            this.update = gateway.prepareStatement("UPDATE session_windows SET status = ?, started_at = ?, ended_at = ?,"
                    + " updated_at = ? WHERE session_id = ?");
            update.setString(5, sessionId);
        }

        @Override
        public void prepare(boolean busy) throws IOException {
            try {
                long now = System.currentTimeMillis();
                update.setString(1, busy ? "running" : "done");
                update.setLong(2, now);
                if (busy) {
                    update.setNull(3, java.sql.Types.INTEGER);
                } else {
                    update.setLong(3, now);
                }
                update.setLong(4, now);
            } catch (SQLException e) {
                throw new IOException(e);
            }
        }

        @Override
        public boolean timedFromItsEnd() {
            return true;
        }

        @Override
        public void apply(boolean busy) throws IOException {
            try {
                update.executeUpdate();
            } catch (SQLException e) {
                throw new IOException(e);
            }
        }
    }
}
