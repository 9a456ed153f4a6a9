package org.openclaw.sessionstatus.source.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.StateLayout;
import org.tinylog.Logger;

/**
 * One of OpenClaw's databases, read without a trace: a {@code mode=ro} connection, held open, and read in short
 * transactions only when {@code PRAGMA data_version} says another connection committed. Never {@code immutable=1}
 * (it silently misses the WAL). A WAL database whose {@code -wal} or {@code -shm} is missing (no process has it open)
 * would get them created by any reader that can write its dir, so it is read through a private copy outside the
 * state dir instead, until its owner opens it again. A file that was replaced is reopened; one that went away is gone.
 */
final class Database implements AutoCloseable {
    /** A read that cannot wait longer than this for SQLite's own locks (a WAL recovery by the gateway). */
    private static final int BUSY_TIMEOUT_MS = 250;
    private static final int HEADER_BYTES = 100;

    /** What can make a database unreadable; the message is logged once per distinct reason. */
    static final class Unreadable extends Exception {
        Unreadable(String message, @Nullable Throwable cause) {
            super(message, cause);
        }

        Unreadable(String message) {
            super(message);
        }
    }

    /** Rows read inside one read transaction. */
    interface Reader<T> {
        /** @param fresh the connection is new (first read, or the file was replaced): read everything */
        T read(Queries queries, boolean fresh) throws SQLException;
    }

    /** Statements on the open connection, compiled once per connection: a read costs its steps, not its parsing. */
    interface Queries {
        /** A cached statement: set its parameters and run it; close its results, never the statement. */
        PreparedStatement prepared(String sql) throws SQLException;

        /** Whether the table exists and has all these columns (asked once per connection). */
        boolean hasColumns(String table, String... columns) throws SQLException;

        /** The table's columns, none when there is no such table (asked once per connection). */
        Set<String> columns(String table) throws SQLException;

        /**
         * The column's name if the table has it, else {@code NULL}: a column a reader can do without (a release
         * that predates it, or dropped it) costs only what it told, never the whole database.
         */
        String columnOrNull(String table, String column) throws SQLException;

        /** Marks progress in a long read (many rows), so the worker is not taken for stuck. */
        void progress();
    }

    /** Identity and shape of the files a connection was opened on: when they change, it is opened again. */
    private record Files3(Object key, long size, long modified, boolean wal, boolean shm) {
    }

    /** How many bytes a private copy takes between marks of progress. */
    private static final long COPY_CHUNK = 8 << 20;

    private final Path file;
    private final Map<String, Set<String>> requiredColumns;
    private final Runnable progress;
    private final AccessWarnings warnings;
    private @Nullable Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    /** Each table's columns, read once per connection. */
    private final Map<String, Set<String>> columns = new HashMap<>();
    private final Queries queries = new Queries() {
        @Override
        public PreparedStatement prepared(String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null) {
                statement = open().prepareStatement(sql);
                statements.put(sql, statement);
            }
            return statement;
        }

        @Override
        public boolean hasColumns(String table, String... names) throws SQLException {
            Set<String> present = columns(table);
            return !present.isEmpty() && present.containsAll(List.of(names));
        }

        @Override
        public Set<String> columns(String table) throws SQLException {
            return Database.this.columns(table);
        }

        @Override
        public String columnOrNull(String table, String column) throws SQLException {
            return columns(table).contains(column) ? column : "NULL";
        }

