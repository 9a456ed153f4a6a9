package org.openclaw.sessionstatus.source.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.Phase;
import org.openclaw.sessionstatus.model.SessionEvidence;
import org.openclaw.sessionstatus.model.SessionModel;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.source.LastMessage;
import org.openclaw.sessionstatus.source.ProcessTable;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;

/**
 * Replays the recorded OpenClaw 2026.9.6 run (src/test/fixtures/openclaw-2026.9.6/timeline: every row change the
 * sampler saw, the lock files, the gateway's pids) through the SQLite source's join and the real model, every 100 ms
 * of recorded time, and checks the lease against the runs that were really in flight (the fake model's request log),
 * from each turn's admission to its end: a quick turn, 20 s and 45 s tool calls, two in parallel, 8 s model waits, a
 * follow-up, a message queued behind a turn, an embedded run, an abort, a heartbeat, a gateway killed mid-run (and
 * the turn it resumed), a gateway killed under a running CLI.
 */
class SqliteTimelineReplayTest {
    static final String DAY = "2026-11-22T";
    static final long STEP_MS = 100;
    static final Path RECORDING = Fixtures.root().resolve("openclaw-2026.9.6/timeline");
    static final Pattern TIME = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d");

    /** Who held which pid when, from marks.log (and the lock files for the embedded run's start time). */
    record Process(long pid, long startTime, long from, long until) {
    }

    static final List<Process> PROCESSES = List.of(
            new Process(22211, 137592, at("19:36:59.141"), at("19:44:08.037")),  // gateway, stopped for --local
            new Process(26245, 180699, at("19:44:10.042"), at("19:44:29.091")),  // the embedded --local run
            new Process(26405, 182787, at("19:44:31.095"), at("19:47:12.412")),  // gateway, SIGKILLed in "crash"
            new Process(29174, 199492, at("19:47:18.146"), at("19:48:32.464")),  // gateway, SIGKILLed in "fallback"
            new Process(30019, 206942, at("19:48:32.639"), at("19:49:32.283"))); // gateway, stopped at the end

    /**
     * While a killed gateway's run has no live owner — from the SIGKILL until the next gateway rewrites the lock
     * file (locks.txt) — it is stale: {@code hold} is the answer then, not {@code extend}.
     */
    static final List<long[]> OWNER_GONE = List.of(
            new long[] {at("19:47:12.412"), at("19:47:22.763")},   // "crash"
            new long[] {at("19:48:32.464"), at("19:48:36.882")});  // "fallback"

    static boolean ownerGone(long t) {
        return OWNER_GONE.stream().anyMatch(gone -> t >= gone[0] && t < gone[1]);
    }

    /** A turn: its key, from its admission (first DB signal) to the end of its last model response (or its kill). */
    record Turn(String name, String key, long admitted, long end, boolean killed) {
    }

    /** One recorded change, applied to the world at its time. */
    record Change(long at, Runnable apply) {
    }

    final Map<String, Map<String, String>> windows = new HashMap<>();
    final Map<String, Map<String, Long>> pending = new HashMap<>();
    final Map<String, Map<String, String>> tasks = new LinkedHashMap<>();
    final Map<String, String> lease = new HashMap<>();
    /** {@code cron_jobs}: job id → declaration key ({@code heartbeat:main}, …). */
    final Map<String, String> cronJobs = new HashMap<>();
    /** The status route's {@code running} at each step, beside the busy state's. */
    final TreeMap<Long, Integer> statusRunning = new TreeMap<>();
    final Map<String, LastMessage.Result> transcripts = new HashMap<>();
    GatewayLocks.Holder lock;
    final List<Change> changes = new ArrayList<>();
    final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
    final Path proc = fs.getPath("/proc");

    static long at(String hms) {
        return Instant.parse(DAY + hms + "Z").toEpochMilli();
    }

    static Long time(String value) {
        return value == null || value.equals("-") ? null : TIME.matcher(value).matches() ? at(value) : Long.parseLong(value);
    }

