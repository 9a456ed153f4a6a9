package org.openclaw.sessionstatus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Confidence;
import org.openclaw.sessionstatus.model.BusyView.Reason;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.model.SessionEvidence.Lock;
import org.openclaw.sessionstatus.model.SessionEvidence.Store;
import org.openclaw.sessionstatus.model.SessionEvidence.Transcript;

/** Every row of the decision table (docs/design.md §7), through the session model with a moved clock. */
class DecisionTableTest {
    static final long T0 = ClassifierTest.T0;
    static final SourceHealth SCANNED = new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0);

    final SessionModel model = new SessionModel(ClassifierTest.settings(Set.of(RunningEvidence.values())));

    void sessions(SessionEvidence... sessions) {
        model.apply(PartitionUpdate.replace("/dir", List.of(sessions)));
    }

    static SessionEvidence session(String key, Transcript transcript, Lock lock, Store store) {
        return SessionEvidence.session(key, "main", null, transcript, lock, store);
    }

    BusyView at(long now) {
        return model.evaluate(now).busy();
    }

    @Test
    void beforeTheFirstScanItIsUnknownStarting() {
        BusyView busy = at(T0);
        assertEquals(Action.UNKNOWN, busy.action());
        assertEquals(Confidence.UNKNOWN, busy.confidence());
        assertEquals(List.of(Reason.STARTING), busy.reasons());
        assertEquals(0, busy.extendForMs());
    }

    @Test
    void withNoReadableSessionDirItIsUnknownSourceUnavailable() {
        model.health(new SourceHealth("dirs", true, 0, 1, false, 0, 1, 0, 0));
        assertEquals(List.of(Reason.SOURCE_UNAVAILABLE), at(T0).reasons());
        assertEquals(Action.UNKNOWN, at(T0).action());
    }

    @Test
    void runningSessionsExtendTheLeaseWithTheirReasons() {
        model.health(SCANNED);
        sessions(session("agent:main:main", new Transcript(T0, 10, Phase.IN_TOOL_CALL, T0), null, null),
                session("agent:main:subagent:1", null, new Lock(T0, 300_000, Liveness.ALIVE, 0), new Store(T0, null, 0)),
                session("agent:main:cron:nightly", null, null, new Store(T0, "running", 0)),
                session("agent:main:quick", new Transcript(T0 + 200_000, 10, Phase.FINISHED, T0), null, null));
        BusyView busy = at(T0 + 200_001);
        assertEquals(Action.EXTEND, busy.action());
        assertEquals(Confidence.BEST_EFFORT, busy.confidence());
        assertTrue(busy.busy());
        assertEquals(300_000, busy.extendForMs());
        assertEquals(List.of(Reason.ACTIVE_AGENT_RUNS, Reason.ACTIVE_TOOL_CALLS, Reason.ACTIVE_SUBAGENT_RUNS,
                Reason.ACTIVE_CRON_RUNS, Reason.RECENT_ACTIVITY), busy.reasons());
        assertEquals(new BusyView.Totals(4, 0, 4, 0, 0, 0), busy.totals());
    }

    @Test
    void runningWithAPartialSourceIsAPartialExtend() {
        model.health(new SourceHealth("dirs", true, 1, 1, false, 0, 1, 0, 0));
        sessions(session("agent:main:main", new Transcript(T0, 10, Phase.FINISHED, T0), null, null));
        BusyView busy = at(T0 + 1);
        assertEquals(Action.EXTEND, busy.action());
        assertEquals(Confidence.PARTIAL, busy.confidence());
        assertTrue(busy.reasons().contains(Reason.SOURCE_PARTIAL));
    }

    @Test
    void staleWorkHoldsForTheCautiousLeaseThenReleases() {
        model.health(SCANNED);
        sessions(session("agent:main:main", new Transcript(T0, 10, Phase.IN_TOOL_CALL, T0),
                new Lock(T0, 300_000, Liveness.DEAD, T0 + 5_000), new Store(T0, "running", 0)));
        BusyView held = at(T0 + 5_000);
        assertEquals(Action.HOLD, held.action());
        assertEquals(Confidence.BEST_EFFORT, held.confidence());
        assertTrue(held.stale());
        assertFalse(held.busy());
        assertEquals(120_000, held.extendForMs());
        assertEquals(List.of(Reason.STALE_WORK), held.reasons());
        assertEquals(1, held.totals().stale());
        SessionModel.Evaluation lastHeld = model.evaluate(T0 + 5_000 + 119_999);
        assertEquals(Action.HOLD, lastHeld.busy().action());
        assertEquals(T0 + 5_000 + 120_000, lastHeld.nextChangeAtMs(), "the model wakes itself when the hold ends");
        assertEquals(Action.RELEASE_AFTER_GRACE, at(T0 + 5_000 + 120_000).action());
    }

    @Test
    void anUnreadableSourceOrARescanHolds() {
        sessions(session("agent:main:main", new Transcript(T0, 10, Phase.FINISHED, T0), null, null));
        model.health(new SourceHealth("dirs", true, 1, 1, false, 0, 1, 0, 0));
        BusyView partial = at(T0 + 3_600_000);
        assertEquals(Action.HOLD, partial.action());
        assertEquals(Confidence.PARTIAL, partial.confidence());
        assertEquals(List.of(Reason.SOURCE_PARTIAL), partial.reasons());
        model.health(new SourceHealth("dirs", true, 1, 0, true, 0, 2, 1, 0));
        assertEquals(Action.HOLD, at(T0 + 3_600_000).action());
    }

    @Test
    void otherwiseReleaseAfterGraceSayingWhetherSomethingJustFinished() {
        model.health(SCANNED);
        sessions(session("agent:main:main", new Transcript(T0, 10, Phase.FAILED, T0), null,
                new Store(T0, "failed", T0)));
        BusyView justDone = at(T0 + 30_000);
        assertEquals(Action.RELEASE_AFTER_GRACE, justDone.action());
        assertEquals(List.of(Reason.RECENTLY_COMPLETED), justDone.reasons());
        assertEquals(new BusyView.Totals(0, 0, 0, 1, 1, 0), justDone.totals());
        assertEquals(60_000, justDone.idleGraceMs());
        assertEquals(T0, justDone.lastObservedAtMs());
        BusyView quiet = at(T0 + 30_000 + 60_000);
        assertEquals(List.of(Reason.IDLE), quiet.reasons());
        assertEquals(0, quiet.totals().completedRecently());
        assertEquals(0, at(T0 + 600_000).totals().failures(), "failures count for activityTtlMs");
    }

    @Test
    void theNextWakeIsTheEarliestOfEverySourcesAndIsRequiredOnlyWhenReleased() {
        model.health(SCANNED);
        assertEquals(0, at(T0).nextWakeAtMs(), "no source knows of a scheduled run");
        assertFalse(at(T0).wakeRequired());

        model.nextWake("databases", OptionalLong.of(T0 + 600_000));
        model.nextWake("gateway", OptionalLong.of(T0 + 60_000));
        BusyView released = at(T0);
        assertEquals(Action.RELEASE_AFTER_GRACE, released.action());
        assertEquals(T0 + 60_000, released.nextWakeAtMs(), "the earliest any source knows of");
        assertTrue(released.wakeRequired());

        model.nextWake("gateway", OptionalLong.empty());
        assertEquals(T0 + 600_000, at(T0).nextWakeAtMs(), "a source that knows of none no longer counts");

        sessions(session("agent:main:main", new Transcript(T0, 10, Phase.IN_TOOL_CALL, T0), null, null));
        BusyView running = at(T0 + 1);
        assertEquals(Action.EXTEND, running.action());
        assertEquals(T0 + 600_000, running.nextWakeAtMs(), "reported whatever the action");
        assertFalse(running.wakeRequired(), "a gateway that keeps running needs no wake");
    }
}
