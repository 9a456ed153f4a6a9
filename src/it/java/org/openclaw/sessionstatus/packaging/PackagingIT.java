package org.openclaw.sessionstatus.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The artifacts {@code mvn package} built, installed and run the way the README says: the tarball unpacked and run
 * through a symlink on PATH, and — as root, with dpkg — the {@code .deb} installed, run, removed and purged.
 */
class PackagingIT {

    @Test
    void theTarballRunsThroughASymlinkOnPath() throws Exception {
        assertScript("packaging/test-tarball.sh", "test-tarball: OK");
    }

    @Test
    void theDebInstallsRunsAndPurgesWithoutATrace() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/dpkg")),
                "skipped: installing the .deb needs root and dpkg (CI runs as root)");
        Process installed = new ProcessBuilder("dpkg", "-s", "openclaw-session-status").start();
        Assumptions.assumeTrue(installed.waitFor() != 0, "skipped: the package is installed on this machine already");
        assertScript("packaging/test-deb.sh", "test-deb: OK");
    }

    private static void assertScript(String script, String success) throws Exception {
        // Output to a file, so the time limit holds even if the script hangs with its output open.
        Path log = Files.createTempFile("packaging-it", ".log");
        try {
            Process process = new ProcessBuilder("bash", script).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(10, TimeUnit.MINUTES);
            process.destroyForcibly();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(finished, script + " did not finish: " + output);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains(success), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
