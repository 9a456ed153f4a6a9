package org.openclaw.sessionstatus.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.Fixtures;
import picocli.CommandLine;

/** The command line as a user types it, in process. */
class CliTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(Map<String, String> env, String... args) {
        CommandLine cli = Cli.commandLine(env, Clock.systemUTC());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** An empty config file, so a config installed on this machine does not leak into the test. */
    Map<String, String> env() {
        return Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_CONFIG", emptyConfig());
    }

    String emptyConfig() {
        Path file = tmp.resolve("empty.json");
        try {
            Files.writeString(file, "{}");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file.toString();
    }

    @Test
    void statusScansOnceAndPrintsTheStatus() throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofMinutes(1)));
        assertEquals(0, run(env(), "status", "--state-dir", state.toString(), "--redact-keys", "false"), err.toString());
        JsonNode status = JSON.readTree(out.toString());
        assertEquals(9, status.get("sessions").get("total").asInt());
        assertEquals(9, status.get("sessions").get("details").size());
    }

    @Test
    void statusAndSnapshotExitOneWhileNoSessionSourceCanBeSeen() throws Exception {
        assertEquals(1, run(env(), "status", "--state-dir", tmp.resolve("no-such-state-dir").toString()), err.toString());
        JsonNode missing = JSON.readTree(out.toString());
        assertFalse(missing.get("ok").asBoolean());
        assertTrue(missing.get("error").asText().contains("no session source can be read"), missing.toString());

        out.getBuffer().setLength(0);
        Path state = tmp.resolve("state");
        Files.createDirectories(state.resolve("agents/main/agent"));
        Files.writeString(state.resolve("agents/main/agent/openclaw-agent.sqlite"), "not a database");
        assertEquals(1, run(env(), "status", "--state-dir", state.toString()), err.toString());
        assertFalse(JSON.readTree(out.toString()).get("ok").asBoolean(), "an agent it cannot read is not an idle one");

        out.getBuffer().setLength(0);
        assertEquals(1, run(env(), "snapshot", "--state-dir", state.toString()), "a script must not act on unknown");
        assertEquals("unknown", JSON.readTree(out.toString()).get("lease").get("recommendedAction").asText());
    }

    @Test
    void checkPrintsTheResolvedSettingsWithTheSecretMasked() throws Exception {
        Map<String, String> env = Map.of("HOME", tmp.toString(), "OPENCLAW_STATE_DIR", "/srv/openclaw",
                "OPENCLAW_SESSION_STATUS_CONFIG", emptyConfig(),
                "OPENCLAW_SESSION_STATUS_HTTP_SECRET", "hunter2-very-secret");
        assertEquals(0, run(env, "check", "--max-concurrent", "auto"), err.toString());
        assertFalse(out.toString().contains("hunter2"), out.toString());
        JsonNode settings = JSON.readTree(out.toString());
        assertEquals("/srv/openclaw", settings.get("stateDir").asText());
        assertEquals("auto", settings.get("maxConcurrent").asText());
        assertEquals("****", settings.get("http").get("secret").asText());
        assertTrue(settings.get("http").get("secretSource").asText().contains("OPENCLAW_SESSION_STATUS_HTTP_SECRET"));
    }

    @Test
    void checkCreatesNoSecret() {
        assertEquals(0, run(env(), "check"), err.toString());
        assertFalse(Files.exists(tmp.resolve(".local/state/openclaw-session-status/secret")));
        assertTrue(out.toString().contains("serve will generate one in"), out.toString());
    }

    @Test
    void aBadConfigExitsTwoNamingTheKeyBeforeAnythingIsBound() throws Exception {
        Path config = tmp.resolve("bad.json");
        Files.writeString(config, "{\"http\":{\"port\":18780},\"activityTtlMs\":-1}");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertEquals(2, run(env(), "serve", "--config", config.toString(), "--http-port", Integer.toString(port)));
        assertTrue(err.toString().contains("config activityTtlMs: must be a positive number"), err.toString());
        try (ServerSocket stillFree = new ServerSocket(port)) {
            assertEquals(port, stillFree.getLocalPort(), "serve bound nothing");
        }
    }

    @Test
    void theSecretCannotBeGivenOnTheCommandLineAndIsNeverEchoed() {
        assertEquals(2, run(env(), "serve", "--http-secret", "visible-in-ps"));
        assertTrue(err.toString().contains("unknown option --http-secret (1 value not shown)"), err.toString());
        assertTrue(err.toString().contains("never given on the command line"), err.toString());
        assertEquals(2, run(env(), "status", "--http-secret=visible-in-ps", "stray-hunter2", "--http-port", "hunter3"));
        assertEquals(2, run(env(), "status", "--http-port", "hunter4"));
        for (String secret : List.of("visible-in-ps", "hunter2", "hunter3", "hunter4")) {
            assertFalse(err.toString().contains(secret), err.toString());
            assertFalse(out.toString().contains(secret), out.toString());
        }
    }

    @Test
    void anEnabledActionThatLacksWhatItNeedsExitsTwoNamingTheKeyBeforeAnythingIsBound() {
        assertEquals(2, run(env(), "serve", "--http-port", "0", "--actions-ecs-task-protection-enabled", "true"));
        assertTrue(err.toString().contains("config actions.ecsTaskProtection.agentUri: not set, and $ECS_AGENT_URI is not set"),
                err.toString());
        assertEquals(2, run(env(), "serve", "--http-port", "0", "--actions-pod-deletion-cost-enabled", "true"));
        assertTrue(err.toString().contains("config actions.podDeletionCost.apiServer: not set"), err.toString());
        assertEquals(2, run(env(), "check", "--actions-ecs-task-protection-agent-uri", "ftp://agent"));
        assertTrue(err.toString().contains("config actions.ecsTaskProtection.agentUri: must be an http:// or https:// URL"),
                err.toString());
    }

    @Test
    void aFlagWithABadValueExitsTwo() {
        assertEquals(2, run(env(), "status", "--running-window-ms", "soon"));
        assertTrue(err.toString().contains("config runningWindowMs: must be a whole number"), err.toString());
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, run(env(), "--version"));
        assertTrue(out.toString().startsWith("openclaw-session-status "), out.toString());
        assertEquals(0, run(env(), "serve", "--help"));
        assertTrue(out.toString().contains("--http-port"), out.toString());
        assertEquals(2, run(env()), "no command is a usage error");
    }
}
