package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openclaw.sessionstatus.cli.Cli;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import picocli.CommandLine;

/**
 * The exact bytes every renderer produces for the recorded fixtures at a fixed instant: status, snapshot, lease,
 * metrics (through the CLI and a one-shot scan), and {@code check}. Recorded before the model and renderers were
 * split into their own packages; a change to any of them must show here as an intended difference.
 */
class GoldenOutputTest {
    static final Instant NOW = Instant.parse("2026-11-22T04:10:00Z");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}, files {1} s old")
    @CsvSource({"after-runs, 20", "after-runs, 120", "mid-tool-call, 240"})
    void everyDocumentIsByteForByteAsRecorded(String fixture, long ageSeconds) throws Exception {
        Path state = Fixtures.copy(fixture, tmp.resolve("state"));
        Fixtures.touchAll(state, NOW.minus(Duration.ofSeconds(ageSeconds)));
        String name = fixture + "-" + ageSeconds;
        Map<String, String> env = Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_CONFIG", emptyConfig());
        String status = run(env, "status", "--state-dir", state.toString());
        String busy = run(env, "snapshot", "--state-dir", state.toString());
        String check = run(env, "check", "--state-dir", "/srv/openclaw").replace(tmp.toString(), "$HOME");
        Snapshot snapshot = scanOnce(env, state);
        String lease = new String(snapshot.leaseJson(), StandardCharsets.UTF_8);
        // The revision counts publications, which depend on how the scan's deliveries were batched.
        String metrics = new String(snapshot.metricsText(), StandardCharsets.UTF_8)
                .replaceAll("(?m)^(openclaw_session_status_snapshot_revision) \\d+$", "$1 N");
        assertAll(() -> assertGolden(name + ".status.json", status),
                () -> assertGolden(name + ".snapshot.json", busy),
                () -> assertGolden(name + ".check.json", check),
                () -> assertGolden(name + ".lease.json", lease),
                () -> assertGolden(name + ".metrics.txt", metrics));
    }

    static Snapshot scanOnce(Map<String, String> env, Path state) throws Exception {
        Config config = new ConfigLoader(env).load(Optional.empty(), Map.of("stateDir", state.toString()));
        return Daemon.scanOnce(config, env, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    String emptyConfig() throws IOException {
        return Files.writeString(tmp.resolve("empty.json"), "{}").toString();
    }

    static String run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Cli.commandLine(env, Clock.fixed(NOW, ZoneOffset.UTC));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(args), err.toString());
        return out.toString();
    }

    static void assertGolden(String name, String actual) throws IOException {
        Path record = Path.of(System.getProperty("golden.record", ""));
        if (!record.toString().isEmpty()) {
            Files.createDirectories(record);
            Files.writeString(record.resolve(name), actual);
            return;
        }
        try (InputStream in = GoldenOutputTest.class.getResourceAsStream("/golden/" + name)) {
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, name);
        }
    }
}
