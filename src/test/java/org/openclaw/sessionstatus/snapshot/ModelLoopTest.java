package org.openclaw.sessionstatus.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.Phase;
import org.openclaw.sessionstatus.model.SessionEvidence;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.testing.Harness;

/** The writer thread: what it publishes, and how it recovers when applying evidence fails halfway. */
class ModelLoopTest {
    static final Instant NOW = Instant.parse("2026-11-22T04:10:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    /** A session whose transcript was last written a minute ago: past the running window, within the TTL. */
    static SessionEvidence session(String name, Phase phase) {
        long at = NOW.toEpochMilli() - 60_000;
        return SessionEvidence.session("agent:main:" + name, "main", null,
                new SessionEvidence.Transcript(at, 10, phase, at), null, null);
    }

    @Test
    void aBatchThatFailsHalfwayStartsTheModelOverFromAFullRescanAndHoldsMeanwhile() throws Exception {
        AtomicInteger rescans = new AtomicInteger();
        List<SessionEvidence> world = List.of(session("a", Phase.FINISHED), session("b", Phase.IN_TOOL_CALL));
        try (ModelLoop loop = new ModelLoop(Harness.settings(30_000), CLOCK)) {
            // The source answers a rescan request as it would: rescanning, everything, then done.
            loop.onRescanNeeded(() -> {
                rescans.incrementAndGet();
                loop.health(new SourceHealth("dirs", true, 1, 0, true, 0, 2, 0, 0));
                loop.accept(List.of(PartitionUpdate.replace("/dir", world)));
                loop.health(new SourceHealth("dirs", true, 1, 0, false, 0, 2, 0, 0));
            });
            List<Snapshot> published = new java.util.concurrent.CopyOnWriteArrayList<>();
            loop.addListener(published::add);
            loop.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
            loop.accept(List.of(PartitionUpdate.replace("/dir", List.of(session("a", Phase.FINISHED)))));
            loop.start();
            Snapshot before = loop.await(s -> s.ready() && s.status().total() == 1, Harness.DEADLINE);
            assertEquals(Action.RELEASE_AFTER_GRACE, before.busy().action());

            // The first upsert is applied, then the second (no key) throws: the running sums no longer match.
            SessionEvidence broken = SessionEvidence.session(null, "main", null, null, null, null);
            loop.accept(List.of(PartitionUpdate.patch("/dir", List.of(session("b", Phase.IN_TOOL_CALL), broken),
                    java.util.Set.of())));

            Snapshot after = loop.await(s -> rescans.get() == 1 && s.status().total() == 2
                    && !s.health().rescanning(), Harness.DEADLINE);
            assertEquals(1, rescans.get(), "one full rescan was asked for");
            assertEquals(2, after.status().total());
            assertEquals(1, after.status().running(), "the tool call runs; nothing was counted twice");
            assertEquals(Action.EXTEND, after.busy().action());
            List<Snapshot> meanwhile = published.stream()
                    .filter(s -> s.revision() > before.revision() && s.revision() < after.revision()).toList();
            assertTrue(meanwhile.stream().allMatch(s -> s.busy().action() == Action.HOLD && s.status().partial()),
                    "between the failure and the rescan the lease holds and the status says partial: " + meanwhile);
            assertTrue(!meanwhile.isEmpty(), "the empty model was published as partial, not as idle");
        }
    }

    @Test
    void aSourceThatStopsMakingProgressMakesTheAnswerPartialAndTheLeaseHoldUntilItResumes() throws Exception {
        AtomicBoolean progressing = new AtomicBoolean(true);
        try (ModelLoop loop = new ModelLoop(Harness.settings(30_000), CLOCK)) {
            loop.watch("dirs", progressing::get);
            loop.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
            loop.accept(List.of(PartitionUpdate.replace("/dir", List.of(session("a", Phase.FINISHED)))));
            loop.start();
            loop.await(s -> s.ready() && s.busy().action() == Action.RELEASE_AFTER_GRACE, Harness.DEADLINE);

            // What it last said ("idle") may no longer be true: never release on it.
            progressing.set(false);
            Snapshot stalled = loop.await(s -> s.status().partial(), Harness.DEADLINE);
            assertTrue(stalled.status().partial(), "partial while the source is stuck");
            assertEquals(Action.HOLD, stalled.busy().action());
            assertEquals(1, stalled.status().total(), "what it delivered is still shown");

            progressing.set(true);
            Snapshot resumed = loop.await(s -> !s.status().partial(), Harness.DEADLINE);
            assertEquals(Action.RELEASE_AFTER_GRACE, resumed.busy().action());
        }
    }
}
