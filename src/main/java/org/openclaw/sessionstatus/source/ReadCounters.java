package org.openclaw.sessionstatus.source;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a source counts as it reads the outside world: files and entries it skipped (unparseable, wrong-typed, not a
 * regular file), and timestamps from the future it clamped. Counters only grow; any thread may add.
 */
public final class ReadCounters {
    /** A timestamp this far ahead of now is a wrong clock or a hostile file, not a slow one. */
    public static final long FUTURE_TOLERANCE_MS = 10_000;

    private final LongAdder skipped = new LongAdder();
    private final LongAdder futureTimestamps = new LongAdder();
    /** Each future timestamp seen, with the moment it was first read; the oldest forgotten past a bound. */
    private final Map<Long, Long> firstReadAt = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > REMEMBERED_FUTURE_TIMESTAMPS;
        }
    };
    private static final int REMEMBERED_FUTURE_TIMESTAMPS = 4096;

    public void skipped() {
        skipped.increment();
    }

    public void skipped(int count) {
        skipped.add(count);
    }

    public long skippedCount() {
        return skipped.sum();
    }

    public long futureTimestampCount() {
        return futureTimestamps.sum();
    }

    /**
     * A timestamp read at {@code now}: beyond {@value #FUTURE_TOLERANCE_MS} ms in the future it becomes the moment it
     * was first read (and is counted once), so a clock in 2100 ages out like any other activity instead of running
     * until 2100 — also when the same value is read again by a later rescan.
     */
    public long notInFuture(long at, long now) {
        if (at <= now + FUTURE_TOLERANCE_MS) {
            return at;
        }
        synchronized (firstReadAt) {
            Long first = firstReadAt.get(at);
            if (first == null) {
                futureTimestamps.increment();
                firstReadAt.put(at, now);
                return now;
            }
            return first;
        }
    }
}
