package org.openclaw.sessionstatus.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code systemd-analyze verify} on the unit as the .deb installs it, in a throwaway root (the host's own units, the
 * launcher at {@code /usr/bin}), so it runs without root. {@code packaging/test-deb.sh} verifies the installed unit.
 */
class UnitFileIT {
    static final Path UNIT = Path.of("systemd", "openclaw-session-status.service");

    @TempDir
    Path root;

    @Test
    void theUnitVerifiesCleanly() throws Exception {
        Path systemUnits = Path.of("/lib/systemd/system");
        Assumptions.assumeTrue(Files.isDirectory(systemUnits) && onPath("systemd-analyze"),
                "systemd-analyze and the host's units are needed");
        copyTree(systemUnits, root.resolve("usr/lib/systemd/system"));
        Path bin = Files.createDirectories(root.resolve("usr/bin"));
        Files.copy(Path.of("bin", "openclaw-session-status"), bin.resolve("openclaw-session-status"));
        Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(UNIT, units.resolve(UNIT.getFileName()));

        assertEquals("", verify(), "a clean unit verifies without a word");
        // Guards the guard: a mistyped key must make it speak.
        Files.writeString(units.resolve(UNIT.getFileName()),
                Files.readString(UNIT).replace("Type=notify", "Type=notifyy"));
        assertTrue(verify().contains("notifyy"));
    }

    private String verify() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("systemd-analyze", "verify", "--root=" + root, UNIT.getFileName().toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** The host's unit files (targets, slices, …), without its symlinks: masks and aliases do not matter here. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(path, target);
                }
            }
        }
    }
}
