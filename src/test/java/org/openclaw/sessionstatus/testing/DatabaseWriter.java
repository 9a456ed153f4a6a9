package org.openclaw.sessionstatus.testing;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * A writer in another process, as the gateway is: it holds a database open in WAL mode and runs the statements a
 * test sends it, one commit each, answering with how long each took. {@link #start} runs it; {@link #main} is it.
 */
public final class DatabaseWriter implements AutoCloseable {
    private final Process process;
    private final BufferedReader answers;
    private final PrintStream commands;

    private DatabaseWriter(Process process) {
        this.process = process;
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Opens {@code database} in WAL mode in a new JVM. */
    public static DatabaseWriter start(Path database) throws IOException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DatabaseWriter.class.getName(), database.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        DatabaseWriter writer = new DatabaseWriter(process);
        writer.answer("ready");
        return writer;
    }

    /** Runs one statement in its own transaction. @return its commit time in microseconds */
    public long exec(String sql) throws IOException {
        commands.println("exec " + sql.replace('\n', ' '));
        return Long.parseLong(answer("ok"));
    }

    /** Runs a statement {@code times} times, one commit each. @return the slowest commit in microseconds */
    public long repeat(int times, String sql) throws IOException {
        commands.println("repeat " + times + " " + sql.replace('\n', ' '));
        return Long.parseLong(answer("ok"));
    }

    private String answer(String expected) throws IOException {
        String line = answers.readLine();
        if (line == null || !line.startsWith(expected)) {
            throw new IOException("the writer said: " + line);
        }
        return line.substring(expected.length()).strip();
    }

    /** Closes the database (the last connection checkpoints and removes -wal and -shm) and ends the process. */
    @Override
    public void close() throws IOException {
        commands.println("quit");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws IOException, SQLException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            try (Statement statement = db.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA busy_timeout = 5000");
            }
            out.println("ready");
            for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                try {
                    if (line.startsWith("exec ")) {
                        out.println("ok " + timed(db, line.substring(5)));
                    } else if (line.startsWith("repeat ")) {
                        String[] parts = line.split(" ", 3);
                        long slowest = 0;
                        for (int i = Integer.parseInt(parts[1]); i > 0; i--) {
                            slowest = Math.max(slowest, timed(db, parts[2]));
                        }
                        out.println("ok " + slowest);
                    } else {
                        out.println("error unknown command");
                    }
                } catch (SQLException e) {
                    out.println("error " + e.getMessage().replace('\n', ' '));
                }
            }
        }
    }

    private static long timed(Connection db, String sql) throws SQLException {
        long start = System.nanoTime();
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
        return (System.nanoTime() - start) / 1_000;
    }
}
