package org.openclaw.sessionstatus.model;

/**
 * Everything a source knows about one session, as plain values: the only thing the model learns from the world.
 * The file source builds it from a store entry, a transcript and a lock file; a database source fills the same
 * fields from its rows.
 *
 * @param key the session key as OpenClaw wrote it (redacted only when rendered)
 * @param agentId the agent the session belongs to
 * @param chatType the store's {@code chatType}, or null
 * @param transcript null when the session has no transcript yet
 * @param lock null when no write lock is held
 * @param store null when the session has no store entry
 */
public record SessionEvidence(String key, String agentId, String chatType, Transcript transcript, Lock lock, Store store) {

    /**
     * @param lastMessageAtMs the {@code timestamp} of the last message line, 0 if unknown
     */
    public record Transcript(long mtimeMs, long size, Phase phase, long lastMessageAtMs) {
    }

    /**
     * @param deadSinceMs when the holder was first seen dead (only for {@link Liveness#DEAD})
     */
    public record Lock(long createdAtMs, long maxHoldMs, Liveness liveness, long deadSinceMs) {
    }

    /** Whether a lock's holder runs: checked against the process table, or not checkable. */
    public enum Liveness { ALIVE, DEAD, UNCHECKED }

    /**
     * @param status {@code running}, {@code done}, {@code failed}, {@code killed}, {@code timeout}, or null
     * @param endedAtMs when the last run ended, 0 if unknown
     */
    public record Store(long updatedAtMs, String status, long endedAtMs) {
        boolean claimsRunning() {
            return "running".equals(status);
        }

        boolean ended() {
            return status != null && !claimsRunning();
        }

        boolean failed() {
            return "failed".equals(status) || "killed".equals(status) || "timeout".equals(status);
        }
    }
}
