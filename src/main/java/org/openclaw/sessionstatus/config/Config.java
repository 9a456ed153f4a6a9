package org.openclaw.sessionstatus.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openclaw.sessionstatus.model.RunningEvidence;

/** The resolved, validated configuration (SPEC §6). Immutable; built only by {@link ConfigLoader}. */
public record Config(
        Optional<Path> configFile,
        Optional<Path> stateDir,
        List<Path> sessionDirs,
        MaxConcurrent maxConcurrent,
        long runningWindowMs,
        long detailsWindowMs,
        Set<RunningEvidence> runningEvidence,
        boolean lockPidCheck,
        boolean redactKeys,
        Http http,
        long activeLeaseMs,
        long cautiousLeaseMs,
        long idleGraceMs,
        long logIntervalMs,
        long activityTtlMs) {

    /** The HTTP surface. {@code secret} prints as {@code ****}. */
    public record Http(boolean allowNoAuth, String host, int port, Optional<Secret> secret, Optional<Path> secretFile) {
    }
}
