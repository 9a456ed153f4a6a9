package org.openclaw.sessionstatus.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.openclaw.sessionstatus.model.ModelLoop;
import org.openclaw.sessionstatus.model.Policy;
import org.openclaw.sessionstatus.model.RunningEvidence;
import org.openclaw.sessionstatus.model.Snapshot;
import org.openclaw.sessionstatus.model.StatusView;
import org.openclaw.sessionstatus.source.FileSource;

/** A real model loop fed by a real file source on a real directory: what the daemon runs, minus HTTP. */
public final class Harness implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(20);

    public final ModelLoop model;
    public final FileSource source;

    public Harness(Path stateDir, long runningWindowMs, List<Path> extraDirs) {
        this(stateDir, policy(runningWindowMs), extraDirs);
    }

    public Harness(Path stateDir, Policy policy, List<Path> extraDirs) {
        model = new ModelLoop(policy, Clock.systemUTC());
        source = new FileSource(new FileSource.Settings(stateDir, extraDirs, true, Optional.empty()), model,
                Clock.systemUTC());
        model.start();
        source.start();
    }

    public static Policy policy(long runningWindowMs) {
        return new Policy(Set.of(RunningEvidence.values()), runningWindowMs, 300_000, 600_000, 120_000, 300_000,
                60_000, 200, 8, true);
    }

    /** Waits, up to a generous deadline, for a snapshot the condition accepts; fails with the last one if none. */
    public Snapshot await(String what, Predicate<StatusView> condition) throws InterruptedException {
        Snapshot snapshot = model.await(s -> s.ready() && condition.test(s.status()), DEADLINE);
        assertTrue(snapshot.ready() && condition.test(snapshot.status()), what + "; last status: " + snapshot.status());
        return snapshot;
    }

    @Override
    public void close() {
        source.close();
        model.close();
    }
}
