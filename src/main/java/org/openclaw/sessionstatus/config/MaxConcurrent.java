package org.openclaw.sessionstatus.config;

import java.util.OptionalInt;

/** A fixed slot count, or {@code auto}: read {@code agents.defaults.maxConcurrent} from the gateway's config. */
public record MaxConcurrent(OptionalInt fixed) {

    public static final int FALLBACK = 8;

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
