package org.openclaw.sessionstatus.model;

import java.util.Optional;

/** The kinds of evidence that may call a session running (docs/design.md §5; config {@code runningEvidence}). */
public enum RunningEvidence implements WireName {
    /** Last activity within {@code runningWindowMs}: the original plugin's rule. */
    MTIME,
    /** A write lock (or an embedded run's lock) held by a live process. */
    LOCK,
    /** The store says a run is in flight: a {@code running} status, an admitted input, a running task. */
    STORE,
    /** The transcript's last message waits for the model or for a tool. */
    TRANSCRIPT;

    public static Optional<RunningEvidence> fromWireName(String name) {
        for (RunningEvidence evidence : values()) {
            if (evidence.wireName().equals(name)) {
                return Optional.of(evidence);
            }
        }
        return Optional.empty();
    }
}
