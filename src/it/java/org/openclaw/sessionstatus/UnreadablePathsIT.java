package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Gateways;

/**
 * "Permission denied" is not "nothing there": the daemon run as a real unprivileged user ({@code nobody}, through
 * {@code runuser}) beside a state dir with a run in flight, while a dir on the way is closed to it — at mode 000, or
 * 0700 of another user (root here), as OpenClaw's own dirs are to any user but the gateway's. What lies under it is
 * unreadable: partial (or 503 and exit 1 when nothing can be read), the lease extends, holds or is unknown, and
 * never released; the warning names the path and the uid. Needs root, to run the daemon as another user.
 */
class UnreadablePathsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "unreadable-paths-it-secret";
    static final Duration DEADLINE = Duration.ofSeconds(30);
    static final Pattern SERVING = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path tmp;
    Path jar;

    /** What a one-shot command printed, and how it exited. */
    record Answer(int exit, JsonNode json, String stderr) {
    }

    @BeforeEach
    void needsRoot() throws Exception {
        Path built = Path.of("target", "openclaw-session-status.jar").toAbsolutePath();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(built), "the runnable jar is built by package");
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root to run the daemon as another user (root may read anything)");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")), "needs runuser");
        jar = Files.copy(built, tmp.resolve("daemon.jar"));
    }

    /** 2026.9.6 mid-tool-call, its gateway this live JVM: {@code sleep20} runs. */
    Path sqliteEra() throws Exception {
        Path state = Fixtures.copySqlite("mid-tool-call", tmp.resolve("state"));
        Gateways.reviveAsThisProcess(state);
        return openToAll(state);
    }

    /** 2026.7.1 mid-tool-call with its lock held by this live JVM: {@code sleep20} runs. */
    Path fileEra() throws Exception {
        Path state = Fixtures.copy("mid-tool-call", tmp.resolve("state"));
        Path sessions = state.resolve("agents/main/sessions");
        try (var locks = Files.newDirectoryStream(sessions, "*.lock")) {
            for (Path lock : locks) {
                Files.writeString(lock, Fixtures.liveLock(Instant.now()));
            }
        }
        Fixtures.touchAll(state, Instant.now().minus(Duration.ofMinutes(2)));
        return openToAll(state);
    }

    /** Everything readable by anyone, the temp dir above it too, as a daemon run as the gateway's user would see it. */
    Path openToAll(Path state) throws Exception {
        try (var paths = Files.walk(tmp)) {
            for (Path path : paths.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                        Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return state;
    }

    static void chmod(Path path, String mode) throws Exception {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
    }

    List<String> asNobody(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/sbin/runuser", "-u", "nobody", "--", "env",
                "HOME=" + tmp, "OPENCLAW_SESSION_STATUS_HTTP_SECRET=" + SECRET,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    Answer oneShot(String command, Path state) throws Exception {
        Path out = tmp.resolve(command + ".out");
        Path err = tmp.resolve(command + ".err");
        Process process = new ProcessBuilder(asNobody(command, "--state-dir", state.toString(), "--redact-keys", "false"))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), command + " ended");
        return new Answer(process.exitValue(), JSON.readTree(out.toFile()), Files.readString(err));
    }

    @Test
    void whatNobodyMayReadIsReadAsItIs() throws Exception {
        Path state = sqliteEra();
        Answer status = oneShot("status", state);
        assertEquals(0, status.exit(), status.stderr());
        assertFalse(status.json().has("partial"), status.json().toString());
        assertEquals(1, status.json().path("sessions").path("running").asInt(), status.json().toString());
        assertFalse(status.stderr().contains("permission denied"), status.stderr());
    }

    @ParameterizedTest(name = "{0} era, {1} at {2}")
    @CsvSource({
        "sqlite, agents/main/agent, ---------",
        "sqlite, agents/main, ---------",
        "sqlite, agents/main, rwx------",
        "sqlite, state, rwx------",
        "sqlite, tmp, rwx------",
        "sqlite, tmp/openclaw-0, rwx------",
        "sqlite, tmp/openclaw-0/gateway.state.lock, rw-------",
        "files, agents/main/sessions, rwx------",
        "files, agents/main/sessions/sessions.json, rw-------"})
    void aPathNobodyMayReadMakesTheAnswerPartialAndTheLeaseHold(String era, String dir, String mode) throws Exception {
        Path state = era.equals("sqlite") ? sqliteEra() : fileEra();
        if (era.equals("files")) {
            // Another agent nobody may read, so something is still readable.
            Files.createDirectories(state.resolve("agents/other/sessions"));
            openToAll(state);
        }
        chmod(state.resolve(dir), mode);

        Answer status = oneShot("status", state);
        assertEquals(0, status.exit(), status.stderr());
        assertTrue(status.json().path("partial").asBoolean(), "partial: " + status.json());
        assertTrue(status.json().path("unreadable").asInt() >= 1, status.json().toString());
        assertTrue(status.stderr().contains("permission denied: " + state.resolve(dir))
                && status.stderr().contains("uid 65534"), "names the path and the uid: " + status.stderr());

        Answer snapshot = oneShot("snapshot", state);
        assertEquals(0, snapshot.exit(), snapshot.stderr());
        assertEquals("partial", snapshot.json().path("confidence").asText(), snapshot.json().toString());
        String action = snapshot.json().path("lease").path("recommendedAction").asText();
        assertTrue(action.equals("extend") || action.equals("hold"), "never released: " + snapshot.json());
    }

    @ParameterizedTest(name = "{0} era, {1} at {2}")
    @CsvSource({
        "sqlite, '', rwx------",
        "sqlite, agents, ---------",
        "files, '', rwx------",
        "files, agents/main, ---------",
        "files, agents/main, rwx------",
        "files, agents/main/sessions, ---------"})
    void whenNothingCanBeReadTheStatusIsAnErrorAndTheLeaseUnknown(String era, String dir, String mode) throws Exception {
        Path state = era.equals("sqlite") ? sqliteEra() : fileEra();
        if (era.equals("sqlite") && dir.equals("agents")) {
            // The state database and the lock files say the run is in flight too: close them as well.
            chmod(state.resolve("state"), mode);
            chmod(state.resolve("tmp"), mode);
        }
        chmod(dir.isEmpty() ? state : state.resolve(dir), mode);

        Answer status = oneShot("status", state);
        assertEquals(1, status.exit(), status.json() + status.stderr());
        assertFalse(status.json().path("ok").asBoolean(), status.json().toString());
        assertTrue(status.json().path("error").asText().contains("no session source can be read"), status.json().toString());
        assertTrue(status.stderr().contains("permission denied") && status.stderr().contains("uid 65534")
                && status.stderr().contains("gateway's user"), status.stderr());

        Answer snapshot = oneShot("snapshot", state);
        assertEquals(1, snapshot.exit(), snapshot.json().toString());
        assertEquals("unknown", snapshot.json().path("lease").path("recommendedAction").asText(), snapshot.json().toString());
    }

    /** The daemon as nobody, serving; its port from its log. */
    final class Serving implements AutoCloseable {
        final Process process;
        final int port;
        final HttpClient client = HttpClient.newHttpClient();
        final Path err = tmp.resolve("serve.err");

        Serving(Path state) throws Exception {
            process = new ProcessBuilder(asNobody("serve", "--http-port", "0", "--state-dir", state.toString()))
                    .redirectOutput(tmp.resolve("serve.out").toFile()).redirectError(err.toFile()).start();
            CompletableFuture<Integer> listening = new CompletableFuture<>();
            DaemonProcessIT.follow(err, line -> {
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    listening.complete(Integer.parseInt(m.group(1)));
                }
            });
            port = listening.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        HttpResponse<String> get(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString());
        }

        /**
         * Polls the status and the lease until the status is what is awaited; every lease seen on the way must be
         * held. @return how long it took, in ms
         */
        long until(String what, Predicate<HttpResponse<String>> status) throws Exception {
            long start = System.nanoTime();
            long deadline = start + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                String lease = JSON.readTree(get("/plugins/busy-state/lease").body()).path("lease")
                        .path("recommendedAction").asText();
                assertNotEquals("release_after_grace", lease, "released while a run is in flight, awaiting " + what);
                if (status.test(get("/plugins/session-status/status"))) {
                    return (System.nanoTime() - start) / 1_000_000;
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            throw new AssertionError("never " + what + "; stderr: " + Files.readString(err));
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    static boolean partial(HttpResponse<String> status) {
        return status.statusCode() == 200 && status.body().contains("\"partial\":true");
    }

    static boolean whole(HttpResponse<String> status) {
        return status.statusCode() == 200 && !status.body().contains("\"partial\"") && status.body().contains("\"running\":1");
    }

    @ParameterizedTest(name = "{0} era, {1} at {2} while it runs")
    @CsvSource({
        "sqlite, agents/main/agent, ---------",
        "sqlite, agents/main, ---------",
        "sqlite, state, rwx------",
        "sqlite, tmp, rwx------",
        "files, agents/main, ---------",
        "files, agents/main/sessions, ---------"})
    void aModeChangedWhileWatchedTurnsUnreadableAndBackAgain(String era, String dir, String mode) throws Exception {
        Path state = era.equals("sqlite") ? sqliteEra() : fileEra();
        if (era.equals("files")) {
            Files.createDirectories(state.resolve("agents/other/sessions"));
            openToAll(state);
        }
        try (Serving daemon = new Serving(state)) {
            daemon.until("whole, sleep20 running", UnreadablePathsIT::whole);

            chmod(state.resolve(dir), mode);
            long toPartial = daemon.until("partial", UnreadablePathsIT::partial);
            System.out.printf("%s %s at %s → partial after %d ms%n", era, dir, mode, toPartial);
            assertTrue(daemon.get("/plugins/session-status/status").body().contains("\"running\":1"),
                    "the run last seen stays counted: no slot it cannot see is free");

            chmod(state.resolve(dir), "rwxr-xr-x");
            long toWhole = daemon.until("whole again", UnreadablePathsIT::whole);
            System.out.printf("%s %s back at rwxr-xr-x → whole after %d ms%n", era, dir, toWhole);
            assertEquals(1, Files.readString(daemon.err).split("permission denied", -1).length - 1,
                    "said once: " + Files.readString(daemon.err));
        }
    }

    @Test
    void theWholeStateDirClosedWhileItRunsIs503AndNeverReleased() throws Exception {
        Path state = sqliteEra();
        try (Serving daemon = new Serving(state)) {
            daemon.until("whole, sleep20 running", UnreadablePathsIT::whole);
            chmod(state, "rwx------");
            long to503 = daemon.until("503", status -> status.statusCode() == 503);
            System.out.printf("state dir at rwx------ → 503 after %d ms%n", to503);
            chmod(state, "rwxr-xr-x");
            daemon.until("whole again", UnreadablePathsIT::whole);
        }
    }
}
