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
import java.util.OptionalLong;
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
import org.openclaw.sessionstatus.source.AccessWarnings;
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

        Agent(String id, Path file, AgentTable table, Runnable progress, AccessWarnings warnings) {
            this.id = id;
            this.database = new Database(file, AgentTable.REQUIRED, progress, warnings);
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
    private CronJobs cronJobs = CronJobs.none();
    /** The next wake last told to the sink. */
    private OptionalLong sentWake = OptionalLong.empty();
    private boolean stateUnreadable;
    private List<GatewayLocks.Holder> locks = List.of();
    /** The lock files' dir, or one in it, may not be read: the holders last read stay. */
    private boolean locksUnreadable;
    /** The agents dir may not be listed: the agents last found stay, and what else it holds cannot be seen. */
    private boolean agentsUnreadable;
    /** Agents the file source reads: a running task of theirs is told by their session files, not here. */
    private Set<String> fileAgents = Set.of();
    /**
     * When a database vanished or was replaced since the last delivery (0: none): the keys that go with it were
     * lost from sight, not seen to end — the model holds those that were in flight.
     */
    private long lostAt;
    private final AccessWarnings warnings;
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
    /** Keys that running tasks or embedded runs were joined to last time: joined again, as they may have ended. */
    private Set<String> lastClaimed = Set.of();
    private long rescans;
    private boolean scanned;
    private @Nullable SourceHealth lastHealth;

    /** @param warnings where a path it may not read is said, once */
    public SqliteSource(Path stateDir, ProcessTable processes, EvidenceSink sink, Clock clock, AccessWarnings warnings) {
        super("sqlite-source", HEALTH);
        this.warnings = warnings;
        this.stateDir = stateDir;
        this.sink = sink;
        this.clock = clock;
        this.owners = new Owners(processes);
        this.partition = "sqlite:" + stateDir;
        this.state = new Database(StateLayout.stateDatabaseDir(stateDir).resolve(StateLayout.STATE_DATABASE),
                StateRows.REQUIRED, worker::progress, warnings);
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
        readLocks();
        sent.clear();
        sentRuns = Set.of();
        allDirty = true;
        Map<String, SessionEvidence> evidence = new HashMap<>();
        join(evidence::put, key -> { });
        sent.putAll(evidence);
        sink.accept(List.of(PartitionUpdate.replace(partition, List.copyOf(evidence.values())).lostAt(lostAt)));
        lostAt = 0;
        deliverNextWake(true);
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
            readLocks();
        }
        if (discover || lockFiles || unchanged.size() < databases.size()) {
            deliverChanges();
        }
    }

    /**
     * The safety net: the agents there are, every database's {@code data_version} again, the lock files, and the
     * owners' pids (a kill sends no event; neither does a mode changed on the state dir or a watched root).
     */
    @Override
    public void tick() {
        discoverAgents();
        agents.values().forEach(agent -> refresh(agent, false));
        refreshState(false);
        if (locksUnreadable || !GatewayLocks.listable(StateLayout.lockRoot(stateDir))) {
            readLocks();
        }
        deliverChanges();
    }

    /** Reads the lock files again; ones that may not be read keep the holders last read, and count as unreadable. */
    private void readLocks() {
        Optional<List<GatewayLocks.Holder>> read = GatewayLocks.read(StateLayout.lockRoot(stateDir), counters,
                clock.millis(), warnings);
        locksUnreadable = read.isEmpty();
        read.ifPresent(now -> {
            allDirty |= !now.equals(locks);
            locks = now;
        });
    }

    /** The database itself, its {@code -wal}/{@code -shm}/{@code -journal}: not the other SQLite files beside it. */
    private static boolean isDatabaseFile(Path path, String database) {
        String name = path.getFileName().toString();
        return name.equals(database) || name.equals(database + "-wal") || name.equals(database + "-shm")
                || name.equals(database + "-journal");
    }

    /**
     * Tracks every agent that has a database now, or whose dir may not be entered (it may hold one: unreadable, never
     * absent); an agent whose database went away is dropped with its sessions. An agents dir that may not be listed
     * keeps the agents last found, and counts as unreadable.
     */
    private void discoverAgents() {
        Set<String> found = new HashSet<>();
        Set<String> files = new HashSet<>();
        Path agentsRoot = StateLayout.agents(stateDir);
        StateLayout.Entry root = StateLayout.probe(agentsRoot);
        agentsUnreadable = root == StateLayout.Entry.DENIED;
        if (agentsUnreadable) {
            warnings.denied(agentsRoot);
            return;
        }
        if (root == StateLayout.Entry.DIRECTORY) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(agentsRoot)) {
                for (Path dir : dirs) {
                    String id = dir.getFileName().toString();
                    StateLayout.Era era = StateLayout.probe(dir) == StateLayout.Entry.DIRECTORY ? StateLayout.era(dir)
                            : StateLayout.Era.NONE;
                    if (era == StateLayout.Era.FILES) {
                        files.add(id);
                    } else if (era == StateLayout.Era.DATABASE || era == StateLayout.Era.DENIED) {
                        found.add(id);
                        if (!agents.containsKey(id)) {
                            Agent agent = new Agent(id, StateLayout.agentDatabase(dir),
                                    new AgentTable(counters, clock::millis), worker::progress, warnings);
                            agents.put(id, agent);
                            refresh(agent, true);
                            allDirty = true;
                        }
                    }
                }
            } catch (IOException e) {
                warnings.denied(agentsRoot);
                agentsUnreadable = true;
                return;
            }
        }
        allDirty |= !files.equals(fileAgents);
        fileAgents = Set.copyOf(files);
        agents.entrySet().removeIf(entry -> {
            if (found.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().database.close();
            allDirty = true;
            lost();
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
            if (agent.database.replaced()) {
                lost();
            }
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
            if (!stateRows.runningTasks().isEmpty()) {
                lost();
            }
            stateRows = StateRows.none();
            cronJobs = CronJobs.none();
            stateUnreadable = false;
            return false;
        }
        try {
            Optional<StateRead> rows = state.readIfChanged((queries, fresh) ->
                    new StateRead(StateRows.read(queries, counters, clock.millis()), CronJobs.read(queries)), force);
            rows.ifPresent(read -> {
                stateRows = read.rows();
                cronJobs = read.cronJobs();
            });
            if (state.replaced()) {
                lost();
            }
            stateUnreadable = false;
            return rows.isPresent();
        } catch (Database.Unreadable e) {
            stateUnreadable = true;
            return false;
        }
    }

    /**
     * Joins the keys that need it — every key after an agent came or went or the gateway's liveness changed, else
     * the keys whose rows changed and every key with a running task or an embedded run (few, and their owners may
     * have died) — and the runs that are not sessions. A run is counted once: keys naming one session (a cron job and
     * its run) are joined as one, under the shortest; a run of the gateway's own, or an embedded run, that a session
     * shows is that session's.
     *
     * @param upsert receives each joined session
     * @param gone receives each key that no longer has any evidence, or is another key's twin
     */
    private void join(BiConsumer<String, SessionEvidence> upsert, Consumer<String> gone) {
        long now = clock.millis();
        owners.begin();
        try {
            Owner gateway = owners.gateway(locks, stateRows.gatewayLease(), now);
            Map<String, List<StateRows.Task>> tasks = new HashMap<>();
            stateRows.tasksBySession().forEach((key, running) -> {
                if (!readByFiles(SessionJoin.agentOf(key))) {
                    String session = sessionOf(key);
                    tasks.computeIfAbsent(session == null ? key : session, k -> new ArrayList<>()).addAll(running);
                }
            });
            SessionJoin.Attribution attribution = SessionJoin.attribute(stateRows.backgroundTasks(), locks,
                    this::sessionOf, () -> agents.values().stream().flatMap(a -> a.table.rows().values().stream()).iterator());
            attribution.tasks().forEach((key, running) -> tasks.computeIfAbsent(key, k -> new ArrayList<>()).addAll(running));
            Set<String> claimed = new HashSet<>(tasks.keySet());
            claimed.addAll(attribution.embedded().keySet());
            Set<String> keys = new HashSet<>(dirty);
            if (allDirty || !Objects.equals(gateway, lastGateway)) {
                agents.values().forEach(agent -> keys.addAll(agent.table.rows().keySet()));
                sent.values().stream().filter(e -> !e.background()).forEach(e -> keys.add(e.key()));
            }
            keys.addAll(claimed);
            keys.addAll(lastClaimed);
            for (String key : keys) {
                Agent agent = agentOf(key);
                if (agent != null && !agent.table.canonical(key).equals(key)) {
                    gone.accept(key); // its session goes by a shorter key, which carries it
                    continue;
                }
                AgentTable.Row row = agent == null ? null : agent.table.session(key);
                List<StateRows.Task> running = tasks.get(key);
                if (row == null && running == null) {
                    gone.accept(key);
                } else {
                    upsert.accept(key, SessionJoin.session(key, agent != null ? agent.id : SessionJoin.agentOf(key), row,
                            running, attribution.embedded().get(key), gateway, owners, now));
                }
            }
            Map<String, SessionEvidence> runs = SessionJoin.runs(attribution.ownTasks(), attribution.ownLocks(), gateway,
                    owners, now);
            runs.forEach(upsert);
            sentRuns.stream().filter(key -> !runs.containsKey(key)).forEach(gone);
            sentRuns = runs.keySet();
            lastGateway = gateway;
            lastClaimed = claimed;
            dirty.clear();
            allDirty = false;
        } finally {
            owners.end();
        }
    }

    /**
     * Whether the file source reads this agent: as last discovered, or — for an agent with no database here, whose
     * task may come before this source saw its session dir appear — as its dir is now.
     */
    private boolean readByFiles(String agentId) {
        return fileAgents.contains(agentId) || !agents.containsKey(agentId) && StateLayout.isAgentId(agentId)
                && StateLayout.era(StateLayout.agents(stateDir).resolve(agentId)) == StateLayout.Era.FILES;
    }

    /** The key the session a key names goes by (see {@link AgentTable#canonical}); null when no agent has it. */
    private @Nullable String sessionOf(String key) {
        Agent agent = agentOf(key);
        return agent == null ? null : agent.table.canonical(key);
    }

    private @Nullable Agent agentOf(String key) {
        for (Agent agent : agents.values()) {
            if (agent.table.rows().containsKey(key)) {
                return agent;
            }
        }
        return null;
    }

    private void lost() {
        if (lostAt == 0) {
            lostAt = Math.max(1, clock.millis());
        }
    }

    /**
     * Sends only what changed since the last delivery: new or changed sessions, and keys that are gone — lost from
     * sight when a database vanished or was replaced meanwhile.
     */
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
            sink.accept(List.of(PartitionUpdate.patch(partition, upserts, removed).lostAt(lostAt)));
        }
        lostAt = 0;
        deliverNextWake(false);
        publishHealth(false);
    }

    /** The state database's rows, read in one transaction. */
    private record StateRead(StateRows rows, CronJobs cronJobs) {
    }

    /** The earliest pending cron run, when it changed, or {@code always} (a rescan: the model may have started over). */
    private void deliverNextWake(boolean always) {
        OptionalLong wake = cronJobs.nextWake();
        if (always || !wake.equals(sentWake)) {
            sentWake = wake;
            sink.nextWake(HEALTH, wake);
        }
    }

    private void publishHealth(boolean rescanning) {
        int unreadable = (int) agents.values().stream().filter(agent -> agent.unreadable).count() + (stateUnreadable ? 1 : 0)
                + (agentsUnreadable ? 1 : 0) + (locksUnreadable ? 1 : 0);
        int readable = (int) agents.values().stream().filter(agent -> !agent.unreadable).count()
                + (state.exists() && !stateUnreadable ? 1 : 0);
        SourceHealth health = new SourceHealth(HEALTH, scanned, readable, unreadable, rescanning,
                counters.skippedCount(), rescans, worker.watcherErrors(), counters.futureTimestampCount());
        if (!health.equals(lastHealth)) {
            lastHealth = health;
            sink.health(health);
        }
    }
}
