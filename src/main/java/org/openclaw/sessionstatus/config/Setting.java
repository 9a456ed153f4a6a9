package org.openclaw.sessionstatus.config;

import java.util.List;
import java.util.Set;
import org.openclaw.sessionstatus.model.RunningEvidence;
import java.util.Locale;

/**
 * Every configuration key (SPEC §6) with its type and default. The JSON path, the environment variable and the
 * command-line flag of a key all derive from its name, so the three sources can never disagree.
 */
enum Setting {
    STATE_DIR("stateDir", ValueType.PATH, null),
    SESSION_DIRS("sessionDirs", ValueType.PATH_LIST, List.of()),
    MAX_CONCURRENT("maxConcurrent", ValueType.MAX_CONCURRENT, MaxConcurrent.fixed(8)),
    RUNNING_WINDOW_MS("runningWindowMs", ValueType.POSITIVE_MS, 30_000L),
    DETAILS_WINDOW_MS("detailsWindowMs", ValueType.POSITIVE_MS, 300_000L),
    RUNNING_EVIDENCE("runningEvidence", ValueType.EVIDENCE_LIST, Set.of(RunningEvidence.values())),
    LOCK_PID_CHECK("lockPidCheck", ValueType.BOOLEAN, true),
    REDACT_KEYS("redactKeys", ValueType.BOOLEAN, true),
    HTTP_ALLOW_NO_AUTH("http.allowNoAuth", ValueType.BOOLEAN, false),
    HTTP_HOST("http.host", ValueType.HOST, "127.0.0.1"),
    HTTP_PORT("http.port", ValueType.PORT, 18780),
    /** Never a flag: a secret on the command line is visible to every user in the process list. */
    HTTP_SECRET("http.secret", ValueType.SECRET, null),
    HTTP_SECRET_FILE("http.secretFile", ValueType.PATH, null),
    ACTIVE_LEASE_MS("busyState.activeLeaseMs", ValueType.NON_NEGATIVE_MS, 300_000L),
    CAUTIOUS_LEASE_MS("cautiousLeaseMs", ValueType.NON_NEGATIVE_MS, 120_000L),
    IDLE_GRACE_MS("idleGraceMs", ValueType.NON_NEGATIVE_MS, 60_000L),
    LOG_INTERVAL_MS("logIntervalMs", ValueType.POSITIVE_MS, 15_000L),
    ACTIVITY_TTL_MS("activityTtlMs", ValueType.POSITIVE_MS, 600_000L);

    static final String ENV_PREFIX = "OPENCLAW_SESSION_STATUS_";

    final String key;
    final ValueType type;
    final Object defaultValue;

    Setting(String key, ValueType type, Object defaultValue) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
    }

    /**
     * The four lease timings sit at the top level in SPEC §6 but inside {@code busyState} in the seed's plugin
     * config; both spellings are accepted so a config written from either document works.
     */
    String alias() {
        return switch (this) {
            case CAUTIOUS_LEASE_MS, IDLE_GRACE_MS, LOG_INTERVAL_MS, ACTIVITY_TTL_MS -> "busyState." + key;
            default -> null;
        };
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

    private String words(char separator) {
        StringBuilder out = new StringBuilder();
        for (char c : key.toCharArray()) {
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
}
