package org.openclaw.sessionstatus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.BusyView.Action;

/**
 * A session its source lost sight of (its database deleted, then perhaps created again a moment later) while it was
 * in flight is held as stale work — until the source sees it again or {@code cautiousLeaseMs} passes — never taken
 * for finished.
 */
class LostSessionsTest {
    static final long T0 = ClassifierTest.T0;
    static final String PARTITION = "sqlite:/state";
    static final SessionEvidence.Owner ALIVE = new SessionEvidence.Owner(SessionEvidence.Liveness.ALIVE, 0);

    SessionModel model;

    @BeforeEach
    void model() {
        model = new SessionModel(SessionModelTest.SETTINGS);
        model.health(new SourceHealth("databases", true, 2, 0, false, 0, 1, 0, 0));
    }

    static SessionEvidence session(String key, String status) {
        return new SessionEvidence(key, "main", null, null, null,
                new SessionEvidence.Store(T0 - 3_600_000, status, 0, 0, false), ALIVE, false);
    }

    @Test
    void aRunLostFromSightIsHeldForTheCautiousLeaseThenGone() {
        model.apply(PartitionUpdate.replace(PARTITION, List.of(session("agent:main:run", "running"),
                session("agent:main:idle", "done"))));
        assertEquals(Action.EXTEND, model.evaluate(T0).busy().action());

        model.apply(PartitionUpdate.lost(PARTITION, Set.of("agent:main:run", "agent:main:idle"), T0 + 1_000));
        SessionModel.Evaluation held = model.evaluate(T0 + 1_000);
        assertEquals(Action.HOLD, held.busy().action());
        assertEquals(List.of(0, 1, 1), List.of(held.status().running(), held.status().total(), held.busy().totals().stale()),
                "the idle one is gone at once; the run is stale work, no slot taken, no release");
        assertEquals(T0 + 1_000 + ClassifierTest.CAUTIOUS, held.nextChangeAtMs());

        assertEquals(Action.HOLD, model.evaluate(T0 + ClassifierTest.CAUTIOUS).busy().action());
        SessionModel.Evaluation released = model.evaluate(T0 + 1_000 + ClassifierTest.CAUTIOUS);
        assertEquals(Action.RELEASE_AFTER_GRACE, released.busy().action());
        assertEquals(0, released.status().total(), "not seen again: gone");
    }

    @Test
    void aRunSeenAgainIsWhatTheSourceSaysNow() {
        model.apply(PartitionUpdate.replace(PARTITION, List.of(session("agent:main:run", "running"))));
        model.evaluate(T0);
        model.apply(PartitionUpdate.lost(PARTITION, Set.of("agent:main:run"), T0 + 1_000));
        assertEquals(Action.HOLD, model.evaluate(T0 + 1_000).busy().action());

        model.apply(PartitionUpdate.patch(PARTITION, List.of(session("agent:main:run", "running")), Set.of()));
        assertEquals(Action.EXTEND, model.evaluate(T0 + 2_000).busy().action(), "read again: running, as it says");
        model.apply(PartitionUpdate.patch(PARTITION, List.of(session("agent:main:run", "done")), Set.of()));
        assertEquals(Action.RELEASE_AFTER_GRACE, model.evaluate(T0 + 3_000).busy().action(), "read again: done");
    }

    @Test
    void aRunThatEndedIsRemovedAtOnce() {
        model.apply(PartitionUpdate.replace(PARTITION, List.of(session("agent:main:run", "running"))));
        model.evaluate(T0);
        model.apply(PartitionUpdate.patch(PARTITION, List.of(), Set.of("agent:main:run")));
        SessionModel.Evaluation released = model.evaluate(T0 + 1_000);
        assertEquals(Action.RELEASE_AFTER_GRACE, released.busy().action(), "seen to go, not lost: no hold");
        assertEquals(0, released.status().total());
    }
}
