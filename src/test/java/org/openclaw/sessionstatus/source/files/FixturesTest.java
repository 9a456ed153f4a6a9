package org.openclaw.sessionstatus.source.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.model.StatusView;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;

/** The files a real gateway wrote, through the real source and model. */
class FixturesTest {
    static final String SLEEP20 = "9498733e-9b24-413b-9f55-af579755a6b0";

    @Test
    void afterRunsHoldsNineIdleSessionsWithTheirKeysAgentsAndKinds(@TempDir Path tmp) throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofMinutes(2)));
        StatusView all;
        try (Harness harness = new Harness(state, 30_000, List.of())) {
            all = harness.await("nine sessions", s -> s.total() == 9).status();
        }
        assertEquals(0, all.running());
        assertEquals(9, all.idle());
        Map<String, String> kinds = all.details().stream()
                .collect(Collectors.toMap(StatusView.Detail::key, StatusView.Detail::kind));
        assertEquals(Set.of("quick", "sleep20", "par-a", "par-b", "slow", "local", "abort", "crash", "fallback").stream()
                .map(name -> "agent:main:" + name).collect(Collectors.toSet()), kinds.keySet(),
                "trajectory sidecars are not sessions");
        assertEquals(Set.of("other"), Set.copyOf(kinds.values()));
        assertEquals(Set.of("main"), all.details().stream().map(StatusView.Detail::agent).collect(Collectors.toSet()));
    }

    @Test
    void midToolCallIsRunningWhileItsLockHolderLives(@TempDir Path tmp) throws Exception {
        Path state = Fixtures.copy("mid-tool-call", tmp.resolve("state"));
        Instant fourMinutesAgo = Instant.now().minus(Duration.ofMinutes(4));
        Fixtures.touchAll(state, fourMinutesAgo);
        Path sessions = state.resolve("agents/main/sessions");
        Files.writeString(sessions.resolve(SLEEP20 + ".jsonl.lock"), Fixtures.liveLock(fourMinutesAgo));
        try (Harness harness = new Harness(state, 30_000, List.of())) {
            StatusView status = harness.await("sleep20 running", s -> s.running() == 1).status();
            assertEquals(2, status.total());
            assertEquals("agent:main:sleep20", status.details().stream().filter(d -> d.status().equals("running"))
                    .findFirst().orElseThrow().key());
        }
    }

    @Test
    void midToolCallWithTheRecordedDeadPidIsNotRunning(@TempDir Path tmp) throws IOException, InterruptedException {
        Path state = Fixtures.copy("mid-tool-call", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofMinutes(4)));
        try (Harness harness = new Harness(state, 30_000, List.of())) {
            StatusView status = harness.await("scanned", s -> s.total() == 2).status();
            assertEquals(0, status.running(), "the recorded gateway pid is not alive here");
        }
    }
}