    /** Lines of changes.txt: time, database, table, key, operation, details. */
    void readChanges() throws IOException {
        Pattern line = Pattern.compile("(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)\\s+(insert|update|delete)\\s?(.*)");
        for (String text : Files.readAllLines(RECORDING.resolve("changes.txt"))) {
            Matcher m = line.matcher(text);
            if (text.startsWith("#") || !m.matches()) {
                continue;
            }
            long at = at(m.group(1));
            String table = m.group(3);
            String key = m.group(4);
            String op = m.group(5);
            String details = m.group(6);
            switch (table) {
                case "session_windows" -> changes.add(new Change(at, () -> row(windows.computeIfAbsent(key, k -> new HashMap<>()), op, details)));
                case "session_pending_inputs" -> changes.add(new Change(at, () -> {
                    Map<String, Long> inputs = pending.computeIfAbsent(key, k -> new HashMap<>());
                    Map<String, String> input = new HashMap<>();
                    row(input, "insert", details);
                    if (op.equals("delete")) {
                        inputs.remove(input.get("input_id"));
                    } else if ("queued".equals(input.get("state"))) {
                        inputs.put(input.get("input_id"), time(input.get("accepted_at")));
                    }
                }));
                case "task_runs" -> changes.add(new Change(at, () -> task(key, op, details)));
                case "cron_jobs" -> changes.add(new Change(at, () -> {
                    Map<String, String> job = new HashMap<>();
                    row(job, "insert", details);
                    if (op.equals("insert")) {
                        cronJobs.put(job.get("job_id"), job.get("declaration_key"));
                    }
                }));
                case "state_leases" -> changes.add(new Change(at, () -> {
                    if (op.equals("insert") && details.contains("scope=gateway-owner") || op.equals("update")) {
                        row(lease, op, details);
                        Matcher pid = Pattern.compile("\"pid\":(\\d+)").matcher(lease.getOrDefault("payload_json", ""));
                        String last = null;
                        while (pid.find()) {
                            last = pid.group(1);
                        }
                        lease.put("pid", last);
                    } else if (op.equals("delete") && details.contains("scope=gateway-owner")) {
                        lease.clear();
                    }
                }));
                default -> { }
            }
        }
    }

    /** Applies an insert ({@code k=v, …}) or an update ({@code col: old -> new; …}) to a row. */
    static void row(Map<String, String> row, String op, String details) {
        if (op.equals("insert")) {
            Matcher m = Pattern.compile("(\\w+)=([^,]*)").matcher(details);
            while (m.find()) {
                row.putIfAbsent(m.group(1), m.group(2));
            }
        } else if (op.equals("update")) {
            for (String change : details.split("; ")) {
                int colon = change.indexOf(": ");
                int arrow = change.lastIndexOf(" -> ");
                if (colon > 0 && arrow > colon) {
                    String value = change.substring(arrow + 4);
                    row.put(change.substring(0, colon), value.equals("-") ? null : value);
                }
            }
        }
    }

    /** A task row: an update names only its key, so it goes to the running task of that key whose old values match. */
    void task(String key, String op, String details) {
        if (op.equals("insert")) {
            Map<String, String> task = new HashMap<>();
            row(task, "insert", details);
            task.put("key", key.equals("-") ? null : key);
            tasks.put(task.get("task_id"), task);
            return;
        }
        Map<String, String> old = new HashMap<>();
        for (String change : details.split("; ")) {
            int colon = change.indexOf(": ");
            int arrow = change.lastIndexOf(" -> ");
            if (colon > 0 && arrow > colon) {
                old.put(change.substring(0, colon), change.substring(colon + 2, arrow));
            }
        }
        for (Map<String, String> task : tasks.values()) {
            boolean sameKey = key.equals("-") ? task.get("key") == null : key.equals(task.get("key"));
            boolean matches = "running".equals(task.get("status")) && old.entrySet().stream().filter(e ->
                    e.getKey().equals("last_event_at") || e.getKey().equals("started_at"))
                    .allMatch(e -> e.getValue().equals(task.getOrDefault(e.getKey(), task.get("started_at"))));
            if (sameKey && matches) {
                row(task, "update", details);
                return;
            }
        }
    }

    /** The phase of each session's last transcript message, from scenarios.md ("db transcript" rows). */
    void readTranscripts() throws IOException {
        Pattern line = Pattern.compile("\\| (\\S+) \\| \\S+ \\| db transcript \\| (\\S+) insert: seq \\d+ (\\S+) \\(created (\\S+)\\) \\|");
        for (String text : Files.readAllLines(RECORDING.resolve("scenarios.md"))) {
            Matcher m = line.matcher(text);
            if (!m.matches()) {
                continue;
            }
            String key = m.group(2);
            String event = m.group(3);
            long created = at(m.group(4));
            Phase phase = switch (event) {
                case "message/user", "message/toolResult" -> Phase.AWAITING_MODEL;
                case "message/assistant/toolUse" -> Phase.IN_TOOL_CALL;
                case "message/assistant/error", "message/assistant/aborted" -> Phase.FAILED;
                default -> event.startsWith("message/assistant") ? Phase.FINISHED : null;
            };
            boolean promptError = event.equals("custom/openclaw:prompt-error");
            changes.add(new Change(at(m.group(1)), () -> {
                LastMessage.Result last = transcripts.get(key);
                if (phase != null) {
                    transcripts.put(key, new LastMessage.Result(phase, created));
                } else if (promptError && last != null && last.phase().inFlight()) {
                    transcripts.put(key, new LastMessage.Result(Phase.FAILED, last.lastMessageAtMs()));
                }
            }));
        }
    }

