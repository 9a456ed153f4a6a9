package org.openclaw.sessionstatus.source.sqlite;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.EvidenceSink;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.SessionEvidence;
import org.openclaw.sessionstatus.model.SessionEvidence.Owner;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.source.ProcessTable;
import org.openclaw.sessionstatus.source.ReadCounters;
import org.openclaw.sessionstatus.source.StateLayout;
import org.openclaw.sessionstatus.source.WatchedSource;
import org.tinylog.Logger;

/**
 * The SQLite-era source (OpenClaw 2026.7.2 and later): every agent database, the state database and the gateway's
 * lock files → one piece of evidence per session key, in one partition. Native events on the databases' files only
 * trigger a check of {@code PRAGMA data_version} (the gateway touches them every ~2 s even when idle); rows are read
 * only when it moved, and only the keys that changed are joined again. Every tick re-checks the databases (a safety
 * net) and the owners' pids, since a killed gateway sends no event. It reports how many databases it can read: one it
 * cannot open, read or interpret makes the answer partial, never idle, and keeps the sessions it last read.
 */
public final class SqliteSource extends WatchedSource {
    static final String HEALTH = "databases";
    /**
     * When an event's check found no commit yet, every database is checked again after these delays, one after the
     * other: SQLite writes the WAL (which sends the event), then syncs it, then updates its index in shared memory
     * (which sends none). An unchanged check costs one cached statement; past the last, the tick looks.
     */
    private static final List<Duration> RECHECK_AFTER = Stream.of(250L, 1_000L, 3_000L, 10_000L, 30_000L)
            .map(micros -> Duration.of(micros, ChronoUnit.MICROS)).toList();
    /** Marks a redelivered batch as the n-th re-check; not a path of the state dir. */
    private static final List<Path> RECHECKS = RECHECK_AFTER.stream().map(after -> Path.of("(re-check after " + after + ")"))
            .toList();

    /** One agent's database and what it says. */
    private static final class Agent {
        final String id;
        final Database database;
        final AgentTable table;
        boolean unreadable;

        Agent(String id, Path file, AgentTable table, Runnable progress) {
            this.id = id;
            this.database = new Database(file, AgentTable.REQUIRED, progress);
            this.table = table;
        }
    }

    private final Path stateDir;
    private final EvidenceSink sink;
    private final Clock clock;
    private final Owners owners;
    private final String partition;
    private final Map<String, Agent> agents = new TreeMap<>();
    private final Database state;
    private final ReadCounters counters = new ReadCounters();
    private StateRows stateRows = StateRows.none();
    private boolean stateUnreadable;
    private List<GatewayLocks.Holder> locks = List.of();
    private final Map<String, SessionEvidence> sent = new HashMap<>();
    /** The keys of runs that are not sessions (cron, heartbeat, embedded), among those sent. */
    private Set<String> sentRuns = Set.of();
    /** The databases (agent ids; null for the state database) whose events found no commit yet: checked again. */
    private Set<String> rechecking = Set.of();
    /** Keys whose rows changed since the last delivery. */
    private final Set<String> dirty = new HashSet<>();
    /** Every key must be joined again: an agent came or went, or the gateway's liveness changed. */
    private boolean allDirty;
    private @Nullable Owner lastGateway;
    private Set<String> lastTaskKeys = Set.of();
    private long rescans;
    private boolean scanned;
    private @Nullable SourceHealth lastHealth;

    public SqliteSource(Path stateDir, ProcessTable processes, EvidenceSink sink, Clock clock) {
        super("sqlite-source", HEALTH);
        this.stateDir = stateDir;
        this.sink = sink;
        this.clock = clock;
        this.owners = new Owners(processes);
        this.partition = "sqlite:" + stateDir;
        this.state = new Database(StateLayout.stateDatabaseDir(stateDir).resolve(StateLayout.STATE_DATABASE),
                StateRows.REQUIRED, worker::progress);
        sink.health(SourceHealth.starting(HEALTH));
    }

    /** The agents dir (databases two levels down), the state database's dir, and the lock files' dir. */
    @Override
    protected List<Path> roots() {
        return List.of(StateLayout.agents(stateDir), StateLayout.stateDatabaseDir(stateDir), StateLayout.lockRoot(stateDir));
    }

