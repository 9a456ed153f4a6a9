package org.openclaw.sessionstatus.source.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.EvidenceSink;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.ProcessTable;
import org.openclaw.sessionstatus.source.ReadCounters;
import org.openclaw.sessionstatus.source.StateLayout;
import org.openclaw.sessionstatus.source.WatchedSource;
import org.tinylog.Logger;

/**
 * The file-era source (OpenClaw up to 2026.7.1): session dirs → {@link org.openclaw.sessionstatus.model.SessionEvidence},
 * one partition per dir. Its worker reads what file events name; every tick it re-checks the holders of held locks,
 * since a killed gateway sends no event. It reports how many session dirs it can read.
 */
public final class FileSource extends WatchedSource {
    static final String HEALTH = "dirs";

    private final Path stateDir;
    private final List<Path> extraDirs;
    private final EvidenceSink sink;
    private final Clock clock;
    private final ProcessTable processes;
    private final Map<Path, SessionDir> dirs = new HashMap<>();
    /** Session dirs read before that cannot be read now: their sessions stay as last read. */
    private final Set<Path> unreadable = new HashSet<>();
    /** What the last discovery could not see: the state dir, the agents dir, an extra dir. */
    private Set<Path> undiscoverable = Set.of();
    private final ReadCounters counters = new ReadCounters();
    private final AccessWarnings warnings;
    private long rescans;
    private boolean scanned;
    private @Nullable SourceHealth lastHealth;

    /** @param warnings where a path it may not read is said, once */
    public FileSource(Path stateDir, List<Path> extraDirs, ProcessTable processes, EvidenceSink sink, Clock clock,
            AccessWarnings warnings) {
        super("file-source", HEALTH);
        this.warnings = warnings;
        this.stateDir = stateDir;
        this.extraDirs = List.copyOf(extraDirs);
        this.sink = sink;
        this.clock = clock;
        this.processes = processes;
        sink.health(SourceHealth.starting(HEALTH));
    }

    /** The state dir's {@code agents} dir (session dirs two levels down) and each extra session dir. */
    @Override
    protected List<Path> roots() {
        List<Path> roots = new ArrayList<>();
        roots.add(StateLayout.agents(stateDir));
        roots.addAll(extraDirs);
        return roots;
    }

    /**
     * Re-checks the holders of held locks, and what may be read: a mode or owner changed at runtime sends no event
     * for the state dir or a watched root itself, and "may not be read" must never linger as "nothing there".
     */
    @Override
    public void tick() {
        long now = clock.millis();
        List<PartitionUpdate> updates = new ArrayList<>();
        SessionDirs.Discovery discovery = SessionDirs.discover(stateDir, extraDirs, warnings);
        undiscoverable = discovery.unreadable();
        Set<Path> recheck = new HashSet<>(discovery.found().keySet());
        recheck.addAll(discovery.denied());
        recheck.addAll(dirs.keySet());
        for (Path dir : recheck) {
            // A dir read as it was is left alone; one that appeared, went, or turned (un)readable is read again.
            SessionDirs.State state = SessionDirs.state(dir, extraDirs);
            boolean readableNow = state == SessionDirs.State.READ && StateLayout.listable(dir);
            if (!dirs.containsKey(dir) || state != SessionDirs.State.READ || readableNow == unreadable.contains(dir)) {
                scanDir(dir, SessionDirs.agentIdOf(dir), now).ifPresent(updates::add);
            }
        }
        for (SessionDir dir : dirs.values()) {
            dir.recheckLocks(now).ifPresent(updates::add);
        }
        deliver(updates);
        publishHealth(false);
    }

    @Override
    public void changed(Set<Path> paths) {
        long now = clock.millis();
        ChangeRouting.Plan plan = ChangeRouting.route(paths, StateLayout.agents(stateDir), extraDirs);
        Set<Path> wholeDirs = new HashSet<>(plan.dirs());
        List<PartitionUpdate> updates = new ArrayList<>();
        plan.files().forEach((dir, names) -> {
            SessionDir known = dirs.get(dir);
            if (known == null) {
                wholeDirs.add(dir);
            } else {
                names.forEach(name -> known.changed(name, now).ifPresent(updates::add));
            }
        });
        for (Path dir : wholeDirs) {
            scanDir(dir, SessionDirs.agentIdOf(dir), now).ifPresent(updates::add);
        }
        deliver(updates);
        publishHealth(false);
    }

