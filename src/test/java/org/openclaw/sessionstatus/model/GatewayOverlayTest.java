package org.openclaw.sessionstatus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.BusyView.Confidence;
import org.openclaw.sessionstatus.model.BusyView.Reason;
import org.openclaw.sessionstatus.model.GatewayView.Lane;
import org.openclaw.sessionstatus.model.GatewayView.Run;

/** SPEC §2c: the gateway's word laid over the disk's, with a clock moved by hand. */
class GatewayOverlayTest {
    static final long NOW = 1_800_000_000_000L;
    static final ModelSettings AUTO = new ModelSettings(Set.of(RunningEvidence.values()), 30_000, 300_000, 600_000,
            120_000, 300_000, 60_000, 15_000, 4, true, true);
    static final String DIR = "/state/agents/main/sessions";

    final SessionModel model = new SessionModel(AUTO);

    GatewayOverlayTest() {
        model.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
        model.health(new SourceHealth("gateway", true, 1, 0, false, 0, 0, 0, 0));
    }

    static GatewayView gateway(long answeredAt, int active, int queued, int max, Run... runs) {
        return new GatewayView(true, answeredAt, List.of(new Lane("main", active, queued, max),
                new Lane("subagent", 0, 0, 8)), List.of(runs));
    }

    /** A session whose transcript changed {@code ageMs} ago and whose last message waits for a tool, or is done. */
    static SessionEvidence session(String name, long ageMs, boolean inToolCall) {
        return SessionEvidence.session("agent:main:" + name, "main", null,
                new SessionEvidence.Transcript(NOW - ageMs, 100, inToolCall ? Phase.IN_TOOL_CALL : Phase.FINISHED,
                        NOW - ageMs),
                null, new SessionEvidence.Store(NOW - ageMs, inToolCall ? "running" : "done", 0));
    }

    void disk(SessionEvidence... sessions) {
        model.apply(PartitionUpdate.replace(DIR, List.of(sessions)));
    }

    @Test
    void aRunThatJustEndedIsReleasedAtOnceWhenTheGatewaySaysNothingRuns() {
        disk(session("done", 500, false));
        assertEquals(Action.EXTEND, model.evaluate(NOW).busy().action(), "without the gateway: the mtime window holds");
        model.gateway(gateway(NOW, 0, 0, 2));
        BusyView busy = model.evaluate(NOW).busy();
        assertEquals(Action.RELEASE_AFTER_GRACE, busy.action());
        assertEquals(Confidence.AUTHORITATIVE, busy.confidence());
        assertEquals(0, model.evaluate(NOW).status().running());
    }

    @Test
    void aRunTheDiskShowsAndTheGatewayDoesNotKeepsTheLeaseWithSourcesDisagree() {
        disk(session("tool", 1_000, true));
        model.gateway(gateway(NOW, 0, 0, 2));
        BusyView busy = model.evaluate(NOW).busy();
        assertEquals(Action.EXTEND, busy.action());
        assertTrue(busy.reasons().contains(Reason.SOURCES_DISAGREE), busy.reasons().toString());
        assertEquals(1, busy.totals().running());
    }

    @Test
    void aRunOnlyTheGatewayKnowsIsRunningAndListed() {
        model.gateway(gateway(NOW, 1, 0, 2, new Run("agent:main:fresh", "main", false)));
        SessionModel.Evaluation evaluation = model.evaluate(NOW);
        assertEquals(Action.EXTEND, evaluation.busy().action());
        assertEquals(Confidence.AUTHORITATIVE, evaluation.busy().confidence());
        assertEquals(1, evaluation.status().running());
        assertEquals(1, evaluation.status().available());
        assertEquals("running", evaluation.status().details().get(0).status());
    }

    @Test
    void queuedRunsAreQueuedNotRunningAndTheSlotsAreTheLanes() {
        disk(session("q1", 100, true), session("q2", 100, true), session("q3", 100, true), session("q4", 100, true));
        model.gateway(gateway(NOW, 2, 2, 2, new Run("agent:main:q1", "main", true),
                new Run("agent:main:q2", "main", false), new Run("agent:main:q3", "main", true),
                new Run("agent:main:q4", "main", false)));
        SessionModel.Evaluation evaluation = model.evaluate(NOW);
        assertEquals(2, evaluation.status().running());
        assertEquals(2, evaluation.status().maxConcurrent());
        assertEquals(0, evaluation.status().available());
        assertEquals(2, evaluation.busy().totals().queued());
        assertEquals(4, evaluation.busy().totals().active());
        assertFalse(evaluation.busy().reasons().contains(Reason.SOURCES_DISAGREE));
        assertEquals(SlotSource.GATEWAY_LANE, evaluation.gateway().slotSource());
    }

