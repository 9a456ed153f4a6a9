package org.openclaw.sessionstatus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openclaw.sessionstatus.model.RunningEvidence;

class ConfigLoaderTest {
    @TempDir
    Path tmp;

    Config load(String json, Map<String, String> env, Map<String, String> flags) throws Exception {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        return new ConfigLoader(env, tmp.resolve("absent.json")).load(Optional.of(file), flags);
    }

    String error(String json) {
        return assertThrows(ConfigException.class, () -> load(json, Map.of(), Map.of())).getMessage();
    }

    @Test
    void defaultsAreTheSpecs() throws Exception {
        Config config = new ConfigLoader(Map.of(), tmp.resolve("absent.json")).load(Optional.empty(), Map.of());
        assertEquals(Optional.empty(), config.file());
        assertEquals("auto", config.get(Setting.MAX_CONCURRENT).toString());
        assertEquals(30_000, config.get(Setting.RUNNING_WINDOW_MS));
        assertEquals(300_000, config.get(Setting.DETAILS_WINDOW_MS));
        assertEquals(Set.of(RunningEvidence.values()), config.get(Setting.RUNNING_EVIDENCE));
        assertTrue(config.get(Setting.LOCK_PID_CHECK) && config.get(Setting.REDACT_KEYS));
        assertEquals(List.of(false, "127.0.0.1", 18780), List.of(config.get(Setting.HTTP_ALLOW_NO_AUTH),
                config.get(Setting.HTTP_HOST), config.get(Setting.HTTP_PORT)));
        assertEquals(Optional.empty(), config.find(Setting.HTTP_SECRET));
        assertEquals(Optional.empty(), config.find(Setting.HTTP_SECRET_FILE));
        assertEquals(Optional.empty(), config.find(Setting.STATE_DIR));
        assertEquals(List.of(300_000L, 120_000L, 60_000L, 15_000L, 600_000L), List.of(config.get(Setting.ACTIVE_LEASE_MS),
                config.get(Setting.CAUTIOUS_LEASE_MS), config.get(Setting.IDLE_GRACE_MS),
                config.get(Setting.LOG_INTERVAL_MS), config.get(Setting.ACTIVITY_TTL_MS)));
    }

    @Test
    void theExampleConfigSetsEveryKeyToItsDefault() throws Exception {
        ConfigLoader loader = new ConfigLoader(Map.of(), tmp.resolve("absent.json"));
        Config example = loader.load(Optional.of(Path.of("config.example.json")), Map.of());
        Config defaults = loader.load(Optional.empty(), Map.of());
        assertEquals(Optional.of(Path.of("/home/openclaw/.openclaw")), example.find(Setting.STATE_DIR));
        // No secretFile: under systemd the secret arrives as a credential ($CREDENTIALS_DIRECTORY/secret).
        assertEquals(Optional.empty(), example.find(Setting.HTTP_SECRET_FILE));
        Map<String, Object> every = new java.util.HashMap<>(example.describe());
        every.put(Setting.STATE_DIR.key(), null);
        assertEquals(defaults.describe(), every);
    }

    @Test
    void fileThenEnvironmentThenFlags() throws Exception {
        Config config = load("{\"http\":{\"port\":1000,\"host\":\"localhost\"},\"runningWindowMs\":1000,"
                        + "\"maxConcurrent\":\"auto\",\"runningEvidence\":[\"mtime\",\"lock\"],\"busyState\":{\"activeLeaseMs\":5}}",
                Map.of("OPENCLAW_SESSION_STATUS_HTTP_PORT", "2000", "OPENCLAW_SESSION_STATUS_RUNNING_WINDOW_MS", "2000",
                        "OPENCLAW_SESSION_STATUS_SESSION_DIRS", "/a, /b"),
                Map.of("http.port", "3000"));
        assertEquals(3000, config.get(Setting.HTTP_PORT));
        assertEquals("localhost", config.get(Setting.HTTP_HOST));
        assertEquals(2000, config.get(Setting.RUNNING_WINDOW_MS));
        assertTrue(config.get(Setting.MAX_CONCURRENT).isAuto());
        assertEquals(Set.of(RunningEvidence.MTIME, RunningEvidence.LOCK), config.get(Setting.RUNNING_EVIDENCE));
        assertEquals(List.of(Path.of("/a"), Path.of("/b")), config.get(Setting.SESSION_DIRS));
        assertEquals(5, config.get(Setting.ACTIVE_LEASE_MS));
    }

    @Test
    void theGatewayIsAskedByDefaultAndItsUrlMustBeAWebSocket() throws Exception {
        Config defaults = load("{}", Map.of(), Map.of());
        assertTrue(defaults.get(Setting.GATEWAY_ENABLED));
        assertEquals("wss://gw.example:443/", load("{\"gateway\":{\"url\":\"wss://gw.example:443/\"}}", Map.of(), Map.of())
                .get(Setting.GATEWAY_URL).toString());
        assertEquals("config gateway.url: must be a ws:// or wss:// URL, got 'http://127.0.0.1:18789'",
                error("{\"gateway\":{\"url\":\"http://127.0.0.1:18789\"}}"));
        assertTrue(error("{\"gateway\":{\"enabled\":\"no\"}}").startsWith("config gateway.enabled:"));
    }