    /** Reads every session dir there is now; dirs that are gone are dropped, so nothing is lost or duplicated. */
    @Override
    public void rescan(@Nullable String why) {
        if (why != null) {
            Logger.info("file source: rescanning everything: {}", why);
            publishHealth(true);
        }
        rescans++;
        long now = clock.millis();
        unreadable.clear();
        SessionDirs.Discovery discovery = SessionDirs.discover(stateDir, extraDirs, warnings);
        undiscoverable = discovery.unreadable();
        Map<Path, String> found = discovery.found();
        List<PartitionUpdate> updates = new ArrayList<>();
        for (Path gone : new ArrayList<>(dirs.keySet())) {
            if (!found.containsKey(gone)) {
                scanDir(gone, SessionDirs.agentIdOf(gone), now).ifPresent(updates::add);
            }
        }
        found.forEach((dir, agentId) -> {
            scanDir(dir, agentId, now).ifPresent(updates::add);
            worker.progress();
        });
        deliver(updates);
        scanned = true;
        publishHealth(false);
    }

    /**
     * Reads one dir whole; a dir that is gone (what it said in flight held as lost from sight), or now belongs to an
     * agent with a database, is dropped. One that may
     * not be entered or listed keeps what it said last and counts as unreadable, if this source was reading it (or
     * an operator named it); an agent's dir that was never read is the SQLite source's to count.
     */
    private Optional<PartitionUpdate> scanDir(Path dir, String agentId, long now) {
        SessionDirs.State state = SessionDirs.state(dir, extraDirs);
        if (state == SessionDirs.State.GONE || state == SessionDirs.State.MOVED) {
            SessionDir gone = dirs.remove(dir);
            unreadable.remove(dir);
            return gone == null ? Optional.empty() : Optional.of(PartitionUpdate.drop(gone.partition())
                    .lostAt(state == SessionDirs.State.GONE ? now : 0));
        }
        if (state == SessionDirs.State.DENIED) {
            warnings.denied(dir);
            if (dirs.containsKey(dir) || extraDirs.contains(dir)) {
                unreadable.add(dir);
            }
            return Optional.empty();
        }
        SessionDir sessionDir = dirs.computeIfAbsent(dir, d -> new SessionDir(d, agentId, processes, counters, worker::progress, warnings));
        try {
            PartitionUpdate update = sessionDir.scan(now);
            unreadable.remove(dir);
            warnings.readable(dir);
            return Optional.of(update);
        } catch (AccessDeniedException e) {
            warnings.denied(dir);
            unreadable.add(dir);
            return Optional.empty();
        } catch (IOException e) {
            Logger.warn("cannot read session dir {}: {}", dir, e.getMessage());
            unreadable.add(dir);
            return Optional.empty();
        }
    }

    private void deliver(List<PartitionUpdate> updates) {
        if (!updates.isEmpty()) {
            sink.accept(updates);
        }
    }

    /** A dir counts as unreadable when it cannot be listed, or its store exists but may not be read. */
    private void publishHealth(boolean rescanning) {
        int storesUnreadable = (int) dirs.entrySet().stream()
                .filter(dir -> !unreadable.contains(dir.getKey()) && dir.getValue().storeUnreadable()).count();
        int readable = (int) dirs.keySet().stream().filter(dir -> !unreadable.contains(dir)).count() - storesUnreadable;
        SourceHealth health = new SourceHealth(HEALTH, scanned, readable,
                unreadable.size() + undiscoverable.size() + storesUnreadable,
                rescanning, counters.skippedCount(), rescans, worker.watcherErrors(), counters.futureTimestampCount());
        if (!health.equals(lastHealth)) {
            lastHealth = health;
            sink.health(health);
        }
    }
}
