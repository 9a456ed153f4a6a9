package bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Synthetic OpenClaw state dirs shaped like the recorded fixtures: per agent a {@code sessions.json} whose entries are
 * the recorded 2026.7.1 entry (12.5 KB each, skills snapshot and prompt report included) and one transcript per
 * session (the recorded 2.6 KB transcript of a finished run). At most 1 000 sessions per agent. Every session is idle:
 * its last activity is hours to days old, its run {@code done}.
 */
final class StateGenerator {
    static final int SESSIONS_PER_AGENT = 1_000;
    static final ObjectMapper JSON = new ObjectMapper();

    private final Path fixtures;
    private final ObjectNode entryTemplate;
    private final byte[] transcript;

    StateGenerator(Path fixtures) throws IOException {
        this.fixtures = fixtures;
        Path sessions = fixtures.resolve("openclaw-2026.7.1/after-runs/agents/main/sessions");
        JsonNode store = JSON.readTree(sessions.resolve("sessions.json").toFile());
        this.entryTemplate = (ObjectNode) store.get("agent:main:quick");
        String sessionId = entryTemplate.get("sessionId").asText();
        this.transcript = Files.readAllBytes(sessions.resolve(sessionId + ".jsonl"));
    }

    /** The line that puts a transcript mid tool call (recorded), and one that finishes the run (recorded). */
    byte[] toolUseLine() throws IOException {
        return lastLine(fixtures.resolve("openclaw-2026.7.1/mid-tool-call/agents/main/sessions/"
                + "9498733e-9b24-413b-9f55-af579755a6b0.jsonl"));
    }

    byte[] finishedLine() {
        String[] lines = new String(transcript, StandardCharsets.UTF_8).strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (lines[i].contains("\"role\":\"assistant\"")) {
                return (lines[i] + "\n").getBytes(StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("the recorded transcript has no assistant reply");
    }

    private static byte[] lastLine(Path file) throws IOException {
        String text = Files.readString(file).strip();
        return (text.substring(text.lastIndexOf('\n') + 1) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String agentId(int index) {
        return String.format("a%04d", index);
    }

    static String sessionId(int agent, int index) {
        return String.format("00000000-0000-4000-8000-%06d%06d", agent, index);
    }

    static String key(int agent, int index) {
        return index == 0 ? "agent:" + agentId(agent) + ":main"
                : "agent:" + agentId(agent) + ":telegram:direct:" + (100_000_000 + agent * SESSIONS_PER_AGENT + index);
    }

    /** Writes {@code sessions} idle sessions under {@code stateDir/agents}. */
    void generate(Path stateDir, int sessions, Instant now) throws IOException {
        int agents = (sessions + SESSIONS_PER_AGENT - 1) / SESSIONS_PER_AGENT;
        for (int agent = 0; agent < agents; agent++) {
            int count = Math.min(SESSIONS_PER_AGENT, sessions - agent * SESSIONS_PER_AGENT);
            Path dir = Files.createDirectories(stateDir.resolve("agents").resolve(agentId(agent)).resolve("sessions"));
            for (int index = 0; index < count; index++) {
                Path file = dir.resolve(sessionId(agent, index) + ".jsonl");
                Files.write(file, transcript);
                Files.setLastModifiedTime(file, FileTime.from(lastActivity(agent, index, now)));
            }
            writeStore(dir, agent, count, now, Map.of());
        }
    }

    /** Hours to days ago, spread so no two sessions share an instant. */
    static Instant lastActivity(int agent, int index, Instant now) {
        return now.minus(Duration.ofHours(2)).minusSeconds((long) agent * SESSIONS_PER_AGENT * 7 + index * 7L);
    }

    /** The store of one agent, written as OpenClaw does: a temp file renamed over {@code sessions.json}. */
    void writeStore(Path dir, int agent, int count, Instant now, Map<Integer, Instant> runningSince) throws IOException {
        Path temp = dir.resolve("sessions.json." + ProcessHandle.current().pid() + ".tmp");
        Files.write(temp, storeBytes(dir, agent, count, now, runningSince));
        Files.move(temp, dir.resolve("sessions.json"), StandardCopyOption.ATOMIC_MOVE);
    }

    byte[] storeBytes(Path dir, int agent, int count, Instant now, Map<Integer, Instant> runningSince) throws IOException {
        ObjectNode store = JSON.createObjectNode();
        for (int index = 0; index < count; index++) {
            ObjectNode entry = entryTemplate.deepCopy();
            String sessionId = sessionId(agent, index);
            Instant running = runningSince.get(index);
            long last = (running != null ? running : lastActivity(agent, index, now)).toEpochMilli();
            entry.put("sessionId", sessionId);
            entry.put("sessionFile", dir.resolve(sessionId + ".jsonl").toString());
            for (String field : new String[] {"updatedAt", "lastInteractionAt", "lastActivityAt"}) {
                entry.put(field, last);
            }
            entry.put("sessionStartedAt", last - 60_000);
            entry.put("startedAt", last - 5_000);
            if (running != null) {
                entry.put("status", "running");
                entry.remove("endedAt");
                entry.remove("runtimeMs");
            } else {
                entry.put("status", "done");
                entry.put("endedAt", last);
            }
            store.set(key(agent, index), entry);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(store);
    }

    /** A transcript of about 1 KB: the recorded header line and one finished reply. */
    void smallTranscript(Path file) throws IOException {
        String header = new String(transcript, StandardCharsets.UTF_8).split("\n")[0] + "\n";
        Files.write(file, (header + new String(finishedLine(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    /** A transcript of {@code bytes} realistic lines (the recorded transcript over and over), ending finished. */
    void bigTranscript(Path file, long bytes) throws IOException {
        String[] lines = new String(transcript, StandardCharsets.UTF_8).strip().split("\n");
        byte[] body = (String.join("\n", Arrays.copyOfRange(lines, 1, lines.length)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write((lines[0] + "\n").getBytes(StandardCharsets.UTF_8));
            long written = lines[0].length() + 1;
            byte[] chunk = new byte[body.length * 400];
            for (int i = 0; i < 400; i++) {
                System.arraycopy(body, 0, chunk, i * body.length, body.length);
            }
            while (written < bytes) {
                out.write(chunk);
                written += chunk.length;
            }
        }
    }
}
