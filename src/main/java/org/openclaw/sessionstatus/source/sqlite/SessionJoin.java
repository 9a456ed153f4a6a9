package org.openclaw.sessionstatus.source.sqlite;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.SessionEvidence;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.model.SessionEvidence.Owner;

/**
 * Joins what the databases and lock files say into evidence (SPEC §2b): per session key, an agent database's window
 * and queued inputs, the state database's running tasks for that key (a turn accepted before the agent database
 * shows it), and the owner of those claims; and the runs that are not sessions — the gateway's own (cron, heartbeat)
 * and embedded ones — as background evidence: busy, but not in the status.
 */
final class SessionJoin {
    /** An embedded run's lock is held for the whole run: while its holder lives, its age does not matter. */
    private static final long HELD_WHILE_ALIVE = Long.MAX_VALUE / 4;

    private SessionJoin() {
    }

    /**
     * One session key: its current window and queued inputs in its agent's database (null until the database shows
     * it), and its running tasks (null when none); one of the two at least.
     */
    static SessionEvidence session(String key, String agentId, AgentTable.@Nullable Row row,
            @Nullable List<StateRows.Task> tasks, @Nullable Owner gateway, Owners owners, long now) {
        long activity = row == null ? 0 : row.lastActivity();
        boolean windowClaims = row != null && ("running".equals(row.status()) || row.pendingInputs() > 0);
        Owner owner = windowClaims || tasks == null ? gateway : null;
        if (tasks != null) {
            for (StateRows.Task task : tasks) {
                activity = Math.max(activity, task.lastActivity());
                owner = Owners.either(owner, owners.task(task, gateway, now));
            }
        }
        SessionEvidence.Store store = new SessionEvidence.Store(activity, row == null ? null : row.status(),
                row == null ? 0 : row.endedAt(), row == null ? 0 : row.pendingInputs(), tasks != null);
        SessionEvidence.Transcript transcript = row == null || row.transcriptUpdatedAt() == 0 ? null
                : new SessionEvidence.Transcript(row.transcriptUpdatedAt(), 0, row.transcript().phase(),
                        row.transcript().lastMessageAtMs());
        return new SessionEvidence(key, agentId, row == null ? null : row.chatType(), transcript, null, store, owner,
                false);
    }

    /** Runs that are not sessions: the gateway's own (cron, heartbeat) and embedded ones, by key. */
    static Map<String, SessionEvidence> runs(List<StateRows.Task> backgroundTasks, List<GatewayLocks.Holder> locks,
            @Nullable Owner gateway, Owners owners, long now) {
        Map<String, SessionEvidence> runs = new LinkedHashMap<>();
        for (StateRows.Task task : backgroundTasks) {
            runs.put(backgroundKey(task), background(task, owners.task(task, gateway, now)));
        }
        embedded(locks, owners, now, runs);
        return runs;
    }

    /** A cron or heartbeat run: busy ({@code active_cron_runs}), counted in totals, not a session. */
    private static SessionEvidence background(StateRows.Task task, @Nullable Owner owner) {
        return new SessionEvidence(backgroundKey(task), "main", null, null, null,
                new SessionEvidence.Store(task.lastActivity(), "running", 0, 0, true), owner, true);
    }

    private static String backgroundKey(StateRows.Task task) {
        return ("cron".equals(task.runtime()) ? "cron:" : "task:") + task.id();
    }

    /** An embedded ({@code --local}) run: its lock is its only live evidence ({@code active_agent_runs}). */
    private static void embedded(List<GatewayLocks.Holder> locks, Owners owners, long now,
            Map<String, SessionEvidence> evidence) {
        for (GatewayLocks.Holder lock : locks) {
            if (!lock.embedded()) {
                continue;
            }
            String key = "embedded:" + lock.pid() + "-" + lock.startTime();
            Owner holder = owners.process(lock.pid(), lock.startTime(), now);
            SessionEvidence known = evidence.get(key);
            SessionEvidence.Lock knownLock = known == null ? null : known.lock();
            long createdAt = knownLock == null ? lock.createdAtMs()
                    : Math.min(knownLock.createdAtMs(), lock.createdAtMs());
            evidence.put(key, new SessionEvidence(key, "main", null, null, new SessionEvidence.Lock(createdAt,
                    holder.liveness() == Liveness.ALIVE ? HELD_WHILE_ALIVE : 0, holder.liveness(), holder.deadSinceMs()),
                    null, null, true));
        }
    }

    /** {@code agent:<id>:…} → {@code id}; OpenClaw's default agent otherwise. */
    static String agentOf(String key) {
        if (key.startsWith("agent:")) {
            int end = key.indexOf(':', "agent:".length());
            if (end > "agent:".length()) {
                return key.substring("agent:".length(), end);
            }
        }
        return "main";
    }
}
