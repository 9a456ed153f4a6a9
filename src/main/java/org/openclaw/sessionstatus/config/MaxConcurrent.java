package org.openclaw.sessionstatus.config;

import java.util.OptionalInt;

/**
 * A fixed slot count, or {@code auto} (the default): the gateway's {@code main} lane while connected, else
 * {@code agents.defaults.maxConcurrent} from its config, else OpenClaw's default for the release on disk.
 */
public record MaxConcurrent(OptionalInt fixed) {

    /** What {@code auto} assumes until a source says: OpenClaw 2026.7.1's default, the smallest one. */
    public static final int FALLBACK = 4;

    static MaxConcurrent fixed(int value) {
        return new MaxConcurrent(OptionalInt.of(value));
    }

    static MaxConcurrent auto() {
        return new MaxConcurrent(OptionalInt.empty());
    }

    public boolean isAuto() {
        return fixed.isEmpty();
    }

    @Override
    public String toString() {
        return isAuto() ? "auto" : Integer.toString(fixed.getAsInt());
    }
}
