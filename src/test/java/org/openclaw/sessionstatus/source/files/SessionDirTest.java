package org.openclaw.sessionstatus.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.ProcessTable;
import org.openclaw.sessionstatus.source.ReadCounters;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.Phase;
import org.openclaw.sessionstatus.model.SessionEvidence;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.testing.Fixtures;

/** How one session dir's files become per-session evidence, on an in-memory file system with a fake /proc. */
class SessionDirTest {
    static final long NOW = Instant.parse("2026-11-22T04:04:30Z").toEpochMilli();
    static final String SID = "9498733e-9b24-413b-9f55-af579755a6b0";

    final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
    final Path dir = fs.getPath("/state/agents/main/sessions");
    final Path proc = fs.getPath("/proc");
    final ReadCounters skipped = new ReadCounters();
    SessionDir sessions;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(proc.resolve("self"));
        sessions = new SessionDir(dir, "main", new ProcessTable(proc, true), skipped, () -> { }, new AccessWarnings());
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    static String entry(String sessionId, String status) {
        return "{\"sessionId\":\"" + sessionId + "\",\"updatedAt\":" + NOW
                + ",\"sessionFile\":\"/home/openclaw/.openclaw/agents/main/sessions/" + sessionId + ".jsonl\""
                + (status == null ? "" : ",\"status\":\"" + status + "\"") + ",\"skillsSnapshot\":{\"prompt\":\"big\"}}";
    }

    void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    void process(long pid, long starttime) throws IOException {
        Path stat = proc.resolve(Long.toString(pid)).resolve("stat");
        Files.createDirectories(stat.getParent());
        Files.writeString(stat, pid + " (openclaw gateway) S 1 " + pid + " " + pid
                + " 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 11 0 " + starttime + " 1000 100\n");
    }

    static Map<String, SessionEvidence> byKey(PartitionUpdate update) {
        return update.upserts().stream().collect(Collectors.toMap(SessionEvidence::key, Function.identity()));
    }

    @Test
    void joinsStoreEntriesWithTheirTranscriptByNameEvenWhenTheStoredPathIsElsewhere() throws IOException {
        write("sessions.json", "{\"agent:main:sleep20\":" + entry(SID, "running") + "}");
        write(SID + ".jsonl", TranscriptTailTest.HEADER
                + TranscriptTailTest.message("assistant", "toolUse", "2026-11-22T04:04:24.617Z", ""));
        write(SID + ".trajectory.jsonl", "{}\n");
        write(SID + ".jsonl.reset.2026-11-22T04-00-00Z", "{}\n");
        write("sessions.json.bak.1795320000000", "{}");

        PartitionUpdate update = sessions.scan(NOW);
        assertTrue(update.replaceAll());
        Map<String, SessionEvidence> evidence = byKey(update);
        assertEquals(Map.of("agent:main:sleep20", "main"), Map.of(evidence.keySet().iterator().next(), "main"),
                "sidecars, archives and backups are not sessions");
        SessionEvidence session = evidence.get("agent:main:sleep20");
        assertEquals(Phase.IN_TOOL_CALL, session.transcript().phase());
        assertEquals("running", session.store().status());
        assertNull(session.lock());
    }

    @Test
    void aTranscriptWithoutEntryAndAnEntryWithoutTranscriptAreBothSessions() throws IOException {
        write("sessions.json", "{\"agent:main:new\":" + entry("11111111-0000-0000-0000-000000000000", null) + "}");
        write("22222222-0000-0000-0000-000000000000.jsonl", TranscriptTailTest.HEADER);

        Map<String, SessionEvidence> evidence = byKey(sessions.scan(NOW));
        assertEquals(2, evidence.size(), evidence.keySet().toString());
        assertNull(evidence.get("agent:main:new").transcript());
        SessionEvidence orphan = evidence.get("agent:main:22222222-0000-0000-0000-000000000000");
        assertNotNull(orphan.transcript());
        assertNull(orphan.store());
    }

