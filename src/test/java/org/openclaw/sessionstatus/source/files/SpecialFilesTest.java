package org.openclaw.sessionstatus.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;

/**
 * FIFOs, devices, links and dirs where OpenClaw keeps regular files, on a real file system: opening a FIFO would
 * block until a writer comes, so each is skipped and counted, and the rest of the world is still seen and followed.
 */
class SpecialFilesTest {
    @TempDir
    Path state;

    Path sessions(String agent) throws IOException {
        return Files.createDirectories(state.resolve("agents").resolve(agent).resolve("sessions"));
    }

    static void running(Path dir, String id) throws IOException {
        Files.writeString(dir.resolve(id + ".jsonl"), TranscriptTailTest.HEADER
                + TranscriptTailTest.message("assistant", "toolUse", FileSourceTest.TS, ""));
    }

    @Test
    void specialFilesInEveryPlaceAreSkippedAndCountedWhileTheRestIsFollowed() throws Exception {
        Path fifos = sessions("fifos");
        Fixtures.mkfifo(fifos.resolve("sessions.json"));
        Fixtures.mkfifo(fifos.resolve("a.jsonl.lock"));
        FileSourceTest.writeOld(fifos.resolve("a.jsonl"), FileSourceTest.finished());
        Fixtures.mkfifo(fifos.resolve("b.jsonl"));
        Path devices = sessions("devices");
        Files.createSymbolicLink(devices.resolve("sessions.json"), Path.of("/dev/zero"));
        Files.createSymbolicLink(devices.resolve("c.jsonl"), Path.of("/dev/zero"));
        Files.createDirectories(devices.resolve("d.jsonl"));
        Path good = sessions("good");
        running(good, "1111");

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Harness harness = new Harness(state, 30_000, List.of())) {
                Snapshot first = harness.await("the good session and the FIFOs' own transcript are seen",
                        s -> s.total() == 2 && s.running() == 1);
                assertTrue(first.health().skippedFiles() >= 5, "skipped: " + first.health().skippedFiles());
                assertEquals(2, first.status().unreadable(), "a store that is not a file hides what it lists");
                assertTrue(first.status().partial());

                // Created while watched: the same, and what comes after them is still followed.
                Fixtures.mkfifo(good.resolve("sessions.json"));
                Fixtures.mkfifo(good.resolve("1111.jsonl.lock"));
                running(good, "2222");
                harness.await("a session written after the FIFOs", s -> s.total() == 3 && s.running() == 2);
            }
        });
    }
}
