package org.openclaw.sessionstatus.source;

import java.time.DateTimeException;
import java.time.Instant;

/** The one reading of the ISO-8601 instants OpenClaw writes ({@code Date.toISOString()}: transcripts, lock files). */
public final class Timestamps {
    private Timestamps() {
    }

    /**
     * @param iso an instant such as {@code 2026-11-22T04:04:30.000Z}, or null
     * @return its unix milliseconds; the fallback when there is none or it is not one (a bad field costs only itself)
     */
    public static long epochMillis(String iso, long fallback) {
        if (iso == null) {
            return fallback;
        }
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            return fallback; // not an instant, or one too far out for milliseconds
        }
    }
}
