package org.openclaw.sessionstatus.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.RunningEvidence;

/**
 * The table of configuration keys (docs/design.md §10): each with its type and default. Its JSON path, environment
 * variable and command-line flag all derive from its name, so the three can never disagree, and {@code check} prints by
 * walking {@link #ALL}, to which each key adds itself. A new key is one line here, plus the code that uses it.
 */
public final class Setting<T> {
    /** Every key, in the order they are declared below, which is the order {@code check} prints them. */
    private static final List<Setting<?>> DECLARED = new ArrayList<>();
    public static final Setting<Path> STATE_DIR = new Setting<>("stateDir", ValueType.PATH, null);
    public static final Setting<List<Path>> SESSION_DIRS = new Setting<>("sessionDirs", ValueType.PATH_LIST, List.of());
    public static final Setting<MaxConcurrent> MAX_CONCURRENT =
            new Setting<>("maxConcurrent", ValueType.MAX_CONCURRENT, MaxConcurrent.auto());
    public static final Setting<Long> RUNNING_WINDOW_MS = new Setting<>("runningWindowMs", ValueType.POSITIVE_MS, 30_000L);
    public static final Setting<Long> DETAILS_WINDOW_MS = new Setting<>("detailsWindowMs", ValueType.POSITIVE_MS, 300_000L);
    public static final Setting<Set<RunningEvidence>> RUNNING_EVIDENCE =
            new Setting<>("runningEvidence", ValueType.EVIDENCE, Set.of(RunningEvidence.values()));
    public static final Setting<Boolean> LOCK_PID_CHECK = new Setting<>("lockPidCheck", ValueType.BOOLEAN, true);
    public static final Setting<Boolean> REDACT_KEYS = new Setting<>("redactKeys", ValueType.BOOLEAN, true);
    public static final Setting<Boolean> HTTP_ALLOW_NO_AUTH = new Setting<>("http.allowNoAuth", ValueType.BOOLEAN, false);
    public static final Setting<String> HTTP_HOST = new Setting<>("http.host", ValueType.HOST, "127.0.0.1");
    public static final Setting<Integer> HTTP_PORT = new Setting<>("http.port", ValueType.PORT, 18780);
    /** Never a flag: a secret on the command line is visible to every user in the process list. */
    public static final Setting<Secret> HTTP_SECRET = new Setting<>("http.secret", ValueType.SECRET, null);
    public static final Setting<Path> HTTP_SECRET_FILE = new Setting<>("http.secretFile", ValueType.PATH, null);
    /** The longest a long-poll ({@code ?wait=}) is held. */
    public static final Setting<Long> HTTP_MAX_WAIT_MS = new Setting<>("http.maxWaitMs", ValueType.POSITIVE_MS, 60_000L);
    /** Event streams and held long-polls open at once; beyond, 503 with {@code Retry-After}. */
    public static final Setting<Integer> HTTP_MAX_PUSH_CLIENTS =
            new Setting<>("http.maxPushClients", ValueType.PUSH_CLIENTS, 256);
    public static final Setting<Long> ACTIVE_LEASE_MS =
            new Setting<>("busyState.activeLeaseMs", ValueType.NON_NEGATIVE_MS, 300_000L);
    // The four lease timings sit at the top level (docs/design.md §10) but inside busyState in the plugin's config;
    // both spellings are accepted so a config written from either document works.
    public static final Setting<Long> CAUTIOUS_LEASE_MS =
            new Setting<>("cautiousLeaseMs", ValueType.NON_NEGATIVE_MS, 120_000L, "busyState.cautiousLeaseMs");
    public static final Setting<Long> IDLE_GRACE_MS =
            new Setting<>("idleGraceMs", ValueType.NON_NEGATIVE_MS, 60_000L, "busyState.idleGraceMs");
    public static final Setting<Long> LOG_INTERVAL_MS =
            new Setting<>("logIntervalMs", ValueType.POSITIVE_MS, 15_000L, "busyState.logIntervalMs");
    public static final Setting<Long> ACTIVITY_TTL_MS =
            new Setting<>("activityTtlMs", ValueType.POSITIVE_MS, 600_000L, "busyState.activityTtlMs");