    @Override
    public void rescan(@Nullable String why) {
        if (why != null) {
            Logger.info("sqlite source: rereading everything: {}", why);
            publishHealth(true);
        }
        rescans++;
        discoverAgents();
        agents.values().forEach(agent -> {
            refresh(agent, true);
            worker.progress();
        });
        refreshState(true);
        locks = GatewayLocks.read(StateLayout.lockRoot(stateDir), counters, clock.millis());
        sent.clear();
        sentRuns = Set.of();
        allDirty = true;
        Map<String, SessionEvidence> evidence = new HashMap<>();
        join(evidence::put, key -> { });
        sent.putAll(evidence);
        sink.accept(List.of(PartitionUpdate.replace(partition, List.copyOf(evidence.values()))));
        scanned = true;
        publishHealth(false);
    }

    @Override
    public void changed(Set<Path> paths) {
        Path agentsRoot = StateLayout.agents(stateDir);
        Path lockRoot = StateLayout.lockRoot(stateDir);
        boolean discover = false;
        boolean lockFiles = false;
        Set<String> databases = new HashSet<>();
        int recheck = -1;
        for (int i = 0; i < RECHECKS.size(); i++) {
            if (paths.contains(RECHECKS.get(i))) {
                recheck = i;
                databases.addAll(rechecking);
            }
        }
        for (Path path : paths) {
            if (path.startsWith(agentsRoot) && !path.equals(agentsRoot)) {
                Path relative = agentsRoot.relativize(path);
                if (relative.getNameCount() <= 2 || isDatabaseFile(path, StateLayout.AGENT_DATABASE)) {
                    // The agent, its dir or its database came or went: not the WAL's writes, many a second.
                    discover |= relative.getNameCount() <= 2
                            || path.getFileName().toString().equals(StateLayout.AGENT_DATABASE);
                    databases.add(relative.getName(0).toString());
                }
            } else if (path.startsWith(StateLayout.stateDatabaseDir(stateDir))
                    && isDatabaseFile(path, StateLayout.STATE_DATABASE)) {
                databases.add(null);
            } else if (GatewayLocks.concerns(path, lockRoot)) {
                lockFiles = true;
            }
        }
        if (discover) {
            discoverAgents();
        }
        Set<String> unchanged = new HashSet<>();
        for (String agentId : databases) {
            boolean committed = agentId == null ? refreshState(false)
                    : agents.containsKey(agentId) && refresh(agents.get(agentId), false);
            if (!committed) {
                unchanged.add(agentId);
            }
        }
        rechecking = unchanged;
        if (!unchanged.isEmpty() && recheck + 1 < RECHECKS.size()) {
            worker.redeliver(Set.of(RECHECKS.get(recheck + 1)), RECHECK_AFTER.get(recheck + 1));
        }
        if (lockFiles) {
            List<GatewayLocks.Holder> now = GatewayLocks.read(lockRoot, counters, clock.millis());
            allDirty |= !now.equals(locks);
            locks = now;
        }
        if (discover || lockFiles || unchanged.size() < databases.size()) {
            deliverChanges();
        }
    }

    /** The safety net: every database's {@code data_version} again, and the owners' pids (a kill sends no event). */
    @Override
    public void tick() {
        if (agents.values().stream().anyMatch(agent -> !agent.database.exists())) {
            discoverAgents();
        }
        agents.values().forEach(agent -> refresh(agent, false));
        refreshState(false);
        deliverChanges();
    }

    /** The database itself, its {@code -wal}/{@code -shm}/{@code -journal}: not the other SQLite files beside it. */
    private static boolean isDatabaseFile(Path path, String database) {
        String name = path.getFileName().toString();
        return name.equals(database) || name.equals(database + "-wal") || name.equals(database + "-shm")
                || name.equals(database + "-journal");
    }

    /** Tracks every agent that has a database now; an agent whose database went away is dropped with its sessions. */
    private void discoverAgents() {
        Set<String> found = new HashSet<>();
        Path agentsRoot = StateLayout.agents(stateDir);
        if (Files.isDirectory(agentsRoot)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(agentsRoot)) {
                for (Path dir : dirs) {
                    String id = dir.getFileName().toString();
                    if (StateLayout.hasDatabase(dir)) {
                        found.add(id);
                        if (!agents.containsKey(id)) {
                            Agent agent = new Agent(id, StateLayout.agentDatabase(dir),
                                    new AgentTable(counters, clock::millis), worker::progress);
                            agents.put(id, agent);
                            refresh(agent, true);
                            allDirty = true;
                        }
                    }
                }
            } catch (IOException e) {
                Logger.warn("sqlite source: cannot list {}: {}", agentsRoot, e.getMessage());
                return;
            }
        }
        agents.entrySet().removeIf(entry -> {
            if (found.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().database.close();
            allDirty = true;
            return true;
        });
    }

