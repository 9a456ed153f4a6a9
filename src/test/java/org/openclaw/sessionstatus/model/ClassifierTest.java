package org.openclaw.sessionstatus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.Classifier.State;
import org.openclaw.sessionstatus.model.Classifier.Verdict;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.model.SessionEvidence.Lock;
import org.openclaw.sessionstatus.model.SessionEvidence.Store;
import org.openclaw.sessionstatus.model.SessionEvidence.Transcript;

/** docs/design.md §5, case by case, with time moved by passing another {@code now}. */
class ClassifierTest {
    static final long T0 = 1_795_320_000_000L;
    static final long WINDOW = 30_000;
    static final long TTL = 600_000;
    static final long CAUTIOUS = 120_000;

    static ModelSettings settings(Set<RunningEvidence> evidence) {
        return new ModelSettings(evidence, WINDOW, 300_000, TTL, CAUTIOUS, 300_000, 60_000, 15_000, 8, true, false);
    }

    static final Classifier ALL = new Classifier(settings(Set.of(RunningEvidence.values())));

    static SessionEvidence session(Transcript transcript, Lock lock, Store store) {
        return SessionEvidence.session("agent:main:main", "main", null, transcript, lock, store);
    }

    static Transcript transcript(long mtime, Phase phase) {
        return new Transcript(mtime, 1000, phase, mtime);
    }

    @Test
    void aTranscriptWrittenWithinTheWindowIsRunningAndTurnsIdleExactlyAtTheWindow() {
        SessionEvidence finished = session(transcript(T0, Phase.FINISHED), null, null);
        Verdict during = ALL.classify(finished, T0 + WINDOW - 1);
        assertEquals(State.RUNNING, during.state());
        assertTrue(during.recentOnly(), "running only because of recent activity");
        assertEquals(T0 + WINDOW, during.nextChangeAtMs(), "the model must wake up at the window's end");
        assertEquals(State.IDLE, ALL.classify(finished, T0 + WINDOW).state());
    }

    @Test
    void aToolCallStaysRunningPastTheWindowUntilTheActivityTtl() {
        SessionEvidence toolCall = session(transcript(T0, Phase.IN_TOOL_CALL), null, null);
        Verdict fiveMinutesIn = ALL.classify(toolCall, T0 + 300_000);
        assertEquals(State.RUNNING, fiveMinutesIn.state());
        assertTrue(fiveMinutesIn.toolCall());
        assertFalse(fiveMinutesIn.recentOnly());
        // Past the TTL the claim is no longer trusted: stale, held for cautiousLeaseMs, then idle.
        assertEquals(State.STALE, ALL.classify(toolCall, T0 + TTL).state());
        assertEquals(State.STALE, ALL.classify(toolCall, T0 + TTL + CAUTIOUS - 1).state());
        assertEquals(State.IDLE, ALL.classify(toolCall, T0 + TTL + CAUTIOUS).state());
    }

    @Test
    void aTranscriptAwaitingTheModelIsRunning() {
        SessionEvidence waiting = session(transcript(T0, Phase.AWAITING_MODEL), null, null);
        assertEquals(State.RUNNING, ALL.classify(waiting, T0 + 120_000).state());
    }

    @Test
    void storeStatusRunningIsRunningPastTheWindow() {
        SessionEvidence stored = session(null, null, new Store(T0, "running", 0));
        assertEquals(State.RUNNING, ALL.classify(stored, T0 + 200_000).state());
        assertEquals(State.STALE, ALL.classify(stored, T0 + TTL + 1).state());
    }

    @Test
    void aLiveLockIsRunningAndKeepsStoreAndTranscriptClaimsTrusted() {
        Lock live = new Lock(T0, 300_000, Liveness.ALIVE, 0);
        SessionEvidence locked = session(transcript(T0, Phase.IN_TOOL_CALL), live, new Store(T0, "running", 0));
        assertEquals(State.RUNNING, ALL.classify(locked, T0 + 590_000).state());
        // The lock's age limit is max(maxHoldMs, activityTtlMs): past it the lock is no longer trusted.
        assertEquals(T0 + TTL, ALL.classify(locked, T0 + 590_000).nextChangeAtMs());
        assertEquals(State.STALE, ALL.classify(locked, T0 + TTL).state());
    }

    @Test
    void anUncheckableLockCountsAsLive() {
        SessionEvidence locked = session(null, new Lock(T0, 300_000, Liveness.UNCHECKED, 0), null);
        assertEquals(State.RUNNING, ALL.classify(locked, T0 + 200_000).state());
    }