    // The gateway's own word (SPEC §2c): on by default, found through the gateway's openclaw.json.
    public static final Setting<Boolean> GATEWAY_ENABLED = new Setting<>("gateway.enabled", ValueType.BOOLEAN, true);
    /** Default: {@code ws://127.0.0.1:<gateway.port>} from the gateway's config. */
    public static final Setting<java.net.URI> GATEWAY_URL = new Setting<>("gateway.url", ValueType.WS_URL, null);
    /** Default: {@code gateway.auth.token} from the gateway's config. */
    public static final Setting<Path> GATEWAY_TOKEN_FILE = new Setting<>("gateway.tokenFile", ValueType.PATH, null);

    // Lease actions: each off unless configured; with none, the daemon makes no outbound call.
    public static final Setting<Boolean> ACTION_ECS = new Setting<>("actions.ecsTaskProtection.enabled", ValueType.BOOLEAN,
            false);
    /** Default: {@code $ECS_AGENT_URI}, which the ECS agent gives every container of a task. */
    public static final Setting<URI> ACTION_ECS_AGENT_URI =
            new Setting<>("actions.ecsTaskProtection.agentUri", ValueType.HTTP_URL, null);
    public static final Setting<Boolean> ACTION_POD_COST = new Setting<>("actions.podDeletionCost.enabled",
            ValueType.BOOLEAN, false);
    public static final Setting<Integer> ACTION_POD_COST_BUSY = new Setting<>("actions.podDeletionCost.busyCost",
            ValueType.INT32, 1000);
    public static final Setting<Integer> ACTION_POD_COST_IDLE = new Setting<>("actions.podDeletionCost.idleCost",
            ValueType.INT32, -1000);
    /** Default: {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT}. */
    public static final Setting<URI> ACTION_POD_COST_API = new Setting<>("actions.podDeletionCost.apiServer",
            ValueType.HTTP_URL, null);
    /** Default: {@code $POD_NAME} (the downward API). */
    public static final Setting<String> ACTION_POD_COST_POD = new Setting<>("actions.podDeletionCost.podName",
            ValueType.TEXT, null);
    /** Default: {@code $POD_NAMESPACE}, else the service account's namespace file. */
    public static final Setting<String> ACTION_POD_COST_NAMESPACE = new Setting<>("actions.podDeletionCost.namespace",
            ValueType.TEXT, null);
    public static final Setting<Path> ACTION_POD_COST_ACCOUNT = new Setting<>("actions.podDeletionCost.serviceAccountDir",
            ValueType.PATH, Path.of("/var/run/secrets/kubernetes.io/serviceaccount"));
    public static final Setting<List<String>> ACTION_EXEC = new Setting<>("actions.exec.command", ValueType.ARGV,
            List.of());
    public static final Setting<Long> ACTION_TIMEOUT_MS = new Setting<>("actions.timeoutMs", ValueType.POSITIVE_MS,
            10_000L);

    /** Every key: each one declared above registers itself, so none can be left out. */
    static final List<Setting<?>> ALL = Collections.unmodifiableList(DECLARED);

    static final String ENV_PREFIX = "OPENCLAW_SESSION_STATUS_";

    final String key;
    final ValueType<T> type;
    final @Nullable T defaultValue;
    /** A second spelling of the key in the config file, or null. */
    final @Nullable String alias;

    private Setting(String key, ValueType<T> type, @Nullable T defaultValue) {
        this(key, type, defaultValue, null);
    }

    private Setting(String key, ValueType<T> type, @Nullable T defaultValue, @Nullable String alias) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.alias = alias;
        DECLARED.add(this);
    }

    /** The key as written in the config file: {@code http.port}. */
    public String key() {
        return key;
    }

    boolean hasFlag() {
        return type != ValueType.SECRET;
    }

    /** {@code http.allowNoAuth} → {@code OPENCLAW_SESSION_STATUS_HTTP_ALLOW_NO_AUTH}. */
    String envName() {
        return ENV_PREFIX + words('_').toUpperCase(Locale.ROOT);
    }

    /** {@code http.allowNoAuth} → {@code --http-allow-no-auth}. */
    String flag() {
        return "--" + words('-');
    }

    /** The value as {@code check} prints it. */
    @SuppressWarnings("unchecked")
    @Nullable Object shown(@Nullable Object value) {
        return value == null ? null : type.shown((T) value);
    }

    private String words(char separator) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.') {
                out.append(separator);
            } else if (Character.isUpperCase(c)) {
                out.append(separator).append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return key;
    }
}
