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
        Path source = root().resolve("openclaw-2026.7.1").resolve(name);
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
        long pid = ProcessHandle.current().pid();
        String stat = Files.readString(Path.of("/proc/self/stat"));
        List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+"));
        return lock(pid, Long.parseLong(fields.get(19)), createdAt);
    }

    public static String lock(long pid, long starttime, Instant createdAt) {
        return "{\n  \"pid\": " + pid + ",\n  \"createdAt\": \"" + createdAt + "\",\n  \"maxHoldMs\": 300000,\n  \"starttime\": "
                + starttime + "\n}";
    }
}