    /**
     * Reads what changed in an agent's rows; one that cannot be read keeps what it said last, and counts as unreadable.
     *
     * @return whether anything was committed since the last read
     */
    private boolean refresh(Agent agent, boolean force) {
        if (!agent.database.exists()) {
            return false; // gone: the next discovery drops it
        }
        try {
            Optional<Set<String>> changed = agent.database.readIfChanged(agent.table::read, force);
            changed.ifPresent(dirty::addAll);
            agent.unreadable = false;
            return changed.isPresent();
        } catch (Database.Unreadable e) {
            agent.unreadable = true;
            return false;
        }
    }

    /** @return whether anything was committed since the last read */
    private boolean refreshState(boolean force) {
        if (!state.exists()) {
            state.close();
            stateRows = StateRows.none();
            stateUnreadable = false;
            return false;
        }
        try {
            Optional<StateRows> rows = state.readIfChanged((queries, fresh) -> StateRows.read(queries, counters, clock.millis()), force);
            rows.ifPresent(read -> stateRows = read);
            stateUnreadable = false;
            return rows.isPresent();
        } catch (Database.Unreadable e) {
            stateUnreadable = true;
            return false;
        }
    }

    /**
     * Joins the keys that need it — every key after an agent came or went or the gateway's liveness changed, else
     * the keys whose rows changed and every key with a running task (few, and their owners may have died) — and the
     * runs that are not sessions.
     *
     * @param upsert receives each joined session
     * @param gone receives each key that no longer has any evidence
     */
    private void join(BiConsumer<String, SessionEvidence> upsert, Consumer<String> gone) {
        long now = clock.millis();
        owners.begin();
        try {
            Owner gateway = owners.gateway(locks, stateRows.gatewayLease(), now);
            Map<String, List<StateRows.Task>> tasks = stateRows.tasksBySession();
            Set<String> keys = new HashSet<>(dirty);
            if (allDirty || !Objects.equals(gateway, lastGateway)) {
                agents.values().forEach(agent -> keys.addAll(agent.table.rows().keySet()));
                sent.values().stream().filter(e -> !e.background()).forEach(e -> keys.add(e.key()));
            }
            keys.addAll(tasks.keySet());
            keys.addAll(lastTaskKeys);
            for (String key : keys) {
                Agent agent = agentOf(key);
                AgentTable.Row row = agent == null ? null : agent.table.rows().get(key);
                List<StateRows.Task> running = tasks.get(key);
                if (row == null && running == null) {
                    gone.accept(key);
                } else {
                    upsert.accept(key, SessionJoin.session(key, agent != null ? agent.id : SessionJoin.agentOf(key),
                            row, running, gateway, owners, now));
                }
            }
            Map<String, SessionEvidence> runs = SessionJoin.runs(stateRows.backgroundTasks(), locks, gateway, owners, now);
            runs.forEach(upsert);
            sentRuns.stream().filter(key -> !runs.containsKey(key)).forEach(gone);
            sentRuns = runs.keySet();
            lastGateway = gateway;
            lastTaskKeys = tasks.keySet();
            dirty.clear();
            allDirty = false;
        } finally {
            owners.end();
        }
    }

    private @Nullable Agent agentOf(String key) {
        for (Agent agent : agents.values()) {
            if (agent.table.rows().containsKey(key)) {
                return agent;
            }
        }
        return null;
    }

    /** Sends only what changed since the last delivery: new or changed sessions, and keys that are gone. */
    private void deliverChanges() {
        List<SessionEvidence> upserts = new ArrayList<>();
        Set<String> removed = new HashSet<>();
        join((key, evidence) -> {
            if (!evidence.equals(sent.get(key))) {
                sent.put(key, evidence);
                upserts.add(evidence);
            }
        }, key -> {
            if (sent.remove(key) != null) {
                removed.add(key);
            }
        });
        if (!upserts.isEmpty() || !removed.isEmpty()) {
            sink.accept(List.of(PartitionUpdate.patch(partition, upserts, removed)));
        }
        publishHealth(false);
    }

    private void publishHealth(boolean rescanning) {
        int unreadable = (int) agents.values().stream().filter(agent -> agent.unreadable).count() + (stateUnreadable ? 1 : 0);
        int readable = agents.size() + (state.exists() ? 1 : 0) - unreadable;
        SourceHealth health = new SourceHealth(HEALTH, scanned, Math.max(0, readable), unreadable, rescanning,
                counters.skippedCount(), rescans, worker.watcherErrors(), counters.futureTimestampCount());
        if (!health.equals(lastHealth)) {
            lastHealth = health;
            sink.health(health);
        }
    }
}