    @Test
    void aTornStoreKeepsTheLastGoodOneAndIsCounted() throws IOException {
        write("sessions.json", "{\"agent:main:a\":" + entry("aaaa", "running") + "}");
        sessions.scan(NOW);
        write("sessions.json", "{\"agent:main:a\":" + entry("aaaa", "done").substring(0, 40));
        assertTrue(sessions.changed("sessions.json", NOW).isEmpty(), "nothing changes on a torn store");
        assertEquals(1, skipped.skippedCount());

        write("sessions.json", "{\"agent:main:a\":" + entry("aaaa", "done") + "}");
        PartitionUpdate update = sessions.changed("sessions.json", NOW).orElseThrow();
        assertEquals("done", byKey(update).get("agent:main:a").store().status());
    }

    @Test
    void keysSharingOneSessionAreOneSession() throws IOException {
        write("sessions.json", "{\"agent:main:cron:nightly\":" + entry("cccc", "running")
                + ",\"agent:main:cron:nightly:run:cccc\":" + entry("cccc", "running") + "}");
        assertEquals(java.util.Set.of("agent:main:cron:nightly"), byKey(sessions.scan(NOW)).keySet());
    }

    @Test
    void aLockIsCheckedAgainstTheProcessTableAndRecheckedWithoutAnEvent() throws IOException {
        process(4242, 250602);
        write("sessions.json", "{\"agent:main:sleep20\":" + entry(SID, "running") + "}");
        // A brand-new session: the lock exists before the transcript does.
        write(SID + ".jsonl.lock", Fixtures.lock(4242, 250602, Instant.ofEpochMilli(NOW)));
        SessionEvidence.Lock lock = byKey(sessions.scan(NOW)).get("agent:main:sleep20").lock();
        assertEquals(Liveness.ALIVE, lock.liveness());
        assertEquals(NOW, lock.createdAtMs());

        // The gateway is killed: no file changes, only the process disappears.
        Files.delete(proc.resolve("4242").resolve("stat"));
        Files.delete(proc.resolve("4242"));
        PartitionUpdate update = sessions.recheckLocks(NOW + 1_000).orElseThrow();
        SessionEvidence.Lock dead = byKey(update).get("agent:main:sleep20").lock();
        assertEquals(Liveness.DEAD, dead.liveness());
        assertEquals(NOW + 1_000, dead.deadSinceMs());
        assertTrue(sessions.recheckLocks(NOW + 2_000).isEmpty(), "no change, nothing sent");
    }

    @Test
    void aReusedPidIsDeadAndAnUnreadableLockStillCounts() throws IOException {
        process(4242, 999);
        write(SID + ".jsonl.lock", Fixtures.lock(4242, 250602, Instant.ofEpochMilli(NOW)));
        write("33333333.jsonl.lock", "{\"pid\": 42");
        Map<String, SessionEvidence> evidence = byKey(sessions.scan(NOW));
        assertEquals(Liveness.DEAD, evidence.get("agent:main:" + SID).lock().liveness());
        assertEquals(Liveness.UNCHECKED, evidence.get("agent:main:33333333").lock().liveness());
    }