    @Test
    void aLockWithADeadPidIsNotRunningButHoldsForTheCautiousLeaseFromWhenItDied() {
        long diedSeenAt = T0 + 4_000;
        Lock dead = new Lock(T0, 300_000, Liveness.DEAD, diedSeenAt);
        // The gateway crash: status left running, transcript mid tool call, written 4 s ago.
        SessionEvidence crashed = session(transcript(T0, Phase.IN_TOOL_CALL), dead, new Store(T0, "running", 0));
        Verdict verdict = ALL.classify(crashed, diedSeenAt);
        assertEquals(State.STALE, verdict.state(), "a dead holder outweighs the transcript, store and mtime");
        assertEquals(State.STALE, ALL.classify(crashed, diedSeenAt + CAUTIOUS - 1).state());
        assertEquals(State.IDLE, ALL.classify(crashed, diedSeenAt + CAUTIOUS).state(), "pruned after the hold");
    }

    @Test
    void aDeadLockLeftFromLongAgoIsNotHeldAtAll() {
        long longAgo = T0 - 3 * 86_400_000L;
        SessionEvidence leftover = session(transcript(longAgo, Phase.IN_TOOL_CALL),
                new Lock(longAgo, 300_000, Liveness.DEAD, T0), new Store(longAgo, "running", 0));
        assertEquals(State.IDLE, ALL.classify(leftover, T0).state());
    }

    @Test
    void aStoreEndAfterTheLastMessageOverridesAToolCallTranscript() {
        // The abort: transcript stops on the tool call, the store says killed afterwards.
        Transcript cut = new Transcript(T0 + 5_000, 1000, Phase.IN_TOOL_CALL, T0);
        SessionEvidence aborted = session(cut, null, new Store(T0 + 5_000, "killed", T0 + 4_900));
        Verdict verdict = ALL.classify(aborted, T0 + WINDOW + 5_000);
        assertEquals(State.IDLE, verdict.state());
        assertTrue(verdict.failedRecently());
        // A follow-up turn: the user line is newer than the last end, so the transcript claims a run again.
        Transcript followUp = new Transcript(T0 + 100_000, 1100, Phase.AWAITING_MODEL, T0 + 100_000);
        SessionEvidence again = session(followUp, null, new Store(T0 + 5_000, "done", T0 + 4_900));
        assertEquals(State.RUNNING, ALL.classify(again, T0 + 100_000 + WINDOW + 1).state());
    }

    @Test
    void withOnlyTheMtimeRuleItIsSeed000() {
        Classifier seed = new Classifier(settings(Set.of(RunningEvidence.MTIME)));
        SessionEvidence toolCall = session(transcript(T0, Phase.IN_TOOL_CALL),
                new Lock(T0, 300_000, Liveness.DEAD, T0), new Store(T0 + 60_000, "running", 0));
        assertEquals(State.RUNNING, seed.classify(toolCall, T0 + WINDOW - 1).state(), "the dead lock is not evidence here");
        assertEquals(State.IDLE, seed.classify(toolCall, T0 + WINDOW).state(), "store updatedAt does not count either");
        assertEquals(State.IDLE, seed.classify(toolCall, T0 + TTL * 2).state(), "and nothing is ever stale");
    }

    @Test
    void aStoreEntryWithoutTranscriptUsesItsUpdatedAt() {
        // A brand-new session before its first model reply: an entry, no transcript, no lock yet.
        SessionEvidence fresh = session(null, null, new Store(T0, null, 0));
        Verdict verdict = ALL.classify(fresh, T0 + 1_000);
        assertEquals(State.RUNNING, verdict.state());
        assertEquals(T0, verdict.updatedAtMs());
    }

    @Test
    void completedRecentlyLastsIdleGraceAfterRunningEnds() {
        SessionEvidence done = session(transcript(T0, Phase.FINISHED), null, new Store(T0, "done", T0));
        assertFalse(ALL.classify(done, T0 + 1).completedRecently(), "still running by the window");
        assertTrue(ALL.classify(done, T0 + WINDOW).completedRecently());
        assertFalse(ALL.classify(done, T0 + WINDOW + 60_000).completedRecently());
    }

    @Test
    void theNextChangeIsNeverInThePast() {
        SessionEvidence old = session(transcript(T0, Phase.FINISHED), null, new Store(T0, "done", T0));
        assertEquals(Long.MAX_VALUE, ALL.classify(old, T0 + 10 * TTL).nextChangeAtMs());
    }
}
