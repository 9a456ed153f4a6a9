package org.openclaw.sessionstatus.model;

import java.util.Collection;

/**
 * How much of the world one source can see right now. The model combines the health of every source.
 *
 * @param source what the source reads, plural: {@code dirs} (session dirs), {@code databases}; it names its metric
 * @param scanned the first full scan has been delivered
 * @param readable units (dirs, databases) read successfully
 * @param unreadable units that exist but cannot be read or interpreted: they make the answer partial, never idle
 * @param rescanning a full rescan is under way, or the source stopped making progress: evidence may be missing
 * @param skippedFiles files, entries and fields skipped because they could not be read or parsed, since start
 * @param rescans full rescans since start (the first scan included)
 * @param watcherErrors exceptions from the file watcher (an inotify overflow arrives as one), since start
 * @param futureTimestamps timestamps found in the future and clamped to when they were read, since start
 */
public record SourceHealth(String source, boolean scanned, int readable, int unreadable, boolean rescanning,
        long skippedFiles, long rescans, long watcherErrors, long futureTimestamps) {

    /** A source that has announced itself and delivered nothing yet. */
    public static SourceHealth starting(String source) {
        return new SourceHealth(source, false, 0, 0, false, 0, 0, 0, 0);
    }

    /** All sources as one: scanned when every one is (and there is one), counts summed. */
    static SourceHealth combine(Collection<SourceHealth> all) {
        boolean scanned = !all.isEmpty();
        int readable = 0;
        int unreadable = 0;
        boolean rescanning = false;
        long skipped = 0;
        long rescans = 0;
        long watcherErrors = 0;
        long future = 0;
        for (SourceHealth health : all) {
            scanned &= health.scanned;
            readable += health.readable;
            unreadable += health.unreadable;
            rescanning |= health.rescanning;
            skipped += health.skippedFiles;
            rescans += health.rescans;
            watcherErrors += health.watcherErrors;
            future += health.futureTimestamps;
        }
        return new SourceHealth("all", scanned, readable, unreadable, rescanning, skipped, rescans, watcherErrors, future);
    }

    /** Nothing can be read, though something is there: the daemon cannot see any session. */
    public boolean unavailable() {
        return readable == 0 && unreadable > 0;
    }

    /** Part of the world cannot be seen, or a rescan is filling it in. */
    public boolean partial() {
        return unreadable > 0 || rescanning;
    }

    /** The same, with a rescan under way: what the model assumes after it had to start over. */
    SourceHealth asRescanning() {
        return new SourceHealth(source, scanned, readable, unreadable, true, skippedFiles, rescans, watcherErrors,
                futureTimestamps);
    }
}