    @Test
    void aWrongTypedFieldCostsThatFieldAloneAndStoredPathsAreOnlyData() throws IOException {
        write("sessions.json", "{\"agent:main:good\":" + entry("gggg", "running")
                + ",\"agent:main:object\":{\"sessionId\":\"oooo\",\"updatedAt\":{\"ms\":1},\"status\":\"running\"}"
                + ",\"agent:main:text\":{\"sessionId\":\"tttt\",\"updatedAt\":\"2026\",\"status\":\"done\"}"
                + ",\"agent:main:array\":{\"sessionId\":\"aaaa\",\"updatedAt\":" + NOW + ",\"endedAt\":[1,2]}"
                + ",\"agent:main:status\":{\"sessionId\":\"ssss\",\"updatedAt\":" + NOW + ",\"status\":[\"running\"]}"
                + ",\"agent:main:zero\":{\"sessionId\":\"zzzz\",\"updatedAt\":" + NOW + ",\"sessionFile\":\"/dev/zero\"}"
                + ",\"agent:main:escape\":{\"sessionId\":\"../../../etc/passwd\",\"updatedAt\":" + NOW + "}"
                + ",\"agent:main:huge\":{\"sessionId\":\"hhhh\",\"updatedAt\":1e400}"
                + ",\"agent:main:notAnObject\":17}");
        write("gggg.jsonl", TranscriptTailTest.HEADER);
        write("oooo.jsonl", TranscriptTailTest.HEADER);

        Map<String, SessionEvidence> evidence = byKey(sessions.scan(NOW));
        assertEquals(java.util.Set.of("agent:main:good", "agent:main:object", "agent:main:text", "agent:main:array",
                "agent:main:status", "agent:main:zero", "agent:main:huge"), evidence.keySet(),
                "a session whose id is fine stays, whatever type its other fields have");
        assertEquals(6, skipped.skippedCount(), "each wrong-typed field is counted, so are an id that is a path and"
                + " an entry that is not an object");
        assertEquals("running", evidence.get("agent:main:object").store().status(), "its status is still read");
        assertEquals(0, evidence.get("agent:main:object").store().updatedAtMs(), "its updatedAt is lost, alone");
        assertNotNull(evidence.get("agent:main:object").transcript(), "and its transcript is still found");
        assertEquals("done", evidence.get("agent:main:text").store().status());
        assertEquals(NOW, evidence.get("agent:main:array").store().updatedAtMs());
        assertEquals(0, evidence.get("agent:main:array").store().endedAtMs());
        assertNull(evidence.get("agent:main:status").store().status());
        assertEquals("running", evidence.get("agent:main:good").store().status());
        assertNotNull(evidence.get("agent:main:good").transcript());
        assertNull(evidence.get("agent:main:zero").transcript(), "a stored path never opens anything");
        assertTrue(evidence.get("agent:main:huge").store().updatedAtMs() <= NOW, "a huge number saturates, then clamps");
    }

    @Test
    void timestampsFromTheFutureAreTakenAsTheMomentTheyWereFirstRead() throws IOException {
        long year2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
        write("sessions.json", "{\"agent:main:" + SID + "\":{\"sessionId\":\"" + SID + "\",\"updatedAt\":" + year2100 + "}}");
        write(SID + ".jsonl", TranscriptTailTest.HEADER);
        Files.setLastModifiedTime(dir.resolve(SID + ".jsonl"), FileTime.fromMillis(year2100));

        SessionEvidence first = byKey(sessions.scan(NOW)).get("agent:main:" + SID);
        assertEquals(NOW, first.store().updatedAtMs());
        assertEquals(NOW, first.transcript().mtimeMs());
        assertEquals(1, skipped.futureTimestampCount(), "one distinct future timestamp, counted once");

        // Read again an hour later (a rescan): still the first reading, so the session ages out.
        SessionEvidence later = byKey(sessions.scan(NOW + 3_600_000)).get("agent:main:" + SID);
        assertEquals(NOW, later.store().updatedAtMs());
        assertEquals(NOW, later.transcript().mtimeMs());
        long nearFuture = NOW + ReadCounters.FUTURE_TOLERANCE_MS;
        assertEquals(nearFuture, skipped.notInFuture(nearFuture, NOW), "a clock a little ahead is not corrected");
    }

    @Test
    void aRemovedEntryIsRemovedAndItsTranscriptBecomesAnOrphan() throws IOException {
        write("sessions.json", "{\"agent:main:a\":" + entry("aaaa", "done") + "}");
        write("aaaa.jsonl", TranscriptTailTest.HEADER);
        sessions.scan(NOW);
        write("sessions.json", "{}");
        PartitionUpdate update = sessions.changed("sessions.json", NOW).orElseThrow();
        assertEquals(java.util.Set.of("agent:main:a"), update.removedKeys());
        assertEquals(java.util.Set.of("agent:main:aaaa"), byKey(update).keySet());
    }

    @Test
    void anUnchangedFileSendsNothing() throws IOException {
        write("aaaa.jsonl", TranscriptTailTest.HEADER);
        sessions.scan(NOW);
        assertTrue(sessions.changed("aaaa.jsonl", NOW).isEmpty());
        assertTrue(sessions.changed("aaaa.trajectory.jsonl", NOW).isEmpty());
        Files.delete(dir.resolve("aaaa.jsonl"));
        assertEquals(java.util.Set.of("agent:main:aaaa"), sessions.changed("aaaa.jsonl", NOW).orElseThrow().removedKeys());
    }
}
