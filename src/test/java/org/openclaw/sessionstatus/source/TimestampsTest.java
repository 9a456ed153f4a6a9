package org.openclaw.sessionstatus.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ISO instants of transcripts and lock files: read to the millisecond, and a bad one costs only itself. */
class TimestampsTest {

    @Test
    void readsAnInstantAsOpenClawWritesIt() {
        assertEquals(1795320270000L, Timestamps.epochMillis("2026-11-22T04:04:30.000Z", -1));
    }

    @Test
    void noneIsTheFallback() {
        assertEquals(-1, Timestamps.epochMillis(null, -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-11-22", "2026-13-40T99:00:00Z", "+1000000000-12-31T23:59:59Z"})
    void whatIsNotAnInstantInMillisecondsIsTheFallback(String text) {
        assertEquals(-1, Timestamps.epochMillis(text, -1));
    }
}
