package org.openclaw.sessionstatus.model;

import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.model.SessionEvidence.Lock;
import org.openclaw.sessionstatus.model.SessionEvidence.Owner;
import org.openclaw.sessionstatus.model.SessionEvidence.Store;
import org.openclaw.sessionstatus.model.SessionEvidence.Transcript;

/**
 * docs/design.md §5 in one place: from one session's evidence and the time, is it running, idle or stale — and when
 * does that answer next change by the clock alone. A pure function, so tests move time by passing another {@code now}.
 */
final class Classifier {

    enum State { RUNNING, IDLE, STALE }

    /**
     * @param updatedAtMs last activity for display: newest of transcript mtime, store updatedAt, live lock createdAt
     * @param toolCall running, and the transcript waits for a tool
     * @param recentOnly running only because of recent activity (the mtime rule), no in-flight evidence
     * @param queued inputs waiting behind the turn in flight
     * @param completedRecently stopped running within {@code idleGraceMs}
     * @param failedRecently the last run failed within {@code activityTtlMs}
     * @param nextChangeAtMs the next instant at which the verdict changes with no new evidence; MAX_VALUE if never
     */
    record Verdict(State state, long updatedAtMs, boolean toolCall, boolean recentOnly, int queued,
            boolean completedRecently, boolean failedRecently, long nextChangeAtMs) {
    }

    private final ModelSettings settings;

    Classifier(ModelSettings settings) {
        this.settings = settings;
    }

