package org.openclaw.sessionstatus.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenClaw gateway (the npm package) on loopback, isolated in a temp dir as openclaw-facts.md says, driven by
 * a {@link FakeModel}. Where it is installed comes from the system properties {@code openclaw.node} (the Node 24
 * binary) and {@code openclaw.cli} (the {@code openclaw} command), which {@code .ci/run} sets; without them the tests
 * that need one are skipped.
 */
public final class RealGateway implements AutoCloseable {
    public static final String TOKEN = "live-test-token";
    /** A start takes 25–35 s on a loaded 2-core machine, the first one longer. */
    private static final long START_DEADLINE_MS = 240_000;

    /** Where Node and OpenClaw are. */
    public record Install(Path node, Path cli) {

        /** From the system properties; empty when either is unset or missing. */
        public static Optional<Install> fromProperties() {
            String node = System.getProperty("openclaw.node", "");
            String cli = System.getProperty("openclaw.cli", "");
            if (node.isBlank() || cli.isBlank() || !Files.isExecutable(Path.of(node)) || !Files.exists(Path.of(cli))) {
                return Optional.empty();
            }
            return Optional.of(new Install(Path.of(node), Path.of(cli)));
        }
    }

    private final Install install;
    private final Path dir;
    private final int port;
    private Process gateway;

    private RealGateway(Install install, Path dir, int port) {
        this.install = install;
        this.dir = dir;
        this.port = port;
    }

    /** Writes the config (state dir {@code dir/state}) and starts the gateway; returns once it answers /healthz. */
    public static RealGateway start(Install install, Path dir, int modelPort, int maxConcurrent)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        for (String sub : List.of("state", "home", "tmp", "work")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("state/openclaw.json"), """
                {
                  "gateway": {"mode": "local", "port": %d, "bind": "loopback", "auth": {"mode": "token", "token": "%s"}},
                  "update": {"checkOnStart": false},
                  "discovery": {"mdns": {"mode": "off"}},
                  "models": {"mode": "replace", "providers": {"fake": {"baseUrl": "http://127.0.0.1:%d/v1", "apiKey": "k",
                    "api": "openai-completions", "models": [{"id": "%s", "name": "fake", "reasoning": false,
                    "input": ["text"], "cost": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
                    "contextWindow": 128000, "maxTokens": 4096}]}}},
                  "agents": {"defaults": {"maxConcurrent": %d, "model": {"primary": "fake/%s"}, "workspace": "%s"}}
                }
                """.formatted(port, TOKEN, modelPort, FakeModel.MODEL_ID, maxConcurrent, FakeModel.MODEL_ID,
                dir.resolve("work")));
        RealGateway gateway = new RealGateway(install, dir, port);
        gateway.startProcess();
        return gateway;
    }

    public Path stateDir() {
        return dir.resolve("state");
    }

    public int port() {
        return port;
    }

    /** The environment OpenClaw's processes run in: everything inside the temp dir. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", install.node().getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("OPENCLAW_STATE_DIR", stateDir().toString());
        env.put("OPENCLAW_CONFIG_PATH", stateDir().resolve("openclaw.json").toString());
        env.put("HOME", dir.resolve("home").toString());
        env.put("TMPDIR", dir.resolve("tmp").toString());
        for (String flag : List.of("OPENCLAW_DISABLE_BONJOUR", "OPENCLAW_SKIP_CHANNELS", "OPENCLAW_SKIP_GMAIL_WATCHER",
                "OPENCLAW_NO_AUTO_UPDATE", "OPENCLAW_NO_ONBOARD", "OPENCLAW_NO_PROMPT")) {
            env.put(flag, "1");
        }
        return env;
    }

    /** A turn through the CLI, as a user would send it; the process ends when the turn does. */
    public Process agent(String session, String message) throws IOException {
        return run(List.of("agent", "--agent", "main", "--session-key", session, "--message", message, "--json"),
                dir.resolve(session + ".out"));
    }

    /** SIGKILL, the gateway and everything it started: lock files and running rows stay behind. */
    public void kill() throws InterruptedException {
        gateway.descendants().forEach(ProcessHandle::destroyForcibly);
        gateway.destroyForcibly();
        gateway.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts it again on the same port and state dir; returns once it answers /healthz. */
    public void restart() throws IOException, InterruptedException {
        startProcess();
    }

    private void startProcess() throws IOException, InterruptedException {
        gateway = run(List.of("gateway", "run", "--port", Integer.toString(port), "--bind", "loopback", "--auth",
                "token", "--token", TOKEN, "--verbose"), dir.resolve("gateway.log"));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DEADLINE_MS);
        while (!healthy()) {
            if (!gateway.isAlive()) {
                throw new IOException("the gateway exited with " + gateway.exitValue() + "; see " + dir.resolve("gateway.log"));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the gateway did not answer /healthz in " + START_DEADLINE_MS + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Whether /healthz answers 200 now. */
    public boolean healthy() {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/healthz")
                    .toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1_000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private Process run(List<String> args, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(install.node().toString());
        command.add(install.cli().toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env());
        return builder.start();
    }

    @Override
    public void close() throws InterruptedException {
        if (gateway != null && gateway.isAlive()) {
            gateway.descendants().forEach(ProcessHandle::destroy);
            gateway.destroy();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
