package org.openclaw.sessionstatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.MaxConcurrent;
import org.openclaw.sessionstatus.config.Secret;
import org.openclaw.sessionstatus.config.StateDirs;
import org.openclaw.sessionstatus.http.StatusServer;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.model.ModelLoop;
import org.openclaw.sessionstatus.model.Policy;
import org.openclaw.sessionstatus.model.Snapshot;
import org.openclaw.sessionstatus.source.FileSource;
import org.openclaw.sessionstatus.systemd.Notifier;

/** Wires source → model → surfaces from a {@link Config}. The only place that knows all of them. */
public final class Daemon implements AutoCloseable {
    private final ModelLoop model;
    private final FileSource source;
    private final StatusServer server;
    private final LogStream logStream;
    private final Optional<Notifier> systemd;

    private Daemon(ModelLoop model, FileSource source, StatusServer server, LogStream logStream,
            Optional<Notifier> systemd) {
        this.model = model;
        this.source = source;
        this.server = server;
        this.logStream = logStream;
        this.systemd = systemd;
    }

    /**
     * Binds the HTTP port first (it answers 503 until the first scan is done), then starts the model and the source.
     *
     * @throws IOException when the port cannot be bound
     */
    public static Daemon start(Config config, Optional<Secret> secret, Map<String, String> env, Clock clock,
            LogStream logStream) throws IOException {
        ModelLoop model = new ModelLoop(policy(config), clock);
        model.addListener(logStream);
        FileSource source = new FileSource(sourceSettings(config, env), model, clock);
        BooleanSupplier healthy = () -> model.healthy() && source.healthy();
        Optional<Notifier> systemd = Notifier.fromEnvironment(env, healthy);
        systemd.ifPresent(model::addListener);
        StatusServer server;
        try {
            server = new StatusServer(new InetSocketAddress(config.http().host(), config.http().port()), secret,
                    model::current, healthy, Build.version());
        } catch (IOException e) {
            systemd.ifPresent(Notifier::close);
            throw e;
        }
        model.start();
        source.start();
        return new Daemon(model, source, server, logStream, systemd);
    }

    /** One scan, no watching, no port: for the {@code status} and {@code snapshot} commands. */
    public static Snapshot scanOnce(Config config, Map<String, String> env, Clock clock) throws InterruptedException {
        try (ModelLoop model = new ModelLoop(policy(config), clock)) {
            model.start();
            new FileSource(sourceSettings(config, env), model, clock).scanOnce();
            return model.await(Snapshot::ready, Duration.ofSeconds(30));
        }
    }

    public ModelLoop model() {
        return model;
    }

    public int port() {
        return server.port();
    }

    public static Path stateDir(Config config, Map<String, String> env) {
        return StateDirs.resolve(config.stateDir(), env);
    }

    static Policy policy(Config config) {
        return new Policy(config.runningEvidence(), config.runningWindowMs(), config.detailsWindowMs(),
                config.activityTtlMs(), config.cautiousLeaseMs(), config.activeLeaseMs(), config.idleGraceMs(),
                config.logIntervalMs(), config.maxConcurrent().fixed().orElse(MaxConcurrent.FALLBACK),
                config.redactKeys());
    }

    static FileSource.Settings sourceSettings(Config config, Map<String, String> env) {
        Path stateDir = stateDir(config, env);
        Optional<Path> gatewayConfig = Optional.empty();
        if (config.maxConcurrent().isAuto()) {
            String configured = env.get("OPENCLAW_CONFIG_PATH");
            gatewayConfig = Optional.of(configured != null && !configured.isBlank() ? Path.of(configured)
                    : stateDir.resolve("openclaw.json"));
        }
        return new FileSource.Settings(stateDir, config.sessionDirs(), config.lockPidCheck(), gatewayConfig);
    }

    /** Tells systemd it is stopping, stops serving and watching, then writes the log stream's {@code shutdown} line. */
    @Override
    public void close() {
        systemd.ifPresent(Notifier::close);
        server.close();
        source.close();
        model.close();
        logStream.shutdown(model.current());
    }
}