    @Test
    void leaseTimingsAreAcceptedAtTopLevelOrUnderBusyState() throws Exception {
        assertEquals(7, load("{\"cautiousLeaseMs\":7}", Map.of(), Map.of()).get(Setting.CAUTIOUS_LEASE_MS));
        assertEquals(7, load("{\"busyState\":{\"cautiousLeaseMs\":7}}", Map.of(), Map.of()).get(Setting.CAUTIOUS_LEASE_MS));
        assertTrue(error("{\"cautiousLeaseMs\":7,\"busyState\":{\"cautiousLeaseMs\":8}}").contains("give only one"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"runingWindowMs\":5}                 | config runingWindowMs: unknown key",
        "{\"http\":{\"prot\":1}}                | config http.prot: unknown key",
        "{\"runningWindowMs\":\"30s\"}          | config runningWindowMs: must be a whole number",
        "{\"runningWindowMs\":-5}               | config runningWindowMs: must be a positive number",
        "{\"idleGraceMs\":-1}                   | config idleGraceMs: must be a number of milliseconds, not negative",
        "{\"http\":{\"port\":70000}}            | config http.port: must be a port from 0 to 65535",
        "{\"lockPidCheck\":\"yes\"}             | config lockPidCheck: must be true or false",
        "{\"runningEvidence\":[\"vibes\"]}      | config runningEvidence: unknown evidence (expected mtime, lock, store, transcript), got 'vibes'",
        "{\"runningWindowMs\":9223372036854775807} | config runningWindowMs: must be a positive number of milliseconds, at most 7 days",
        "{\"activityTtlMs\":604800001}          | config activityTtlMs: must be a positive number of milliseconds, at most 7 days",
        "{\"cautiousLeaseMs\":1e30}              | config cautiousLeaseMs: must be a whole number",
        "{\"maxConcurrent\":99999999999}         | config maxConcurrent: must be a positive whole number or \"auto\", at most 1000000",
        "{\"runningEvidence\":[]}               | config runningEvidence: must name at least one",
        "{\"maxConcurrent\":0}                  | config maxConcurrent: must be a positive whole number or \"auto\"",
        "{\"http\":{\"allowNoAuth\":true,\"host\":\"0.0.0.0\"}} | config http.allowNoAuth: may only be true when http.host is a loopback",
        "{\"stateDir\": }                       | not valid JSON",
        "[]                                     | must hold one JSON object",
    })
    void anInvalidValueNamesItsKey(String json, String expected) {
        String message = error(json);
        assertTrue(message.contains(expected), message);
    }

    @Test
    void anErrorAboutTextFromTheCommandLineOrTheEnvironmentNeverRepeatsIt() {
        String flag = assertThrows(ConfigException.class,
                () -> load("{}", Map.of(), Map.of("http.port", "hunter2-secret"))).getMessage();
        assertTrue(flag.startsWith("config http.port: must be a whole number"), flag);
        assertTrue(!flag.contains("hunter2"), flag);
        String env = assertThrows(ConfigException.class, () -> load("{}",
                Map.of("OPENCLAW_SESSION_STATUS_RUNNING_EVIDENCE", "hunter2-secret"), Map.of())).getMessage();
        assertTrue(!env.contains("hunter2"), env);
        String secretInFile = error("{\"http\":{\"secret\":12345678}}");
        assertTrue(secretInFile.contains("must be a string, got NUMBER") && !secretInFile.contains("12345678"), secretInFile);
    }

    @Test
    void environmentAndFlagErrorsNameTheirSource() {
        String env = assertThrows(ConfigException.class,
                () -> load("{}", Map.of("OPENCLAW_SESSION_STATUS_HTTP_PORT", "x"), Map.of())).getMessage();
        assertTrue(env.contains("OPENCLAW_SESSION_STATUS_HTTP_PORT (http.port): must be a whole number"), env);
        String unknown = assertThrows(ConfigException.class,
                () -> load("{}", Map.of("OPENCLAW_SESSION_STATUS_PORT", "1"), Map.of())).getMessage();
        assertTrue(unknown.contains("OPENCLAW_SESSION_STATUS_PORT: unknown key"), unknown);
    }

    @Test
    void aMissingExplicitFileIsAnError() {
        String message = assertThrows(ConfigException.class, () -> new ConfigLoader(Map.of())
                .load(Optional.of(tmp.resolve("nope.json")), Map.of())).getMessage();
        assertTrue(message.endsWith("nope.json: not found"), message);
    }

    @Test
    void theStateDirFollowsOpenClaw() throws IOException {
        Path home = tmp.resolve("home");
        Map<String, String> env = Map.of("HOME", home.toString());
        assertEquals(home.resolve(".openclaw"), StateDirs.resolve(Optional.empty(), env), "default when none exists");
        Files.createDirectories(home.resolve(".moltbot"));
        assertEquals(home.resolve(".moltbot"), StateDirs.resolve(Optional.empty(), env), "a legacy dir that exists");
        Files.createDirectories(home.resolve(".clawdbot"));
        assertEquals(home.resolve(".clawdbot"), StateDirs.resolve(Optional.empty(), env), "legacy dirs in order");
        Files.createDirectories(home.resolve(".openclaw"));
        assertEquals(home.resolve(".openclaw"), StateDirs.resolve(Optional.empty(), env));
        assertEquals(Path.of("/legacy"), StateDirs.resolve(Optional.empty(),
                Map.of("HOME", home.toString(), "CLAWDBOT_STATE_DIR", "/legacy")));
        assertEquals(Path.of("/env"), StateDirs.resolve(Optional.empty(),
                Map.of("OPENCLAW_STATE_DIR", "/env", "CLAWDBOT_STATE_DIR", "/legacy")));
        assertEquals(Path.of("/flag"), StateDirs.resolve(Optional.of(Path.of("/flag")), Map.of("OPENCLAW_STATE_DIR", "/env")));
        assertEquals(Path.of("/oc/.openclaw"), StateDirs.resolve(Optional.empty(), Map.of("OPENCLAW_HOME", "/oc", "HOME", "/h")));
    }
}