    /** The gateway lock file ({@code gateway.state.lock}) as it was created, rewritten and removed (locks.txt). */
    void readLocks() throws IOException {
        Pattern line = Pattern.compile("(\\S+) (created|changed|removed)\\s+tmp/openclaw-0/gateway\\.state\\.lock ?(.*)");
        for (String text : Files.readAllLines(RECORDING.resolve("locks.txt"))) {
            Matcher m = line.matcher(text);
            if (!m.matches()) {
                continue;
            }
            String json = m.group(3);
            if (m.group(2).equals("removed")) {
                changes.add(new Change(at(m.group(1)), () -> lock = null));
            } else if (json.startsWith("{")) {
                long pid = Long.parseLong(json.replaceAll(".*\"pid\":(\\d+).*", "$1"));
                long startTime = Long.parseLong(json.replaceAll(".*\"startTime\":(\\d+).*", "$1"));
                long createdAt = Instant.parse(json.replaceAll(".*\"createdAt\":\"([^\"]+)\".*", "$1")).toEpochMilli();
                boolean embedded = json.contains("\"role\":\"agent-embedded\"");
                changes.add(new Change(at(m.group(1)),
                        () -> lock = new GatewayLocks.Holder("gateway.state.lock", pid, startTime, embedded, createdAt)));
            }
        }
    }

    /** The turns and their ground truth: turns.txt (admission) and ground-truth.txt (the model's requests). */
    static List<Turn> turns() throws IOException {
        List<Turn> turns = new ArrayList<>();
        Pattern truth = Pattern.compile("^(\\S.{0,47}?)\\s+(agent:main:\\S+)\\s+CLI .*in flight (\\S+) -> (\\S+) \\(.*");
        Map<String, Long> admitted = new HashMap<>();
        String current = null;
        for (String text : Files.readAllLines(RECORDING.resolve("turns.txt"))) {
            if (text.startsWith("== ")) {
                current = text.substring(3, text.indexOf("  ("));
            } else if (current != null && text.contains("admitted (first DB signal after the CLI start): ")) {
                admitted.put(current, at(text.replaceAll(".*start\\): (\\S+) .*", "$1")));
            }
        }
        for (String text : Files.readAllLines(RECORDING.resolve("ground-truth.txt"))) {
            Matcher m = truth.matcher(text);
            if (!m.matches()) {
                continue;
            }
            String name = m.group(1).strip();
            long start = at(m.group(3));
            long end = at(m.group(4));
            turns.add(new Turn(name, m.group(2), Math.min(start, admitted.getOrDefault(name.replaceAll("\\(.*", ""), start)),
                    end, text.contains("UNFINISHED")));
        }
        return turns;
    }

    void processesAt(long t) throws IOException {
        for (Process process : PROCESSES) {
            Path stat = proc.resolve(Long.toString(process.pid())).resolve("stat");
            if (t >= process.from() && t < process.until()) {
                Files.createDirectories(stat.getParent());
                Files.writeString(stat, process.pid() + " (node) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 11 0 "
                        + process.startTime() + " 0 0");
            } else {
                Files.deleteIfExists(stat);
            }
        }
    }

