package org.openclaw.sessionstatus.model;

import java.util.Locale;
import java.util.Optional;

/** The kinds of evidence that may call a session running (SPEC §2, config {@code runningEvidence}). */
public enum RunningEvidence {
    /** Last activity within {@code runningWindowMs}: the seed 000 rule. */
    MTIME,
    /** A write lock held by a live process. */
    LOCK,
    /** The store entry's {@code status} is {@code running}. */
    STORE,
    /** The transcript's last message waits for the model or for a tool. */
    TRANSCRIPT;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RunningEvidence> fromConfigName(String name) {
        for (RunningEvidence evidence : values()) {
            if (evidence.configName().equals(name)) {
                return Optional.of(evidence);
            }
        }
        return Optional.empty();
    }
}
