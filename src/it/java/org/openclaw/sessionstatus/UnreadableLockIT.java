package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Transcripts;

/**
 * The daemon run as a user that may not read a lock (OpenClaw's are 0600): a lock it cannot read is a run whose
 * holder cannot be checked, so the session runs — it must never read idle. Needs root, to run the daemon as nobody.
 */
class UnreadableLockIT {
    @TempDir
    Path tmp;

    @Test
    void aLockTheDaemonMayNotReadKeepsItsSessionRunning() throws Exception {
        Path jar = Path.of("target", "openclaw-session-status.jar").toAbsolutePath();
        Assumptions.assumeTrue(Files.isRegularFile(jar), "the runnable jar is built by package");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run as another user");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")), "needs runuser");

        Path sessions = Files.createDirectories(tmp.resolve("state/agents/main/sessions"));
        Instant pastTheWindow = Instant.now().minus(Duration.ofMinutes(2));
        for (String id : new String[] {"unreadable", "readable", "unlocked"}) {
            Path transcript = Files.writeString(sessions.resolve(id + ".jsonl"), Transcripts.FINISHED);
            Files.setLastModifiedTime(transcript, FileTime.from(pastTheWindow));
        }
        // Held by this live process, as a gateway's lock would be.
        Path unreadable = Files.writeString(sessions.resolve("unreadable.jsonl.lock"), Fixtures.liveLock(Instant.now()));
        Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(sessions.resolve("readable.jsonl.lock"), Fixtures.liveLock(Instant.now()));
        Path copy = Files.copy(jar, tmp.resolve("daemon.jar"));
        try (var paths = Files.walk(tmp)) {
            for (Path path : paths.toList()) {
                if (Files.isDirectory(path)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else if (!path.equals(unreadable)) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }

        ProcessBuilder builder = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", copy.toString(), "status",
                "--state-dir", tmp.resolve("state").toString(), "--redact-keys", "false");
        builder.environment().put("HOME", tmp.toString());
        Process status = builder.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile()).start();
        assertTrue(status.waitFor(60, TimeUnit.SECONDS), "status ended");
        String err = Files.readString(tmp.resolve("err"));
        assertEquals(0, status.exitValue(), err);

        Map<String, String> states = new HashMap<>();
        for (JsonNode session : new ObjectMapper().readTree(tmp.resolve("out").toFile()).path("sessions").path("details")) {
            states.put(session.get("key").asText(), session.get("status").asText());
        }
        assertEquals(Map.of("agent:main:unreadable", "running", "agent:main:readable", "running",
                "agent:main:unlocked", "idle"), states, err);
    }
}
