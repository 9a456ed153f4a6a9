package org.openclaw.sessionstatus;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.action.ActionSettings;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigException;
import org.openclaw.sessionstatus.config.HttpUrls;
import org.openclaw.sessionstatus.config.Setting;
import org.openclaw.sessionstatus.io.RegularFiles;

/**
 * The lease actions' settings from the configuration, with the defaults the platforms give a container: the ECS
 * agent's URI, the Kubernetes API server, the pod's name and namespace. Settings an enabled action needs and cannot
 * find are configuration errors, told before anything starts.
 */
final class LeaseActionSettings {
    private LeaseActionSettings() {
    }

    /**
     * @param env the process environment: {@code $ECS_AGENT_URI}, {@code $KUBERNETES_SERVICE_HOST}, {@code $POD_NAME}…
     * @throws ConfigException naming the key, when an enabled action lacks what it needs
     */
    static ActionSettings resolve(Config config, Map<String, String> env) throws ConfigException {
        Optional<URI> ecs = Optional.empty();
        if (config.get(Setting.ACTION_ECS)) {
            ecs = Optional.of(config.find(Setting.ACTION_ECS_AGENT_URI).or(() -> uri(env.get("ECS_AGENT_URI")))
                    .orElseThrow(() -> missing(Setting.ACTION_ECS_AGENT_URI, "and $ECS_AGENT_URI is not set: is this an ECS task?")));
        }
        Optional<ActionSettings.PodCost> pod = config.get(Setting.ACTION_POD_COST)
                ? Optional.of(podCost(config, env)) : Optional.empty();
        return new ActionSettings(Duration.ofMillis(config.get(Setting.ACTION_TIMEOUT_MS)), ecs, pod,
                config.get(Setting.ACTION_EXEC));
    }

    private static ActionSettings.PodCost podCost(Config config, Map<String, String> env) throws ConfigException {
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
        return new ActionSettings.PodCost(api, namespace, pod, account, config.get(Setting.ACTION_POD_COST_BUSY),
                config.get(Setting.ACTION_POD_COST_IDLE));
    }

    /** An http(s) URL from the environment; anything else is as good as none. */
    private static Optional<URI> uri(@Nullable String value) {
        return value == null ? Optional.empty() : HttpUrls.parse(value.strip(), HttpUrls.HTTP_OR_HTTPS);
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