    /** The world as the databases and lock files stood at {@code t}, joined as the source joins it. */
    Map<String, SessionEvidence> evidenceAt(long t, Owners owners) {
        Map<String, AgentTable.Row> rows = new HashMap<>();
        windows.forEach((key, window) -> {
            Map<String, Long> inputs = pending.getOrDefault(key, Map.of());
            rows.put(key, new AgentTable.Row(key, window.getOrDefault("session_id", key), window.get("status"),
                    nz(window.get("started_at")), nz(window.get("ended_at")), nz(window.get("updated_at")),
                    nz(window.get("transcript_updated_at")), window.get("chat_type"), inputs.size(),
                    inputs.values().stream().mapToLong(Long::longValue).max().orElse(0),
                    transcripts.getOrDefault(key, LastMessage.Result.UNKNOWN)));
        });
        List<StateRows.Task> running = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> entry : tasks.entrySet()) {
            Map<String, String> task = entry.getValue();
            if ("running".equals(task.get("status"))) {
                running.add(new StateRows.Task(entry.getKey(), task.get("runtime"), task.get("key"),
                        nz(task.get("execution_owner_pid")), nz(task.get("execution_owner_start_identity")),
                        nz(task.get("started_at")), nz(task.get("last_event_at")),
                        StateRows.runsIn(task.get("runtime"), task.get("child_session_key"), task.get("source_id"),
                                task.get("agent_id"), cronJobs.get(task.get("source_id")))));
            }
        }
        Optional<StateRows.Lease> gatewayLease = lease.isEmpty() ? Optional.empty() : Optional.of(new StateRows.Lease(
                nz(lease.get("pid")), 0, nz(lease.get("heartbeat_at"))));
        List<GatewayLocks.Holder> locks = lock == null ? List.of() : List.of(lock);
        owners.begin();
        try {
            return joinAll(rows, new StateRows(running, gatewayLease), locks, owners, t);
        } finally {
            owners.end();
        }
    }

    /** Every key joined, as SqliteSource joins them on a rescan: the window rows, the tasks, the runs. */
    private static Map<String, SessionEvidence> joinAll(Map<String, AgentTable.Row> rows, StateRows state,
            List<GatewayLocks.Holder> locks, Owners owners, long now) {
        SessionEvidence.Owner gateway = owners.gateway(locks, state.gatewayLease(), now);
        Map<String, List<StateRows.Task>> tasks = state.tasksBySession();
        SessionJoin.Attribution attribution = SessionJoin.attribute(state.backgroundTasks(), locks,
                key -> rows.containsKey(key) ? key : null, rows.values());
        attribution.tasks().forEach((key, running) -> tasks.computeIfAbsent(key, k -> new ArrayList<>()).addAll(running));
        Map<String, SessionEvidence> evidence = new LinkedHashMap<>();
        rows.values().forEach(row -> evidence.put(row.key(), SessionJoin.session(row.key(), "main", row, tasks.remove(row.key()),
                attribution.embedded().get(row.key()), gateway, owners, now)));
        tasks.forEach((key, running) -> evidence.put(key,
                SessionJoin.session(key, SessionJoin.agentOf(key), null, running, gateway, owners, now)));
        evidence.putAll(SessionJoin.runs(attribution.ownTasks(), attribution.ownLocks(), gateway, owners, now));
        return evidence;
    }

    /**
     * The lease every 100 ms of recorded time, from before the first turn to after the last.
     *
     * @param pidChecks check the gateway's and the tasks' pids in the recorded process table; without, the gateway's
     *     lease heartbeat says whether it lives (a sidecar in another pid namespace)
     */
    TreeMap<Long, BusyView> replay(boolean pidChecks) throws IOException {
        Files.createDirectories(proc.resolve("self"));
        readChanges();
        readTranscripts();
        readLocks();
        changes.sort((a, b) -> Long.compare(a.at(), b.at()));
        SessionModel model = new SessionModel(Harness.settings(30_000));
        model.health(new SourceHealth("databases", true, 2, 0, false, 0, 1, 0, 0));
        Owners owners = new Owners(new ProcessTable(proc, pidChecks));
        TreeMap<Long, BusyView> timeline = new TreeMap<>();
        int next = 0;
        for (long t = at("19:37:00.000"); t <= at("19:49:31.000"); t += STEP_MS) {
            while (next < changes.size() && changes.get(next).at() <= t) {
                changes.get(next++).apply().run();
            }
            processesAt(t);
            model.apply(PartitionUpdate.replace("sqlite", List.copyOf(evidenceAt(t, owners).values())));
            SessionModel.Evaluation evaluation = model.evaluate(t);
            timeline.put(t, evaluation.busy());
            statusRunning.put(t, evaluation.status().running());
        }
        return timeline;
    }

    @ParameterizedTest(name = "pid checks: {0}")
    @ValueSource(booleans = {true, false})
    void everyRunInFlightIsExtendFromItsAdmissionAndNoneIsEverReleased(boolean pidChecks) throws IOException {
        TreeMap<Long, BusyView> timeline = replay(pidChecks);
        List<Turn> turns = turns();
        assertEquals(18, turns.size(), "the recorded turns: " + turns);
        long inFlight = 0;
        long released = 0;
        long heldOrExtended = 0;
        List<String> problems = new ArrayList<>();
        for (Turn turn : turns) {
            for (Map.Entry<Long, BusyView> step : timeline.subMap(turn.admitted(), true, turn.end(), true).entrySet()) {
                inFlight += STEP_MS;
                Action action = step.getValue().action();
                released += action == Action.RELEASE_AFTER_GRACE || action == Action.UNKNOWN ? STEP_MS : 0;
                heldOrExtended += action == Action.HOLD || action == Action.EXTEND ? STEP_MS : 0;
                boolean expected = action == Action.EXTEND || action == Action.HOLD && ownerGone(step.getKey());
                if (!expected) {
                    problems.add(turn.name() + " at " + Instant.ofEpochMilli(step.getKey()) + ": " + action);
                }
            }
        }
        System.out.printf("SQLite-era replay, pid checks %s: %.1f s of runs in flight (from admission),"
                + " release_after_grace for %.1f s, extend or hold for %.1f s%n", pidChecks, inFlight / 1e3,
                released / 1e3, heldOrExtended / 1e3);
        assertEquals(0, released, "released while a run was in flight");
        assertTrue(problems.isEmpty(), "every run in flight is extend from its admission (hold while its owner was"
                + " killed): " + problems.subList(0, Math.min(10, problems.size())));
    }

    @Test
    void aKilledGatewaysRunHoldsNeverReleasesAndAQuietGatewayReleasesWithinTheWindow() throws IOException {
        TreeMap<Long, BusyView> timeline = replay(true);
        // The gateway was SIGKILLed at 19:47:12.412, 4 s into the crash turn's tool call, and restarted at 19:47:18.
        for (BusyView busy : timeline.subMap(at("19:47:12.500"), at("19:47:18.100")).values()) {
            assertTrue(busy.action() == Action.HOLD || busy.action() == Action.EXTEND, "never released: " + busy);
        }
        assertEquals(Action.HOLD, timeline.get(at("19:47:13.500")).action(), "the dead gateway's run is stale");
        assertTrue(timeline.get(at("19:47:13.500")).stale());
        // After sleep20's last response (19:38:16.709) nothing ran until long45 was admitted (19:38:53.241).
        long releasedAt = timeline.subMap(at("19:38:16.800"), at("19:38:53.000")).entrySet().stream()
                .filter(e -> e.getValue().action() == Action.RELEASE_AFTER_GRACE).findFirst().orElseThrow().getKey();
        System.out.printf("sleep20 ended 19:38:16.709; release_after_grace from %s%n", Instant.ofEpochMilli(releasedAt));
        assertTrue(releasedAt <= at("19:38:16.709") + 30_000 + 1_000, "released within runningWindowMs + 1 s");
    }

    @Test
    void aRunIsCountedOnceAndTheStatusAndTheBusyStateAgree() throws IOException {
        TreeMap<Long, BusyView> timeline = replay(true);
        long apart = 0;
        List<String> where = new ArrayList<>();
        for (Map.Entry<Long, BusyView> step : timeline.entrySet()) {
            int status = statusRunning.get(step.getKey());
            int busy = step.getValue().totals().running();
            assertTrue(busy - status <= 1 && busy >= status, "one run, one count: status " + status + ", busy " + busy
                    + " at " + Instant.ofEpochMilli(step.getKey()));
            if (busy != status) {
                apart += STEP_MS;
                String at = java.time.LocalTime.ofInstant(Instant.ofEpochMilli(step.getKey()), java.time.ZoneOffset.UTC).toString();
                where.add(at + " (status " + status + ", busy " + busy + ")");
            }
        }
        // Only while a run no session shows yet is in flight: the heartbeat before agent:main:main's row (0.4 s), the
        // embedded run before agent:main:local's first row (1.7 s). Before: the heartbeat counted twice in the busy
        // state for its whole run, the embedded run 2 against the status's 1 while its lock was held.
        System.out.printf("status and busy-state running apart for %.1f s of the replay: %s%n", apart / 1e3, where);
        assertTrue(apart <= 2_500, "apart for " + apart + " ms: " + where);
        assertEquals(1, timeline.get(at("19:44:20.000")).totals().running(), "the embedded run is one run, in agent:main:local");
    }

    static long nz(String value) {
        Long parsed = time(value);
        return parsed == null ? 0 : parsed;
    }
}