    Verdict classify(SessionEvidence evidence, long now) {
        Transcript transcript = evidence.transcript();
        Lock lock = settings.uses(RunningEvidence.LOCK) ? evidence.lock() : null;
        Store store = evidence.store();
        Owner owner = evidence.owner();
        Boundaries next = new Boundaries(now);

        long lockMaxAge = lock == null ? 0 : Math.max(lock.maxHoldMs(), settings.activityTtlMs());
        boolean lockDead = lock != null && lock.liveness() == Liveness.DEAD;
        boolean lockLive = lock != null && !lockDead && now - lock.createdAtMs() < lockMaxAge;
        if (lock != null && !lockDead) {
            next.add(saturatedAdd(lock.createdAtMs(), lockMaxAge));
        }
        boolean ownerAlive = owner != null && owner.liveness() == Liveness.ALIVE;
        boolean ownerDead = owner != null && owner.liveness() == Liveness.DEAD;

        long mtime = transcript == null ? 0 : transcript.mtimeMs();
        long storeUpdated = store == null || !settings.uses(RunningEvidence.STORE) ? 0 : store.updatedAtMs();
        long activity = Math.max(mtime, Math.max(storeUpdated, lockLive && lock != null ? lock.createdAtMs() : 0));
        // A live lock is activity now: store and transcript claims stay trusted while it is held. A live owner keeps
        // its own claims (the store's) trusted however long the run is silent.
        long claimsTrustedUntil = lockLive ? Long.MAX_VALUE : saturatedAdd(activity, settings.activityTtlMs());
        long storeTrustedUntil = ownerAlive ? Long.MAX_VALUE : claimsTrustedUntil;
        next.add(claimsTrustedUntil);
        next.add(storeTrustedUntil);

        boolean storeClaims = settings.uses(RunningEvidence.STORE) && store != null && store.claimsRunning();
        boolean transcriptClaims = settings.uses(RunningEvidence.TRANSCRIPT) && transcript != null
                && transcript.phase().inFlight() && !endedAfterLastMessage(store, transcript);
        boolean storeInFlight = storeClaims && now < storeTrustedUntil;
        boolean transcriptInFlight = transcriptClaims && now < claimsTrustedUntil;
        boolean inFlight = lockLive || storeInFlight || transcriptInFlight;

        long recentUntil = activity == 0 || !settings.uses(RunningEvidence.MTIME) ? 0
                : saturatedAdd(activity, settings.runningWindowMs());
        boolean recent = now < recentUntil;
        next.add(recentUntil);

        // A dead lock holder or owner outweighs every other claim, recent activity too: the process is gone. So does
        // a source that lost sight of the session: what it said last is no longer known to hold.
        boolean lost = evidence.lostSinceMs() > 0;
        boolean running = !lost && !lockDead && !ownerDead && (inFlight || recent);

        State state = running ? State.RUNNING : State.IDLE;
        if (!running) {
            long staleSince = Long.MAX_VALUE;
            if (lock != null) {
                long lockEnd = saturatedAdd(lock.createdAtMs(), lockMaxAge);
                staleSince = lockDead ? Math.min(lock.deadSinceMs(), lockEnd) : lockEnd;
            }
            long ownerDeadSince = ownerDead && owner != null ? owner.deadSinceMs() : Long.MAX_VALUE;
            if (storeClaims) {
                staleSince = Math.min(staleSince, Math.min(ownerDeadSince, storeTrustedUntil));
            }
            if (transcriptClaims) {
                staleSince = Math.min(staleSince, Math.min(ownerDeadSince, claimsTrustedUntil));
            }
            if (lost) {
                staleSince = Math.min(staleSince, evidence.lostSinceMs());
            }
            if (staleSince != Long.MAX_VALUE) {
                long pruneAt = saturatedAdd(staleSince, settings.cautiousLeaseMs());
                next.add(pruneAt);
                if (now < pruneAt) {
                    state = State.STALE;
                }
            }
        }

        long stoppedAt = settings.uses(RunningEvidence.MTIME) ? recentUntil : activity;
        long graceUntil = activity == 0 ? 0 : saturatedAdd(stoppedAt, settings.idleGraceMs());
        next.add(graceUntil);
        boolean completedRecently = state == State.IDLE && now < graceUntil;

        long failedAt = failedAt(store, transcript);
        long failureCountsUntil = failedAt == 0 ? 0 : saturatedAdd(failedAt, settings.activityTtlMs());
        next.add(failureCountsUntil);

        long updatedAt = Math.max(mtime, Math.max(store == null ? 0 : store.updatedAtMs(),
                lock != null && !lockDead ? lock.createdAtMs() : 0));
        next.add(updatedAt == 0 ? 0 : saturatedAdd(updatedAt, settings.detailsWindowMs()));

        boolean toolCall = running && transcriptInFlight && transcript != null
                && transcript.phase() == Phase.IN_TOOL_CALL;
        int queued = running && storeInFlight && store != null ? store.queuedBehind() : 0;
        return new Verdict(state, updatedAt, toolCall, running && !inFlight, queued, completedRecently,
                now < failureCountsUntil, next.earliest);
    }

    /**
     * The store recorded the end of a run after the transcript's last message (an abort leaves the transcript on a
     * tool call; a crash is marked failed on the next gateway start): the transcript no longer claims a run.
     */
    private static boolean endedAfterLastMessage(@Nullable Store store, Transcript transcript) {
        return store != null && store.ended() && store.endedAtMs() > 0 && transcript.lastMessageAtMs() > 0
                && store.endedAtMs() >= transcript.lastMessageAtMs();
    }

    private static long failedAt(@Nullable Store store, @Nullable Transcript transcript) {
        if (store != null && store.failed()) {
            return store.endedAtMs() > 0 ? store.endedAtMs() : store.updatedAtMs();
        }
        if (transcript != null && transcript.phase() == Phase.FAILED) {
            return transcript.lastMessageAtMs() > 0 ? transcript.lastMessageAtMs() : transcript.mtimeMs();
        }
        return 0;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    /** The earliest instant after now among candidates; past ones are irrelevant. */
    private static final class Boundaries {
        private final long now;
        private long earliest = Long.MAX_VALUE;

        Boundaries(long now) {
            this.now = now;
        }

        void add(long at) {
            if (at > now && at < earliest) {
                earliest = at;
            }
        }
    }
}
