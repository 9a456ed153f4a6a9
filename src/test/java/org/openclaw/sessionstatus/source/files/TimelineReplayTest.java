package org.openclaw.sessionstatus.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.ReadCounters;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.source.ProcessTable;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.SessionModel;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;

/**
 * Replays the recorded OpenClaw 2026.7.1 run (src/test/fixtures/openclaw-2026.7.1/timeline) through the real source
 * and model, every 100 ms of recorded time: the store, transcripts and locks are rebuilt as they stood at each
 * instant on an in-memory file system, the process table as it stood (gateway killed, restarted, killed again), and
 * the lease recommendation is checked against what was really in flight.
 */
class TimelineReplayTest {
    static final String DAY = "2026-11-22T";
    static final long STEP_MS = 100;
    static final Path RECORDING = Fixtures.root().resolve("openclaw-2026.7.1");
    static final Pattern HMS = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d");

    /** Who held which pid when, from marks.log; start times from locks-seen.txt. */
    record Process(long pid, long starttime, long from, long until) {
    }

    static final List<Process> PROCESSES = List.of(
            new Process(23980, 250602, at("04:03:58.909"), at("04:06:33.087")),  // gateway, SIGKILLed in "crash"
            new Process(24573, 261669, at("04:05:49.503"), at("04:06:03.058")),  // the --local CLI run
            new Process(24996, 266679, at("04:06:39.684"), at("04:07:27.959")),  // gateway, SIGKILLed in "fallback"
            new Process(25176, 270500, at("04:07:23.000"), at("04:07:47.826"))); // CLI worker finishing "fallback"

    record Interval(long from, long until) {
        boolean contains(long t) {
            return t >= from && t < until;
        }
    }

    record LockSeen(long createdAt, long pid, long starttime) {
    }

    record Line(long at, String text, boolean assistant) {
    }

    final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
    final Path dir = fs.getPath("/state/agents/main/sessions");
    final Path proc = fs.getPath("/proc");
    final Map<String, String> sessionIds = new HashMap<>();                  // "quick" → full session id
    final Map<String, List<Interval>> lockIntervals = new HashMap<>();
    final Map<String, List<LockSeen>> locksSeen = new HashMap<>();
    final Map<String, TreeMap<Long, Map<String, String>>> storeChanges = new HashMap<>();
    final Map<String, List<Line>> transcripts = new HashMap<>();
    final Map<String, String> written = new HashMap<>();

    static long at(String hms) {
        return Instant.parse(DAY + hms + "Z").toEpochMilli();
    }

