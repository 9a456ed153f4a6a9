package org.openclaw.sessionstatus.action;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigException;
import org.openclaw.sessionstatus.config.Setting;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.snapshot.ActionStatus;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * The lease actions the configuration turns on, each on its own {@link ActionRunner}. With none configured there is
 * nothing here: no thread, no client, no outbound call. Settings an action needs and cannot find (an ECS agent URI, a
 * pod name) are configuration errors, told before anything starts.
 */
public final class Actions implements AutoCloseable {
    private final List<ActionRunner> runners;

    private Actions(List<ActionRunner> runners) {
        this.runners = List.copyOf(runners);
    }

    /**
     * @param env the process environment: {@code $ECS_AGENT_URI}, {@code $KUBERNETES_SERVICE_HOST}, {@code $POD_NAME}…
     * @param report where each action's figures go
     * @throws ConfigException naming the key, when an enabled action lacks what it needs
     */
    public static Actions fromConfig(Config config, Map<String, String> env, Consumer<ActionStatus> report)
            throws ConfigException {
        Duration timeout = Duration.ofMillis(config.get(Setting.ACTION_TIMEOUT_MS));
        List<Action> actions = new ArrayList<>();
        if (config.get(Setting.ACTION_ECS)) {
            URI agent = config.find(Setting.ACTION_ECS_AGENT_URI).or(() -> uri(env.get("ECS_AGENT_URI")))
                    .orElseThrow(() -> missing(Setting.ACTION_ECS_AGENT_URI, "and $ECS_AGENT_URI is not set: is this an ECS task?"));
            actions.add(new EcsTaskProtection(agent, timeout));
        }
        if (config.get(Setting.ACTION_POD_COST)) {
            actions.add(podDeletionCost(config, env, timeout));
        }
        List<String> command = config.get(Setting.ACTION_EXEC);
        if (!command.isEmpty()) {
            actions.add(new ExecHook(command, timeout));
        }
        List<ActionRunner> runners = new ArrayList<>();
        actions.forEach(action -> runners.add(new ActionRunner(action, report)));
        return new Actions(runners);
    }

    private static Action podDeletionCost(Config config, Map<String, String> env, Duration timeout)
            throws ConfigException {
        Path account = config.get(Setting.ACTION_POD_COST_ACCOUNT);
        String host = env.get("KUBERNETES_SERVICE_HOST");
        URI api = config.find(Setting.ACTION_POD_COST_API).or(() -> host == null ? Optional.empty()
                : uri("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                        + env.getOrDefault("KUBERNETES_SERVICE_PORT", "443")))
                .orElseThrow(() -> missing(Setting.ACTION_POD_COST_API, "and $KUBERNETES_SERVICE_HOST is not set"));
        if (!api.getScheme().equals("https")) {
            // The service account's token is a credential: never over plain HTTP.
            throw ConfigException.forKey(Setting.ACTION_POD_COST_API.key(), "must be an https:// URL");
        }
        String pod = config.find(Setting.ACTION_POD_COST_POD).or(() -> Optional.ofNullable(env.get("POD_NAME")))
                .or(() -> Optional.ofNullable(env.get("HOSTNAME")))
                .orElseThrow(() -> missing(Setting.ACTION_POD_COST_POD, "and neither $POD_NAME nor $HOSTNAME is set"));
        String namespace = config.find(Setting.ACTION_POD_COST_NAMESPACE)
                .or(() -> Optional.ofNullable(env.get("POD_NAMESPACE")))
                .or(() -> read(account.resolve("namespace")))
                .orElseThrow(() -> missing(Setting.ACTION_POD_COST_NAMESPACE,
                        "and neither $POD_NAMESPACE nor " + account.resolve("namespace") + " gives one"));
        try {
            return new PodDeletionCost(api, namespace, pod, account, config.get(Setting.ACTION_POD_COST_BUSY),
                    config.get(Setting.ACTION_POD_COST_IDLE), timeout);
        } catch (IOException e) {
            throw ConfigException.forKey(Setting.ACTION_POD_COST_ACCOUNT.key(), String.valueOf(e.getMessage()));
        }
    }

    /** Each runner, to be handed every revision (on the model's writer thread: they only take the newest intent). */
    public List<Consumer<Snapshot>> listeners() {
        return List.copyOf(runners);
    }

    public void start() {
        runners.forEach(ActionRunner::start);
    }

    @Override
    public void close() {
        runners.forEach(ActionRunner::close);
    }

    /** An http(s) URL from the environment; anything else is as good as none. */
    private static Optional<URI> uri(@Nullable String value) {
        try {
            URI uri = value == null || value.isBlank() ? null : URI.create(value.strip());
            return uri != null && uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    ? Optional.of(uri) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(new String(RegularFiles.readConfigured(file, 4096), StandardCharsets.UTF_8).strip())
                    .filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static ConfigException missing(Setting<?> setting, String why) {
        return ConfigException.forKey(setting.key(), "not set, " + why);
    }
}
