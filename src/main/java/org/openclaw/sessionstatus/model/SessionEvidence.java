package org.openclaw.sessionstatus.model;

import org.jspecify.annotations.Nullable;

/**
 * Everything a source knows about one session, as plain values: the only thing the model learns from the world.
 * The file source builds it from a store entry, a transcript and a lock file; the SQLite source from the rows of
 * the agent and state databases and the gateway's lock files.
 *
 * @param key the session key as OpenClaw wrote it (redacted only when rendered)
 * @param agentId the agent the session belongs to
 * @param chatType the store's {@code chatType}, or null
 * @param transcript null when the session has no transcript yet
 * @param lock null when no write lock is held
 * @param store null when the session has no store entry
 * @param owner the process that made the store's claims, where the source can tell; null when it cannot
 * @param background a run the gateway does by itself (cron, heartbeat, an embedded run): it makes the gateway busy
 *     but is not a session of the status route
 * @param lostSinceMs 0 while its source sees it; else when the source lost sight of it while it was in flight (its
 *     database or dir vanished): what it said last is stale work from then, held for {@code cautiousLeaseMs}
 */
public record SessionEvidence(String key, String agentId, @Nullable String chatType, @Nullable Transcript transcript,
        @Nullable Lock lock, @Nullable Store store, @Nullable Owner owner, boolean background, long lostSinceMs) {

    public SessionEvidence(String key, String agentId, @Nullable String chatType, @Nullable Transcript transcript,
            @Nullable Lock lock, @Nullable Store store, @Nullable Owner owner, boolean background) {
        this(key, agentId, chatType, transcript, lock, store, owner, background, 0);
    }

    /** A session of the file era: no owner but its lock, never a background run. */
    public static SessionEvidence session(String key, String agentId, @Nullable String chatType,
            @Nullable Transcript transcript, @Nullable Lock lock, @Nullable Store store) {
        return new SessionEvidence(key, agentId, chatType, transcript, lock, store, null, false);
    }

    /** The same evidence, out of its source's sight since {@code atMs} (or since it was first lost). */
    SessionEvidence lostSince(long atMs) {
        return lostSinceMs > 0 ? this
                : new SessionEvidence(key, agentId, chatType, transcript, lock, store, owner, background, atMs);
    }

    /**
     * @param mtimeMs when the transcript last changed (file mtime, or the database's {@code transcript_updated_at})
     * @param lastMessageAtMs the {@code timestamp} of the last message line, 0 if unknown
     */
    public record Transcript(long mtimeMs, long size, Phase phase, long lastMessageAtMs) {
    }

    /**
     * @param maxHoldMs how long the holder may keep it (OpenClaw's watchdog releases it after that)
     * @param deadSinceMs when the holder was first seen dead (only for {@link Liveness#DEAD})
     */
    public record Lock(long createdAtMs, long maxHoldMs, Liveness liveness, long deadSinceMs) {
    }

    /** Whether a process runs: checked against the process table, or not checkable. */
    public enum Liveness { ALIVE, DEAD, UNCHECKED }

    /**
     * The process behind the store's claims: the gateway, or a task's execution owner. While it lives, a claim stays
     * trusted however long the run is silent; once it is dead, the claims are stale.
     *
     * @param deadSinceMs when it was first seen dead (only for {@link Liveness#DEAD})
     */
    public record Owner(Liveness liveness, long deadSinceMs) {
    }

    /**
     * @param updatedAtMs last activity the store records
     * @param status {@code running}, {@code done}, {@code failed}, {@code killed}, {@code timeout}, or null
     * @param endedAtMs when the last run ended, 0 if unknown
     * @param pendingInputs turns the gateway accepted that have not started yet (SQLite era)
     * @param taskRunning the gateway's task ledger says a turn of this session runs (SQLite era)
     */
    public record Store(long updatedAtMs, @Nullable String status, long endedAtMs, int pendingInputs,
            boolean taskRunning) {

        /** A file-era store entry: its status is the only claim. */
        public Store(long updatedAtMs, @Nullable String status, long endedAtMs) {
            this(updatedAtMs, status, endedAtMs, 0, false);
        }

        boolean statusRunning() {
            return "running".equals(status);
        }

        boolean claimsRunning() {
            return statusRunning() || pendingInputs > 0 || taskRunning;
        }

        /** Inputs waiting behind the turn in flight; before the status says running, the first input is that turn. */
        int queuedBehind() {
            return statusRunning() ? pendingInputs : Math.max(0, pendingInputs - 1);
        }

        boolean ended() {
            return status != null && !statusRunning();
        }

        boolean failed() {
            return "failed".equals(status) || "killed".equals(status) || "timeout".equals(status);
        }
    }
}
