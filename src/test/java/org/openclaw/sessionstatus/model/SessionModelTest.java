package org.openclaw.sessionstatus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The model is incremental (it re-classifies only what changed or expired); its answer must be the one a fresh model
 * gives for the same evidence at the same instant, after any sequence of updates and clock moves.
 */
class SessionModelTest {
    static final ModelSettings SETTINGS = ClassifierTest.settings(Set.of(RunningEvidence.values()));
    static final List<String> PARTITIONS = List.of("/a/sessions", "/b/sessions", "/c/sessions");
    static final List<String> KINDS = List.of("main", "telegram:direct:123", "subagent:x", "cron:job", "hook:h");

    @Test
    void incrementalEvaluationEqualsAFreshOne() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            SessionModel incremental = new SessionModel(SETTINGS);
            Map<String, Map<String, SessionEvidence>> world = new HashMap<>();
            SourceHealth health = new SourceHealth("dirs", true, 3, 0, false, 0, 1, 0, 0);
            incremental.health(health);
            long now = 1_800_000_000_000L;
            for (int step = 0; step < 300; step++) {
                now += switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(2_000);
                    case 2 -> random.nextInt(60_000);
                    default -> random.nextInt(900_000);
                };
                String partition = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
                Map<String, SessionEvidence> sessions = world.computeIfAbsent(partition, p -> new HashMap<>());
                switch (random.nextInt(10)) {
                    case 0 -> {
                        List<SessionEvidence> all = new ArrayList<>();
                        for (int i = random.nextInt(6); i > 0; i--) {
                            all.add(evidence(random, partition, now));
                        }
                        sessions.clear();
                        all.forEach(e -> sessions.put(e.key(), e));
                        incremental.apply(PartitionUpdate.replace(partition, List.copyOf(sessions.values())));
                    }
                    case 1 -> {
                        String key = key(random, partition);
                        sessions.remove(key);
                        incremental.apply(PartitionUpdate.patch(partition, List.of(), Set.of(key)));
                    }
                    case 2 -> { } // only the clock moves
                    default -> {
                        SessionEvidence evidence = evidence(random, partition, now);
                        sessions.put(evidence.key(), evidence);
                        incremental.apply(PartitionUpdate.patch(partition, List.of(evidence), Set.of()));
                    }
                }
                SessionModel fresh = new SessionModel(SETTINGS);
                fresh.health(health);
                world.forEach((p, s) -> fresh.apply(PartitionUpdate.replace(p, List.copyOf(s.values()))));
                SessionModel.Evaluation expected = fresh.evaluate(now);
                SessionModel.Evaluation actual = incremental.evaluate(now);
                String where = "seed " + seed + ", step " + step;
                assertEquals(expected.status(), actual.status(), where);
                assertEquals(expected.busy(), actual.busy(), where);
                assertEquals(expected.nextChangeAtMs(), actual.nextChangeAtMs(), where);
            }
        }
    }

    static String key(Random random, String partition) {
        return "agent:" + partition.charAt(1) + ":" + KINDS.get(random.nextInt(KINDS.size())) + random.nextInt(3);
    }

    /**
     * Any mix of transcript, lock, store (with the SQLite era's pending inputs and tasks), owner and background runs,
     * with instants around now: running, stale, recent, old.
     */
    static SessionEvidence evidence(Random random, String partition, long now) {
        long activity = now - switch (random.nextInt(4)) {
            case 0 -> random.nextInt(40_000);
            case 1 -> random.nextInt(400_000);
            case 2 -> random.nextInt(1_200_000);
            default -> random.nextInt(100_000_000);
        };
        SessionEvidence.Transcript transcript = random.nextInt(5) == 0 ? null : new SessionEvidence.Transcript(activity,
                1_000, Phase.values()[random.nextInt(Phase.values().length)], activity - random.nextInt(1_000));
        SessionEvidence.Lock lock = random.nextInt(3) != 0 ? null : new SessionEvidence.Lock(activity - random.nextInt(5_000),
                300_000, SessionEvidence.Liveness.values()[random.nextInt(3)], activity);
        String[] statuses = {null, "running", "done", "failed", "killed", "timeout"};
        SessionEvidence.Store store = random.nextInt(4) == 0 ? null : new SessionEvidence.Store(activity,
                statuses[random.nextInt(statuses.length)], random.nextBoolean() ? activity : 0,
                random.nextInt(3) == 0 ? random.nextInt(3) : 0, random.nextInt(4) == 0);
        SessionEvidence.Owner owner = random.nextBoolean() ? null : new SessionEvidence.Owner(
                SessionEvidence.Liveness.values()[random.nextInt(3)], activity + random.nextInt(100_000));
        return new SessionEvidence(key(random, partition), String.valueOf(partition.charAt(1)), null, transcript, lock,
                store, owner, random.nextInt(8) == 0);
    }
}