    @Test
    void aRunTheGatewayAdmittedCountsAgainstTheSlotsUntilTheLaneShowsIt() {
        model.gateway(gateway(NOW, 0, 0, 2, new Run("agent:main:a", "main", false),
                new Run("agent:main:b", "main", false)));
        assertEquals(0, model.evaluate(NOW).status().available(), "the lane still says 0/2");
    }

    @Test
    void aSubagentRunTakesNoMainSlot() {
        model.gateway(gateway(NOW, 0, 0, 2, new Run("agent:main:subagent:123", "main", false)));
        SessionModel.Evaluation evaluation = model.evaluate(NOW);
        assertEquals(2, evaluation.status().available());
        assertTrue(evaluation.busy().reasons().contains(Reason.ACTIVE_SUBAGENT_RUNS));
    }

    @Test
    void aSilentGatewayGivesTheDisksVerdictOnceTwoSecondsPassed() {
        disk(session("done", 500, false));
        model.gateway(gateway(NOW, 0, 0, 2));
        SessionModel.Evaluation fresh = model.evaluate(NOW + 1_999);
        assertEquals(Action.RELEASE_AFTER_GRACE, fresh.busy().action());
        assertEquals(NOW + 2_000, fresh.nextChangeAtMs(), "the model wakes when the gateway's word expires");
        SessionModel.Evaluation silent = model.evaluate(NOW + 2_000);
        assertEquals(Action.EXTEND, silent.busy().action(), "the mtime window holds again");
        assertEquals(Confidence.BEST_EFFORT, silent.busy().confidence());
        assertEquals(4, silent.status().maxConcurrent(), "the fallback, no longer the lane");
    }

    @Test
    void aDisconnectedGatewayIsNotTrustedAtAll() {
        disk(session("done", 500, false));
        model.gateway(gateway(NOW, 0, 0, 2).disconnected());
        assertEquals(Confidence.BEST_EFFORT, model.evaluate(NOW).busy().confidence());
        assertEquals(Action.EXTEND, model.evaluate(NOW).busy().action());
    }

    @Test
    void aPartialDiskIsNeverAuthoritative() {
        model.health(new SourceHealth("dirs", true, 1, 1, false, 0, 1, 0, 0));
        model.gateway(gateway(NOW, 0, 0, 2));
        BusyView busy = model.evaluate(NOW).busy();
        assertEquals(Action.HOLD, busy.action());
        assertEquals(Confidence.PARTIAL, busy.confidence());
    }

    @Test
    void aFixedMaxConcurrentStaysButTheLaneStillCountsWhatHoldsASlot() {
        SessionModel fixed = new SessionModel(new ModelSettings(Set.of(RunningEvidence.values()), 30_000, 300_000,
                600_000, 120_000, 300_000, 60_000, 15_000, 8, true, false));
        fixed.health(new SourceHealth("gateway", true, 1, 0, false, 0, 0, 0, 0));
        fixed.gateway(gateway(NOW, 2, 1, 2));
        StatusView status = fixed.evaluate(NOW).status();
        assertEquals(8, status.maxConcurrent());
        assertEquals(5, status.available());
        assertEquals(SlotSource.CONFIGURED, fixed.evaluate(NOW).gateway().slotSource());
    }

    @Test
    void withoutAGatewayLaneAutoUsesTheLimitTheConfigSourceGave() {
        model.gateway(GatewayView.NONE);
        model.maxConcurrent(new SlotLimit(12, SlotSource.GATEWAY_CONFIG));
        SessionModel.Evaluation evaluation = model.evaluate(NOW);
        assertEquals(12, evaluation.status().maxConcurrent());
        assertEquals(SlotSource.GATEWAY_CONFIG, evaluation.gateway().slotSource());
    }
}
