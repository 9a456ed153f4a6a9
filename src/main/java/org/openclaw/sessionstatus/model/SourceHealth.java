package org.openclaw.sessionstatus.model;

/**
 * How much of the world a source can see right now.
 *
 * @param scanned the first full scan has been delivered
 * @param readableDirs session dirs read successfully
 * @param unreadableDirs session dirs (or state dirs) that exist but cannot be read, or are of a kind not read
 * @param rescanning a full rescan is under way, so some evidence may be missing
 * @param skippedFiles files skipped because they could not be parsed, since start
 * @param rescans full rescans since start (the first scan included)
 * @param watcherErrors exceptions from the file watcher (an inotify overflow arrives as one), since start
 */
public record SourceHealth(boolean scanned, int readableDirs, int unreadableDirs, boolean rescanning,
        long skippedFiles, long rescans, long watcherErrors) {

    public static final SourceHealth STARTING = new SourceHealth(false, 0, 0, false, 0, 0, 0);
}
