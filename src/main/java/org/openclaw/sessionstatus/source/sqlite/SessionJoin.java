package org.openclaw.sessionstatus.source.sqlite;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.SessionEvidence;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.model.SessionEvidence.Owner;
import org.openclaw.sessionstatus.model.SessionKeys;

/**
 * Joins what the databases and lock files say into evidence (docs/design.md §5): per session key, an agent database's
 * window and queued inputs, the state database's running tasks for that key (a turn accepted before the agent database
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
        return session(key, agentId, row, tasks, null, gateway, owners, now);
    }

    /** @param embedded the lock of an embedded run that is this session's, or null */
    static SessionEvidence session(String key, String agentId, AgentTable.@Nullable Row row,
            @Nullable List<StateRows.Task> tasks, GatewayLocks.@Nullable Holder embedded, @Nullable Owner gateway,
            Owners owners, long now) {
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
        return new SessionEvidence(key, agentId, row == null ? null : row.chatType(), transcript, embedded == null ? null : lock(embedded, owners, now),
                store, owner, false);
    }

    /**
     * Which runs that name no session are a session's after all, so each run is counted once: a run of the
     * gateway's own goes to the first session it may run in ({@link StateRows.Task#runsIn()}) that exists; an
     * embedded run to the session it writes — the one of newest activity since its lock was taken that no gateway
     * turn claims ({@code running} status or a queued input). The others stay runs of their own.
     *
     * @param sessionOf the key a session goes by, for a key that names one; null for a key that names none
     * @param rows every window, looked at only while an embedded run holds a lock
     */
    static Attribution attribute(List<StateRows.Task> background, List<GatewayLocks.Holder> locks,
            UnaryOperator<String> sessionOf, Iterable<AgentTable.Row> rows) {
        Map<String, List<StateRows.Task>> tasks = new LinkedHashMap<>();
        List<StateRows.Task> ownRuns = new ArrayList<>();
        for (StateRows.Task task : background) {
            String session = task.runsIn().stream().map(sessionOf).filter(Objects::nonNull).findFirst().orElse(null);
            if (session == null) {
                ownRuns.add(task);
            } else {
                tasks.computeIfAbsent(session, key -> new ArrayList<>()).add(task);
            }
        }
        // An embedded run holds two lock files (gateway.state.lock, gateway.<hash>.lock): one run, by its process.
        Map<String, List<GatewayLocks.Holder>> runs = new LinkedHashMap<>();
        List<GatewayLocks.Holder> ownLocks = new ArrayList<>();
        for (GatewayLocks.Holder lock : locks.stream().sorted(Comparator.comparingLong(GatewayLocks.Holder::createdAtMs)).toList()) {
            if (lock.embedded()) {
                runs.computeIfAbsent(embeddedKey(lock), key -> new ArrayList<>()).add(lock);
            } else {
                ownLocks.add(lock);
            }
        }
        Map<String, GatewayLocks.Holder> embedded = new LinkedHashMap<>();
        for (List<GatewayLocks.Holder> run : runs.values()) {
            GatewayLocks.Holder first = run.get(0);
            AgentTable.Row writes = null;
            for (AgentTable.Row row : rows) {
                boolean free = !"running".equals(row.status()) && row.pendingInputs() == 0
                        && !embedded.containsKey(row.key()) && row.key().equals(sessionOf.apply(row.key()));
                if (free && row.lastActivity() >= first.createdAtMs()
                        && (writes == null || row.lastActivity() > writes.lastActivity())) {
                    writes = row;
                }
            }
            if (writes == null) {
                ownLocks.addAll(run);
            } else {
                embedded.put(writes.key(), first);
            }
        }
        return new Attribution(tasks, embedded, ownRuns, ownLocks);
    }

    /**
     * @param tasks runs of the gateway's own, by the session they run in
     * @param embedded embedded runs' locks, by the session each writes
     * @param ownTasks the runs of the gateway's own no session shows (yet)
     * @param ownLocks the lock files no session is known to be written under: the gateway's, and embedded runs'
     *     whose session shows nothing yet
     */
    record Attribution(Map<String, List<StateRows.Task>> tasks, Map<String, GatewayLocks.Holder> embedded,
            List<StateRows.Task> ownTasks, List<GatewayLocks.Holder> ownLocks) {
    }

    /** Runs that are not sessions (no session shows them): the gateway's own (cron, heartbeat) and embedded ones, by key. */
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

    /** An embedded ({@code --local}) run no session shows yet: its lock is its only live evidence ({@code active_agent_runs}). */
    private static void embedded(List<GatewayLocks.Holder> locks, Owners owners, long now,
            Map<String, SessionEvidence> evidence) {
        for (GatewayLocks.Holder lock : locks) {
            if (!lock.embedded()) {
                continue;
            }
            String key = embeddedKey(lock);
            SessionEvidence known = evidence.get(key);
            SessionEvidence.Lock held = lock(lock, owners, now);
            SessionEvidence.Lock knownLock = known == null ? null : known.lock();
            if (knownLock != null && knownLock.createdAtMs() < held.createdAtMs()) {
                held = new SessionEvidence.Lock(knownLock.createdAtMs(), held.maxHoldMs(), held.liveness(), held.deadSinceMs());
            }
            evidence.put(key, new SessionEvidence(key, "main", null, null, held, null, null, true));
        }
    }

    private static String embeddedKey(GatewayLocks.Holder lock) {
        return "embedded:" + lock.pid() + "-" + lock.startTime();
    }

    /** An embedded run's lock, held for the whole run: while its holder lives, its age does not matter. */
    private static SessionEvidence.Lock lock(GatewayLocks.Holder lock, Owners owners, long now) {
        Owner holder = owners.process(lock.pid(), lock.startTime(), now);
        return new SessionEvidence.Lock(lock.createdAtMs(), holder.liveness() == Liveness.ALIVE ? HELD_WHILE_ALIVE : 0,
                holder.liveness(), holder.deadSinceMs());
    }

    /** {@code agent:<id>:…} → {@code id}; OpenClaw's default agent otherwise. */
    static String agentOf(String key) {
        return SessionKeys.agent(key, "main");
    }
}