    @BeforeEach
    void load() throws IOException {
        Files.createDirectories(dir);
        Files.createDirectories(proc.resolve("self"));
        String name = null;
        for (String line : Files.readAllLines(RECORDING.resolve("timeline/lock-intervals.txt"))) {
            Matcher header = Pattern.compile("^(\\S+)\\[(\\w+)\\]\\.jsonl\\.lock").matcher(line);
            Matcher times = HMS.matcher(line);
            if (header.find()) {
                name = header.group(1);
                sessionIds.put(name, fullSessionId(header.group(2)));
            } else if (name != null && times.find()) {
                long from = at(times.group());
                times.find();
                lockIntervals.computeIfAbsent(name, n -> new ArrayList<>()).add(new Interval(from, at(times.group())));
            }
        }
        List<String> seen = Files.readAllLines(RECORDING.resolve("timeline/locks-seen.txt"));
        for (int i = 0; i < seen.size(); i++) {
            Matcher header = Pattern.compile("Z (\\S+)\\[\\w+\\]\\.jsonl\\.lock").matcher(seen.get(i));
            if (header.find()) {
                long pid = Long.parseLong(seen.get(i + 2).replaceAll("\\D", ""));
                Matcher created = Pattern.compile("\"(\\S+Z)\"").matcher(seen.get(i + 3));
                created.find();
                long starttime = Long.parseLong(seen.get(i + 5).replaceAll("\\D", ""));
                locksSeen.computeIfAbsent(header.group(1), n -> new ArrayList<>())
                        .add(new LockSeen(Instant.parse(created.group(1)).toEpochMilli(), pid, starttime));
            }
        }
        for (String line : Files.readAllLines(RECORDING.resolve("timeline/sessions-json-status.txt"))) {
            if (line.startsWith("agent:main:")) {
                name = line.substring("agent:main:".length()).strip();
            } else if (!line.isBlank()) {
                Matcher time = HMS.matcher(line);
                time.find();
                Map<String, String> fields = new HashMap<>();
                for (String field : line.substring(time.end()).split(",")) {
                    String[] kv = field.strip().split("=", 2);
                    fields.put(kv[0], kv[1]);
                }
                storeChanges.computeIfAbsent(name, n -> new TreeMap<>()).put(at(time.group()), fields);
            }
        }
        Path sessions = RECORDING.resolve("after-runs/agents/main/sessions");
        for (Map.Entry<String, String> session : sessionIds.entrySet()) {
            List<Line> lines = new ArrayList<>();
            for (String text : Files.readAllLines(sessions.resolve(session.getValue() + ".jsonl"))) {
                Matcher ts = Pattern.compile("\"timestamp\":\"(" + DAY + "[^\"]+)\"").matcher(text);
                ts.find();
                lines.add(new Line(Instant.parse(ts.group(1)).toEpochMilli(), text + "\n",
                        text.contains("\"role\":\"assistant\"")));
            }
            transcripts.put(session.getKey(), lines);
        }
        assertEquals(9, sessionIds.size(), sessionIds.toString());
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    String fullSessionId(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(RECORDING.resolve("after-runs/agents/main/sessions"))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(prefix) && SessionDir.isTranscript(f))
                    .findFirst().orElseThrow().replace(".jsonl", "");
        }
    }

    /** Rebuilds the session dir and the process table as they stood at {@code t}, for the sessions replayed. */
    void stateAt(long t, Set<String> replayed) throws IOException {
        StringBuilder store = new StringBuilder("{");
        for (Map.Entry<String, TreeMap<Long, Map<String, String>>> session : storeChanges.entrySet()) {
            if (!replayed.contains(session.getKey())) {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            long updatedAt = 0;
            for (Map.Entry<Long, Map<String, String>> change : session.getValue().headMap(t, true).entrySet()) {
                fields.putAll(change.getValue());
                updatedAt = change.getKey();
            }
            if (updatedAt == 0) {
                continue;
            }
            store.append(store.length() > 1 ? "," : "").append("\"agent:main:").append(session.getKey())
                    .append("\":{\"sessionId\":\"").append(sessionIds.get(session.getKey()))
                    .append("\",\"updatedAt\":").append(updatedAt);
            if (!"None".equals(fields.getOrDefault("status", "None"))) {
                store.append(",\"status\":\"").append(fields.get("status")).append('"');
            }
            if (!"None".equals(fields.getOrDefault("endedAt", "None"))) {
                store.append(",\"endedAt\":").append(at(fields.get("endedAt")));
            }
            store.append('}');
        }
        write("sessions.json", store.append('}').toString(), t);

        for (Map.Entry<String, List<Line>> transcript : transcripts.entrySet()) {
            if (!replayed.contains(transcript.getKey())) {
                continue;
            }
            // A new session's transcript appears only with the first model reply (header, user, assistant at once).
            long appearsAt = transcript.getValue().stream().filter(Line::assistant).findFirst().orElseThrow().at();
            StringBuilder content = new StringBuilder();
            long mtime = 0;
            for (Line line : transcript.getValue()) {
                if (line.at() <= t && appearsAt <= t) {
                    content.append(line.text());
                    mtime = Math.max(mtime, line.at());
                }
            }
            String file = sessionIds.get(transcript.getKey()) + ".jsonl";
            if (mtime > 0) {
                write(file, content.toString(), mtime);
            }
        }

        for (Map.Entry<String, List<Interval>> locks : lockIntervals.entrySet()) {
            if (!replayed.contains(locks.getKey())) {
                continue;
            }
            String file = sessionIds.get(locks.getKey()) + ".jsonl.lock";
            Interval held = locks.getValue().stream().filter(i -> i.contains(t)).findFirst().orElse(null);
            if (held == null) {
                Files.deleteIfExists(dir.resolve(file));
                written.remove(file);
                continue;
            }
            LockSeen holder = locksSeen.get(locks.getKey()).stream().filter(s -> s.createdAt() <= held.from() + 5)
                    .reduce((a, b) -> b).orElseThrow();
            write(file, Fixtures.lock(holder.pid(), holder.starttime(), Instant.ofEpochMilli(held.from())), held.from());
        }

        for (Process process : PROCESSES) {
            Path stat = proc.resolve(Long.toString(process.pid()));
            if (t >= process.from() && t < process.until()) {
                Files.createDirectories(stat);
                Files.writeString(stat.resolve("stat"), process.pid() + " (node) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
                        + process.starttime() + " 0 0\n");
            } else if (Files.exists(stat)) {
                Files.delete(stat.resolve("stat"));
                Files.delete(stat);
            }
        }
    }

    void write(String name, String content, long mtime) throws IOException {
        if (!content.equals(written.put(name, content))) {
            Files.writeString(dir.resolve(name), content);
            Files.setLastModifiedTime(dir.resolve(name), FileTime.fromMillis(mtime));
        }
    }

    /** When each CLI run was in flight, from marks.log; a run counts from its first trace on disk. */
    Map<String, Interval> runs() {
        Map<String, Interval> runs = new TreeMap<>();
        runs.put("quick", evidence("quick", at("04:04:09.073"), at("04:04:16.267")));
        runs.put("sleep20", evidence("sleep20", at("04:04:19.275"), at("04:04:45.346")));
        runs.put("par-a", evidence("par-a", at("04:04:48.354"), at("04:05:07.950")));
        runs.put("par-b", evidence("par-b", at("04:04:48.357"), at("04:05:07.953")));
        runs.put("slow", evidence("slow", at("04:05:10.958"), at("04:05:38.096")));
        runs.put("followup", evidence("quick", at("04:05:41.102"), at("04:05:46.497")));
        runs.put("local", evidence("local", at("04:05:49.503"), at("04:06:03.058")));
        runs.put("abort", evidence("abort", at("04:06:06.064"), at("04:06:15.585")));
        runs.put("crash", evidence("crash", at("04:06:23.593"), at("04:06:33.087")));
        runs.put("crash-after-restart", evidence("crash", at("04:07:05.659"), at("04:07:14.790")));
        // The gateway is killed at 04:07:27.959; the CLI finishes the turn itself from 04:07:31.363 on.
        runs.put("fallback", evidence("fallback", at("04:07:17.797"), at("04:07:27.959")));
        runs.put("fallback-embedded", new Interval(at("04:07:31.363"), at("04:07:47.826")));
        return runs;
    }

    /** From the first lock or store change of the session after the CLI started, to the CLI's exit. */
    Interval evidence(String session, long cliStart, long cliEnd) {
        long lock = lockIntervals.get(session).stream().mapToLong(Interval::from).filter(t -> t >= cliStart).min().orElseThrow();
        long store = storeChanges.get(session).ceilingKey(cliStart);
        return new Interval(Math.min(lock, store), cliEnd);
    }

    /** The lease every 100 ms of recorded time, from the first scenario to well after the last. */
    Map<Long, BusyView> replay(Set<String> replayed) throws IOException {
        SessionModel model = new SessionModel(Harness.settings(30_000));
        SessionDir sessions = new SessionDir(dir, "main", new ProcessTable(proc, true), new ReadCounters(), () -> { },
                new AccessWarnings());
        model.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
        Map<Long, BusyView> timeline = new TreeMap<>();
        for (long t = at("04:04:09.000"); t <= at("04:09:40.000"); t += STEP_MS) {
            stateAt(t, replayed);
            model.apply(sessions.scan(t));
            timeline.put(t, model.evaluate(t).busy());
        }
        return timeline;
    }

    static void assertDuring(Map<Long, BusyView> timeline, Interval interval, Action expected, String what) {
        timeline.forEach((t, busy) -> {
            if (interval.contains(t)) {
                assertEquals(expected, busy.action(), what + " at " + Instant.ofEpochMilli(t) + ": " + busy);
            }
        });
    }

    @Test
    void everyInFlightMomentIsExtendAndTheEndIsRelease() throws IOException {
        Map<Long, BusyView> timeline = replay(sessionIds.keySet());
        runs().forEach((run, interval) -> assertDuring(timeline, interval, Action.EXTEND, run + " in flight"));

        // From the first run's trace on disk to 30 s after the last activity, never released.
        long firstTrace = runs().values().stream().mapToLong(Interval::from).min().orElseThrow();
        timeline.forEach((t, busy) -> {
            if (t >= firstTrace && t < at("04:08:01.204") + 30_000) {
                assertNotEquals(Action.RELEASE_AFTER_GRACE, busy.action(), "at " + Instant.ofEpochMilli(t) + ": " + busy);
            }
        });
        BusyView end = timeline.get(at("04:09:40.000"));
        assertEquals(Action.RELEASE_AFTER_GRACE, end.action(), end.toString());
        assertFalse(end.busy());
        assertEquals(List.of(BusyView.Reason.IDLE), end.reasons());
        BusyView grace = timeline.get(at("04:09:00.000"));
        assertEquals(Action.RELEASE_AFTER_GRACE, grace.action(), grace.toString());
        assertEquals(List.of(BusyView.Reason.RECENTLY_COMPLETED), grace.reasons(), "within idleGraceMs of the last run");

        BusyView toolCall = timeline.get(at("04:04:30.000"));
        assertTrue(toolCall.reasons().containsAll(List.of(BusyView.Reason.ACTIVE_AGENT_RUNS,
                BusyView.Reason.ACTIVE_TOOL_CALLS)), "sleep20 is in its 20 s tool call: " + toolCall);
        // The crashed run is stale while its dead lock lingers, whatever else is going on.
        BusyView crashed = timeline.get(at("04:06:40.000"));
        assertTrue(crashed.stale() && crashed.totals().stale() == 1, crashed.toString());
        assertTrue(crashed.reasons().contains(BusyView.Reason.STALE_WORK), crashed.toString());
    }

    @Test
    void aGatewayKilledMidToolCallHoldsUntilItsLockIsCleared() throws IOException {
        Map<Long, BusyView> timeline = replay(Set.of("crash"));
        assertDuring(timeline, runs().get("crash"), Action.EXTEND, "crash in flight");
        // Killed at 04:06:33.087; seen dead within the next second; the restarted gateway removes the lock at 45.805.
        assertDuring(timeline, new Interval(at("04:06:34.100"), at("04:06:45.805")), Action.HOLD, "crashed run");
        BusyView held = timeline.get(at("04:06:40.000"));
        assertEquals(List.of(BusyView.Reason.STALE_WORK), held.reasons());
        assertEquals(120_000, held.extendForMs());
        assertFalse(held.busy());
    }

    @Test
    void aGatewayKilledWhileTheCliFinishesHoldsThenExtendsAgain() throws IOException {
        Map<Long, BusyView> timeline = replay(Set.of("fallback"));
        assertDuring(timeline, runs().get("fallback"), Action.EXTEND, "fallback in flight");
        // The gateway dies holding the lock; the CLI takes the lock over at 04:07:31.363 and finishes the turn.
        assertDuring(timeline, new Interval(at("04:07:29.000"), at("04:07:31.363")), Action.HOLD, "gateway dead");
        assertDuring(timeline, runs().get("fallback-embedded"), Action.EXTEND, "CLI finishing the turn");
    }
}