        @Override
        public void progress() {
            progress.run();
        }
    };
    private @Nullable Files3 openedOn;
    private @Nullable Path privateCopy;
    private long dataVersion = -1;
    private @Nullable String lastProblem;
    /** The last read found the file replaced under an open connection (deleted and created again). */
    private boolean replaced;

    /**
     * @param requiredColumns table → columns the reader cannot do without; a database without them cannot be
     *     interpreted. Other columns are asked for with {@link Queries#columnOrNull}.
     * @param progress marks progress in long work (a large copy, many rows), on the worker's thread
     * @param warnings where a database this user may not read is said, once
     */
    Database(Path file, Map<String, Set<String>> requiredColumns, Runnable progress, AccessWarnings warnings) {
        this.file = file;
        this.requiredColumns = requiredColumns;
        this.progress = progress;
        this.warnings = warnings;
    }

    /**
     * Whether there is an entry by its name (a link not followed), or may be: one behind a dir this user may not
     * enter, or that is not a regular file, is there, and unreadable: its agent is partial, never silently gone.
     */
    boolean exists() {
        return StateLayout.exists(file);
    }

    /**
     * Reads in one short transaction if the data changed since the last read, or always when {@code force}.
     *
     * @return empty when nothing changed
     * @throws Unreadable when the file cannot be opened, read or interpreted; the caller keeps what it read before
     */
    <T> Optional<T> readIfChanged(Reader<T> reader, boolean force) throws Unreadable {
        try {
            boolean reopened = ensureOpen();
            // The check alone is one statement in its own read transaction: an idle database costs just that.
            if (!force && !reopened && dataVersion() == dataVersion) {
                return Optional.empty();
            }
            queries.prepared("BEGIN").execute();
            try {
                // Read again inside the transaction, so the version recorded is the one the rows were read at.
                long version = dataVersion();
                T rows = reader.read(queries, reopened);
                dataVersion = version;
                lastProblem = null;
                warnings.readable(file);
                return Optional.of(rows);
            } finally {
                queries.prepared("COMMIT").execute();
            }
        } catch (SQLException e) {
            // A connection that failed mid-read is not trusted again: the next read opens afresh.
            closeConnection();
            throw unreadable("cannot be read: " + e.getMessage(), e);
        } catch (LinkageError e) {
            throw unreadable("SQLite cannot be loaded here: " + e, null);
        }
    }

    /** This user may not look at it, or not read it: said once, with which user and what to do. */
    private Unreadable denied(AccessDeniedException e) {
        warnings.denied(file);
        lastProblem = "permission denied";
        return new Unreadable("permission denied", e);
    }

    /** Whether the last read found the file replaced (deleted and created again) under its open connection. */
    boolean replaced() {
        return replaced;
    }

    private Unreadable unreadable(String problem, @Nullable Throwable cause) {
        if (!problem.equals(lastProblem)) {
            lastProblem = problem;
            Logger.warn("database {} {}", file, problem);
        }
        return new Unreadable(problem, cause);
    }

    /** Opens, or opens again when the file was replaced or its WAL files came or went. @return whether it (re)opened */
    private boolean ensureOpen() throws SQLException, Unreadable {
        replaced = false;
        Files3 now = inspect();
        if (connection != null && now.equals(openedOn)) {
            return false;
        }
        if (connection != null && privateCopy == null && openedOn != null
                && Objects.equals(now.key(), openedOn.key())) {
            // A live connection follows the file's own changes; only a replaced file needs a new one.
            return false;
        }
        replaced = connection != null && openedOn != null && !Objects.equals(now.key(), openedOn.key());
        closeConnection();
        boolean walMode = walMode();
        Path target = file;
        if (walMode && !(now.wal() && now.shm())) {
            target = copyPrivately(now);
        } else {
            deletePrivateCopy();
        }
        Properties properties = new Properties();
        properties.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
        connection = DriverManager.getConnection("jdbc:sqlite:file:" + target.toUri().getRawPath() + "?mode=ro", properties);
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA query_only = 1");
        }
        openedOn = now;
        dataVersion = -1;
        checkSchema();
        return true;
    }

    private Files3 inspect() throws Unreadable {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isRegularFile()) {
                throw unreadable("is not a regular file", null);
            }
            return new Files3(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().toMillis(),
                    Files.exists(sibling("-wal"), LinkOption.NOFOLLOW_LINKS),
                    Files.exists(sibling("-shm"), LinkOption.NOFOLLOW_LINKS));
        } catch (NoSuchFileException e) {
            throw unreadable("is gone", e);
        } catch (AccessDeniedException e) {
            throw denied(e);
        } catch (IOException e) {
            throw unreadable("cannot be inspected: " + e.getMessage(), e);
        }
    }

    /** A regular file copied in chunks, progress marked after each: a large database takes a while. */
    private void copy(Path from, Path to) throws IOException {
        try (FileChannel in = (FileChannel) RegularFiles.open(from);
                FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            for (long done = 0; done < size;) {
                done += in.transferTo(done, Math.min(COPY_CHUNK, size - done), out);
                progress.run();
            }
        }
    }

    /** Bytes 18 and 19 of the header are 2 in WAL mode (SQLite file format, §1.3). */
    private boolean walMode() throws Unreadable {
        byte[] header = new byte[HEADER_BYTES];
        // A regular file (checked): opening it cannot block.
        try (InputStream in = RegularFiles.stream(file)) {
            int read = in.readNBytes(header, 0, HEADER_BYTES);
            return read == HEADER_BYTES && (header[18] == 2 || header[19] == 2);
        } catch (AccessDeniedException e) {
            throw denied(e);
        } catch (IOException e) {
            throw unreadable("cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Copies the database (and its {@code -wal}, if there is one) to a private dir and opens that. Nothing writes the
     * main file while no connection has it open, and a writer that opens it first creates the {@code -wal}: a copy
     * taken while neither appeared nor changed is consistent.
     */
    private Path copyPrivately(Files3 before) throws Unreadable {
        try {
            if (privateCopy == null) {
                privateCopy = Files.createTempDirectory("openclaw-session-status-db-");
            }
            Path copy = privateCopy.resolve("copy.sqlite");
            Files.deleteIfExists(privateCopy.resolve("copy.sqlite-wal"));
            Files.deleteIfExists(privateCopy.resolve("copy.sqlite-shm"));
            copy(file, copy);
            if (before.wal()) {
                copy(sibling("-wal"), privateCopy.resolve("copy.sqlite-wal"));
            }
            if (!inspect().equals(before)) {
                throw unreadable("changed while it was copied; trying again", null);
            }
            return copy;
        } catch (IOException e) {
            throw unreadable("cannot be copied for reading (no -wal/-shm to read it in place): " + e.getMessage(), e);
        }
    }

    private void checkSchema() throws SQLException, Unreadable {
        for (Map.Entry<String, Set<String>> table : requiredColumns.entrySet()) {
            Set<String> present = columns(table.getKey());
            if (!present.containsAll(table.getValue())) {
                Set<String> missing = new TreeSet<>(table.getValue());
                missing.removeAll(present);
                closeConnection();
                throw unreadable("has a schema this version cannot interpret: table " + table.getKey()
                        + (present.isEmpty() ? " is missing" : " lacks " + missing), null);
            }
        }
    }

    /** The connection {@link #ensureOpen} opened: statements are only prepared after it did. */
    private Connection open() throws SQLException {
        if (connection == null) {
            throw new SQLException("the database is not open");
        }
        return connection;
    }

    /** The table's columns (none when there is no such table), read once per connection. */
    private Set<String> columns(String table) throws SQLException {
        Set<String> known = columns.get(table);
        if (known == null) {
            known = new TreeSet<>();
            try (PreparedStatement statement = open().prepareStatement("SELECT name FROM pragma_table_info(?)")) {
                statement.setString(1, table);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        known.add(rows.getString(1));
                    }
                }
            }
            columns.put(table, known);
        }
        return known;
    }

    private long dataVersion() throws SQLException {
        try (ResultSet rows = queries.prepared("PRAGMA data_version").executeQuery()) {
            return rows.next() ? rows.getLong(1) : -1;
        }
    }

    private Path sibling(String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private void closeConnection() {
        statements.clear();
        columns.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                Logger.debug("closing {}: {}", file, e.getMessage());
            }
            connection = null;
            openedOn = null;
        }
    }

    private void deletePrivateCopy() {
        if (privateCopy == null) {
            return;
        }
        for (String name : new String[] {"copy.sqlite", "copy.sqlite-wal", "copy.sqlite-shm", ""}) {
            try {
                Files.deleteIfExists(name.isEmpty() ? privateCopy : privateCopy.resolve(name));
            } catch (IOException e) {
                Logger.debug("removing the private copy of {}: {}", file, e.getMessage());
            }
        }
        privateCopy = null;
    }

    @Override
    public void close() {
        closeConnection();
        deletePrivateCopy();
    }
}
