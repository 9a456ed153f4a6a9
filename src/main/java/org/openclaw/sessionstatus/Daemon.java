package org.openclaw.sessionstatus;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.openclaw.sessionstatus.action.Actions;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigException;
import org.openclaw.sessionstatus.config.MaxConcurrent;
import org.openclaw.sessionstatus.config.Secret;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.config.Setting;
import org.openclaw.sessionstatus.config.StateDirs;
import org.openclaw.sessionstatus.http.StatusServer;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.model.ModelSettings;
import org.openclaw.sessionstatus.snapshot.ActionCounters;
import org.openclaw.sessionstatus.snapshot.MetricsPage;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.source.gateway.GatewaySource;
import org.openclaw.sessionstatus.systemd.Notifier;

/** Wires sources → model → snapshots → surfaces from a {@link Config}. The only place that knows all of them. */
public final class Daemon implements AutoCloseable {
    private final ModelLoop model;
    private final Sources sources;
    private final StatusServer server;
    private final LogStream logStream;
    private final Optional<Notifier> systemd;
    private final Actions actions;

    private Daemon(ModelLoop model, Sources sources, StatusServer server, LogStream logStream,
            Optional<Notifier> systemd, Actions actions) {
        this.model = model;
        this.sources = sources;
        this.server = server;
        this.logStream = logStream;
        this.systemd = systemd;
        this.actions = actions;
    }

    /**
     * Binds the HTTP port first (it answers 503 until the first scan is done), then starts the model, the sources and
     * the lease actions.
     *
     * @throws ConfigException when an enabled lease action lacks what it needs, before anything is bound
     * @throws IOException when the port cannot be bound
     */
    public static Daemon start(Config config, Optional<Secret> secret, Map<String, String> env, Clock clock,
            LogStream logStream) throws IOException, ConfigException {
        Watching watching = Watching.wire(config, env, clock);
        ModelLoop model = watching.model();
        Sources sources = watching.sources();
        ActionCounters actionCounters = new ActionCounters();
        Actions actions;
        try {
            actions = Actions.of(LeaseActionSettings.resolve(config, env), actionCounters);
        } catch (ConfigException e) {
            watching.close();
            throw e;
        } catch (IOException e) {
            watching.close();
            throw ConfigException.forKey(Setting.ACTION_POD_COST_ACCOUNT.key(), String.valueOf(e.getMessage()));
        }
        model.addListener(logStream);
        actions.listeners().forEach(model::addListener);
        // /healthz is answered by the server's own thread: if that one is stuck, the probe times out.
        BooleanSupplier healthy = () -> model.healthy() && sources.healthy();
        StatusServer server;
        try {
            server = new StatusServer(new InetSocketAddress(config.get(Setting.HTTP_HOST), config.get(Setting.HTTP_PORT)),
                    secret, model::current, healthy, new MetricsPage(Build.version(), actionCounters), new StatusServer.Options(
                            Duration.ofMillis(config.get(Setting.HTTP_MAX_WAIT_MS)),
                            config.get(Setting.HTTP_MAX_PUSH_CLIENTS)), clock);
        } catch (IOException e) {
            watching.close();
            throw e;
        }
        model.addListener(snapshot -> server.published());
        Optional<Notifier> systemd = Notifier.fromEnvironment(env, () -> healthy.getAsBoolean() && server.healthy());
        systemd.ifPresent(model::addListener);
        model.start();
        sources.start();
        actions.start();
        return new Daemon(model, sources, server, logStream, systemd, actions);
    }

    /**
     * The sources and the model, following changes, without any surface: for {@code wait} when no daemon is asked.
     * Closing it stops both.
     */
    public record Watching(ModelLoop model, Sources sources) implements AutoCloseable {

        /** Started: the first scan runs at once on the sources' threads. */
        public static Watching start(Config config, Map<String, String> env, Clock clock) {
            Watching watching = wire(config, env, clock);
            watching.model.start();
            watching.sources.start();
            return watching;
        }

        /** Created and connected, not started: listeners may still be added to the model. */
        static Watching wire(Config config, Map<String, String> env, Clock clock) {
            ModelLoop model = new ModelLoop(modelSettings(config), clock);
            Sources sources = Sources.open(sourceSettings(config, env), model, clock);
            model.onRescanNeeded(() -> sources.requestRescan("the model started over after a failure"));
            sources.forEach(source -> model.watch(source.name(), source::healthy));
            return new Watching(model, sources);
        }

        @Override
        public void close() {
            sources.close();
            model.close();
        }
    }

    /** One scan, no watching, no port: for the {@code status} and {@code snapshot} commands. */
    public static Snapshot scanOnce(Config config, Map<String, String> env, Clock clock) throws InterruptedException {
        try (Watching watching = Watching.wire(config, env, clock)) {
            watching.model().start();
            watching.sources().scanOnce();
            return watching.model().await(Snapshot::ready, Duration.ofSeconds(30));
        }
    }

    public ModelLoop model() {
        return model;
    }

    public int port() {
        return server.port();
    }

    public static Path stateDir(Config config, Map<String, String> env) {
        return StateDirs.resolve(config.find(Setting.STATE_DIR), env);
    }

    static ModelSettings modelSettings(Config config) {
        return new ModelSettings(config.get(Setting.RUNNING_EVIDENCE), config.get(Setting.RUNNING_WINDOW_MS),
                config.get(Setting.DETAILS_WINDOW_MS), config.get(Setting.ACTIVITY_TTL_MS),
                config.get(Setting.CAUTIOUS_LEASE_MS), config.get(Setting.ACTIVE_LEASE_MS),
                config.get(Setting.IDLE_GRACE_MS), config.get(Setting.LOG_INTERVAL_MS),
                config.get(Setting.MAX_CONCURRENT).fixed().orElse(MaxConcurrent.FALLBACK), config.get(Setting.REDACT_KEYS),
                config.get(Setting.MAX_CONCURRENT).isAuto());
    }

    static Sources.Settings sourceSettings(Config config, Map<String, String> env) {
        Path stateDir = stateDir(config, env);
        Path gatewayConfigFile = StateDirs.gatewayConfig(stateDir, env);
        Optional<Path> gatewayConfig = config.get(Setting.MAX_CONCURRENT).isAuto()
                ? Optional.of(gatewayConfigFile) : Optional.empty();
        Optional<GatewaySource.Settings> gateway = config.get(Setting.GATEWAY_ENABLED)
                ? Optional.of(new GatewaySource.Settings(config.find(Setting.GATEWAY_URL),
                        config.find(Setting.GATEWAY_TOKEN_FILE), gatewayConfigFile,
                        Secrets.ownStateDir(env).resolve("gateway-device.key"), Build.version()))
                : Optional.empty();
        return new Sources.Settings(stateDir, config.get(Setting.SESSION_DIRS), config.get(Setting.LOCK_PID_CHECK),
                gatewayConfig, gateway);
    }

    /** Tells systemd it is stopping, stops serving and watching, then writes the log stream's {@code shutdown} line. */
    @Override
    public void close() {
        systemd.ifPresent(Notifier::close);
        server.close();
        actions.close();
        sources.close();
        model.close();
        logStream.shutdown(model.current());
        logStream.close();
    }
}
