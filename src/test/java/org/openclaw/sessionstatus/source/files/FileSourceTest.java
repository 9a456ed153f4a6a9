package org.openclaw.sessionstatus.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.model.StatusView;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;

/** Native file events on a real directory: what the daemon sees as OpenClaw writes. */
class FileSourceTest {
    static final String TS = "2026-11-22T04:04:24.617Z";

    @TempDir
    Path state;

    Path sessions(String agent) throws IOException {
        return Files.createDirectories(state.resolve("agents").resolve(agent).resolve("sessions"));
    }

    static void writeOld(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    }

    static void append(Path file, String line) throws IOException {
        Files.writeString(file, line, StandardOpenOption.APPEND);
    }

    static String finished() {
        return TranscriptTailTest.HEADER + TranscriptTailTest.message("assistant", "stop", TS, "done");
    }

    @Test
    void anAppendedTranscriptIsRunningAndTurnsIdleAtTheWindowByItself() throws Exception {
        Path transcript = sessions("main").resolve("aaaa.jsonl");
        writeOld(transcript, finished());
        try (Harness harness = new Harness(state, 500, List.of())) {
            harness.await("idle at first", s -> s.total() == 1 && s.running() == 0);
            append(transcript, TranscriptTailTest.message("assistant", "stop", TS, "again"));
            harness.await("running after the append", s -> s.running() == 1);
            // No further file event: the model wakes itself at the window's end.
            Snapshot idle = harness.await("idle after the window", s -> s.running() == 0);
            assertEquals(1, idle.status().total(), "the same session, now idle");
        }
    }

    @Test
    void inFlightEvidenceKeepsASessionRunningPastTheWindow() throws Exception {
        Path dir = sessions("main");
        Path toolCall = dir.resolve("tool.jsonl");
        Path stored = dir.resolve("stored.jsonl");
        Path locked = dir.resolve("locked.jsonl");
        writeOld(toolCall, finished());
        writeOld(stored, finished());
        writeOld(locked, finished());
        writeOld(dir.resolve("sessions.json"), "{\"agent:main:stored\":{\"sessionId\":\"stored\",\"updatedAt\":"
                + Instant.now().minus(Duration.ofHours(1)).toEpochMilli() + "}}");
        try (Harness harness = new Harness(state, 300, List.of())) {
            harness.await("three idle sessions", s -> s.total() == 3 && s.running() == 0);
            Instant start = Instant.now();
            append(toolCall, TranscriptTailTest.message("assistant", "toolUse", Instant.now().toString(), ""));
            Files.writeString(dir.resolve("sessions.json"), "{\"agent:main:stored\":{\"sessionId\":\"stored\",\"updatedAt\":"
                    + Instant.now().toEpochMilli() + ",\"status\":\"running\"}}");
            Files.writeString(dir.resolve("locked.jsonl.lock"), Fixtures.liveLock(Instant.now()));
            harness.await("all three running", s -> s.running() == 3);
            // Heartbeat revisions keep coming; take one generated well past the 300 ms window.
            Snapshot later = harness.model.await(s -> s.generatedAt().isAfter(start.plusMillis(1_500)), Harness.DEADLINE);
            assertEquals(3, later.status().running(), later.status().toString());

            // A lock whose holder is dead does not count.
            Files.writeString(dir.resolve("locked.jsonl.lock"), Fixtures.lock(Integer.MAX_VALUE - 1, 1, Instant.now()));
            harness.await("the dead lock no longer counts", s -> s.running() == 2);
        }
    }

    @Test
    void aDeletedAndRecreatedSessionDirAndANewAgentAreFollowed() throws Exception {
        Path main = sessions("main");
        writeOld(main.resolve("aaaa.jsonl"), finished());
        try (Harness harness = new Harness(state, 30_000, List.of())) {
            harness.await("one session", s -> s.total() == 1);
            deleteTree(main);
            harness.await("dir deleted", s -> s.total() == 0);
            Path again = sessions("main");
            writeOld(again.resolve("bbbb.jsonl"), finished());
            writeOld(again.resolve("cccc.jsonl"), finished());
            harness.await("dir recreated", s -> s.total() == 2);

            Path ops = sessions("ops");
            Files.writeString(ops.resolve("dddd.jsonl"), finished());
            StatusView withOps = harness.await("new agent", s -> s.total() == 3 && s.running() == 1).status();
            assertEquals("ops", withOps.details().get(0).agent());
        }
    }

    @Test
    void theWholeAgentsDirDeletedAndRecreatedIsWatchedAgain() throws Exception {
        writeOld(sessions("main").resolve("aaaa.jsonl"), finished());
        try (Harness harness = new Harness(state, 30_000, List.of())) {
            harness.await("one session", s -> s.total() == 1);
            deleteTree(state.resolve("agents"));
            harness.await("agents deleted", s -> s.total() == 0);
            writeOld(sessions("main").resolve("bbbb.jsonl"), finished());
            harness.await("agents recreated", s -> s.total() == 1);
            Files.writeString(sessions("main").resolve("cccc.jsonl"), finished());
            harness.await("and watched", s -> s.total() == 2 && s.running() == 1);
        }
    }

    @Test
    void anExtraSessionDirIsWatchedToo() throws Exception {
        Path extra = Files.createDirectories(state.resolve("elsewhere"));
        try (Harness harness = new Harness(state.resolve("missing-state-dir"), 30_000, List.of(extra))) {
            harness.await("empty", s -> s.total() == 0);
            Files.writeString(extra.resolve("eeee.jsonl"), finished());
            StatusView status = harness.await("extra dir session", s -> s.running() == 1).status();
            assertEquals("agent:main:eeee", status.details().get(0).key());
        }
    }

    @Test
    void lostEventsEndInARescanThatAgreesWithAFreshScan() throws Exception {
        Path dir = sessions("main");
        int files = 20_000;
        for (int i = 0; i < files; i++) {
            writeOld(dir.resolve(String.format("s%05d.jsonl", i)), finished());
        }
        try (Harness harness = new Harness(state, 30_000, List.of())) {
            harness.await("all idle", s -> s.total() == files && s.running() == 0);
            // Bursts of attribute changes, far faster than events are consumed, until the watcher loses some (the
            // JDK's watch keys hold 512 events, the kernel's queue 16384): half the files become recent each time.
            long errors = 0;
            for (int burst = 1; burst <= 20 && errors == 0; burst++) {
                FileTime now = FileTime.from(Instant.now());
                for (int i = burst % 2; i < files; i += 2) {
                    Files.setLastModifiedTime(dir.resolve(String.format("s%05d.jsonl", i)), now);
                }
                errors = harness.model.current().health().watcherErrors();
            }
            Assumptions.assumeTrue(errors > 0 || harness.model.await(s -> s.health().watcherErrors() > 0,
                    Duration.ofSeconds(5)).health().watcherErrors() > 0, "skipped: no event was lost on this machine");
            StatusView fresh;
            try (Harness again = new Harness(state, 30_000, List.of())) {
                fresh = again.await("fresh scan", s -> s.total() == files).status();
            }
            // Every burst made half the files recent, so a watcher that missed events without rescanning would
            // disagree with the fresh scan for the next 30 s: it must catch up, through a rescan.
            Snapshot watched = harness.awaitSnapshot("the watched model agrees with a fresh scan",
                    s -> s.status().running() == fresh.running() && s.status().details().equals(fresh.details()));
            assertTrue(watched.health().rescans() >= 2, "a rescan followed the lost events: " + watched.health());
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
