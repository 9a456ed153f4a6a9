package org.openclaw.sessionstatus.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The session table. Not thread-safe by design: only the {@link ModelLoop}'s writer thread touches it; everyone
 * else sees the immutable {@link Snapshot}s it produces. Evaluation is a function of the table and {@code now},
 * so a replay can drive it with any clock.
 */
public final class SessionModel {

    /** A session as evidence plus what its key says, worked out once per change rather than per evaluation. */
    private record Tracked(SessionEvidence evidence, String displayKey, String agent, Kind kind) {
    }

    /** What the model says at one instant, and until when that holds without new evidence. */
    public record Evaluation(boolean ready, StatusView status, BusyView busy, SourceHealth health, long nextChangeAtMs) {
    }

    private static final Comparator<StatusView.Detail> NEWEST_FIRST =
            Comparator.comparingLong(StatusView.Detail::updatedAt).reversed().thenComparing(StatusView.Detail::key);

    private final Policy policy;
    private final Classifier classifier;
    private final Map<String, Map<String, Tracked>> partitions = new HashMap<>();
    private SourceHealth health = SourceHealth.STARTING;
    private int maxConcurrent;

    public SessionModel(Policy policy) {
        this.policy = policy;
        this.classifier = new Classifier(policy);
        this.maxConcurrent = policy.maxConcurrent();
    }

    public void apply(PartitionUpdate update) {
        Map<String, Tracked> sessions = partitions.computeIfAbsent(update.partition(), p -> new HashMap<>());
        if (update.replaceAll()) {
            sessions.clear();
        }
        update.removedKeys().forEach(sessions::remove);
        for (SessionEvidence evidence : update.upserts()) {
            sessions.put(evidence.key(), track(evidence));
        }
        if (sessions.isEmpty()) {
            partitions.remove(update.partition());
        }
    }

    private Tracked track(SessionEvidence evidence) {
        String key = evidence.key();
        // A transcript without a store entry is kind "other" whatever its name (SPEC §2).
        Kind kind = evidence.store() == null ? Kind.OTHER : SessionKeys.kind(key, evidence.chatType());
        return new Tracked(evidence, policy.redactKeys() ? SessionKeys.redact(key) : key,
                SessionKeys.agent(key, evidence.agentId()), kind);
    }

    public void health(SourceHealth health) {
        this.health = health;
    }

    public void maxConcurrent(OptionalInt slots) {
        this.maxConcurrent = slots.orElse(policy.maxConcurrent());
    }

    public Evaluation evaluate(long now) {
        int running = 0;
        int total = 0;
        int stale = 0;
        int completedRecently = 0;
        int failures = 0;
        boolean agentRuns = false;
        boolean toolCalls = false;
        boolean subagentRuns = false;
        boolean cronRuns = false;
        boolean recentActivity = false;
        long lastObserved = 0;
        long nextChangeAt = Long.MAX_VALUE;
        List<StatusView.Detail> details = new ArrayList<>();
        for (Map<String, Tracked> sessions : partitions.values()) {
            for (Tracked session : sessions.values()) {
                Classifier.Verdict verdict = classifier.classify(session.evidence(), now);
                total++;
                boolean isRunning = verdict.state() == Classifier.State.RUNNING;
                if (isRunning) {
                    running++;
                    toolCalls |= verdict.toolCall();
                    recentActivity |= verdict.recentOnly();
                    if (!verdict.recentOnly()) {
                        subagentRuns |= session.kind() == Kind.SUBAGENT;
                        cronRuns |= session.kind() == Kind.CRON;
                        agentRuns |= session.kind() != Kind.SUBAGENT && session.kind() != Kind.CRON;
                    }
                }
                stale += verdict.state() == Classifier.State.STALE ? 1 : 0;
                completedRecently += verdict.completedRecently() ? 1 : 0;
                failures += verdict.failedRecently() ? 1 : 0;
                lastObserved = Math.max(lastObserved, verdict.updatedAtMs());
                nextChangeAt = Math.min(nextChangeAt, verdict.nextChangeAtMs());
                boolean recent = verdict.updatedAtMs() > 0 && now - verdict.updatedAtMs() < policy.detailsWindowMs();
                if (isRunning || recent) {
                    details.add(new StatusView.Detail(session.displayKey(), isRunning ? "running" : "idle",
                            session.agent(), session.kind().jsonName(), verdict.updatedAtMs()));
                }
            }
        }
        details.sort(NEWEST_FIRST);
        StatusView status = new StatusView(running, total - running, total, maxConcurrent,
                Math.max(0, maxConcurrent - running), details);
        BusyView busy = DecisionTable.decide(new DecisionTable.Tally(running, stale, completedRecently, failures,
                agentRuns, toolCalls, subagentRuns, cronRuns, recentActivity, lastObserved), health, policy);
        return new Evaluation(health.scanned(), status, busy, health, nextChangeAt);
    }
}
