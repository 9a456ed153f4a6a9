package org.openclaw.sessionstatus.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** The real files an OpenClaw gateway wrote ({@code src/test/fixtures}), copied where a test may change them. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path root() {
        String configured = System.getProperty("fixtures.dir");
        Path root = configured != null ? Path.of(configured) : Path.of("src", "test", "fixtures");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("fixtures not found at " + root.toAbsolutePath());
        }
        return root;
    }

    /** Copies {@code openclaw-2026.7.1/<name>} into {@code target} and returns the copy (a state dir). */
    public static Path copy(String name, Path target) throws IOException {
        return copyTree(root().resolve("openclaw-2026.7.1").resolve(name), target);
    }

    /** Copies the 2026.9.6 (SQLite era) state dir {@code openclaw-2026.9.6/<name>} into {@code target}. */
    public static Path copySqlite(String name, Path target) throws IOException {
        return copyTree(root().resolve("openclaw-2026.9.6").resolve(name), target);
    }

    /** When the 2026.9.6 state dir {@code name} was taken, from its {@code snapshot-info.json}. */
    public static Instant takenAt(String name) throws IOException {
        String info = Files.readString(root().resolve("openclaw-2026.9.6").resolve(name).resolve("snapshot-info.json"));
        return Instant.parse(info.replaceAll("(?s).*\"taken_at\"\\s*:\\s*\"([^\"]+)\".*", "$1"));
    }

    /** Copies a dir and everything below it. @return the target */
    public static Path copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.write(copy, Files.readAllBytes(path));
                }
            }
        }
        return target;
    }

    /** Makes a FIFO (with {@code mkfifo}, which coreutils has everywhere): a file whose open(2) blocks. */
    public static void mkfifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo " + path + " failed");
        }
    }

    /** Sets the mtime of every file below {@code dir}. */
    public static void touchAll(Path dir, Instant when) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(path, FileTime.from(when));
            }
        }
    }

    /** This process's pid and start time as a live OpenClaw lock would carry them. */
    public static String liveLock(Instant createdAt) throws IOException {
        return lock(ProcessHandle.current().pid(), ownStartTime(), createdAt);
    }

    /** Field 22 of this process's {@code /proc/self/stat}: what OpenClaw records as a pid's start time. */
    public static long ownStartTime() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"));
        return Long.parseLong(fields.get(19));
    }

    public static String lock(long pid, long starttime, Instant createdAt) {
        return "{\n  \"pid\": " + pid + ",\n  \"createdAt\": \"" + createdAt + "\",\n  \"maxHoldMs\": 300000,\n  \"starttime\": "
                + starttime + "\n}";
    }
}
