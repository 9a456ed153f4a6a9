package org.openclaw.sessionstatus.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.openclaw.sessionstatus.model.ModelSettings;
import org.openclaw.sessionstatus.model.RunningEvidence;
import org.openclaw.sessionstatus.model.StatusView;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.Sources;

/** A real model loop fed by the real sources on a real directory: what the daemon runs, minus HTTP. */
public final class Harness implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    public final ModelLoop model;
    public final Sources sources;

    public Harness(Path stateDir, long runningWindowMs, List<Path> extraDirs) {
        this(stateDir, settings(runningWindowMs), extraDirs, true, Clock.systemUTC());
    }

    public Harness(Path stateDir, ModelSettings settings, List<Path> extraDirs, boolean lockPidCheck, Clock clock) {
        model = new ModelLoop(settings, clock);
        sources = Sources.open(new Sources.Settings(stateDir, extraDirs, lockPidCheck, Optional.empty(), Optional.empty()), model, clock);
        model.onRescanNeeded(() -> sources.requestRescan("the model started over"));
        sources.forEach(source -> model.watch(source.name(), source::healthy));
        model.start();
        sources.start();
    }

    /** The defaults, with this running window and a periodic revision every 200 ms (fresh timestamps quickly). */
    public static ModelSettings settings(long runningWindowMs) {
        return settings(runningWindowMs, 200);
    }

    /** @param logIntervalMs how often a revision comes with nothing changed: long, for tests that count revisions */
    public static ModelSettings settings(long runningWindowMs, long logIntervalMs) {
        return new ModelSettings(Set.of(RunningEvidence.values()), runningWindowMs, 300_000, 600_000, 120_000, 300_000,
                60_000, logIntervalMs, 8, true, false);
    }

    /** Waits, up to a generous deadline, for a snapshot the condition accepts; fails with the last one if none. */
    public Snapshot await(String what, Predicate<StatusView> condition) throws InterruptedException {
        return awaitSnapshot(what, s -> condition.test(s.status()));
    }

    /** Waits for a ready snapshot the condition accepts; fails with the last one if none comes in time. */
    public Snapshot awaitSnapshot(String what, Predicate<Snapshot> condition) throws InterruptedException {
        Snapshot snapshot = model.await(s -> s.ready() && condition.test(s), DEADLINE);
        StatusView status = snapshot.status();
        assertTrue(snapshot.ready() && condition.test(snapshot), what + "; last status: " + status.running() + " of "
                + status.total() + " running, " + status.details().size() + " listed; busy: " + snapshot.busy()
                + "; health: " + snapshot.health());
        return snapshot;
    }

    @Override
    public void close() {
        sources.close();
        model.close();
    }
}
