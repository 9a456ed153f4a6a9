package org.openclaw.sessionstatus.source;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.openclaw.sessionstatus.model.EvidenceSink;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.slf4j.helpers.NOPLogger;
import org.tinylog.Logger;

/**
 * The file-era source: OpenClaw's session dirs → {@link org.openclaw.sessionstatus.model.SessionEvidence}.
 *
 * <p>Native file events (directory-watcher, no hashing) only name what changed; one worker thread reads what they
 * name, coalescing bursts, and delivers evidence to the sink. Every {@value #TICK_MS} ms it also re-checks the
 * holders of held locks (a killed gateway sends no event), re-arms watches whose root was deleted, and re-reads the
 * gateway config for {@code maxConcurrent: "auto"}. A watcher exception — the way an inotify overflow arrives — means
 * events were lost: everything is rescanned.
 */
public final class FileSource implements AutoCloseable {
    static final long TICK_MS = 1_000;
    /** No loop for this long means the worker is stuck: a full scan of 100 000 sessions takes a few seconds. */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Path RESCAN = Path.of("");
    private static final Path SQLITE_STORE = Path.of("agent", "openclaw-agent.sqlite");

    /** The settings of this source. */
    public record Settings(Path stateDir, List<Path> extraSessionDirs, boolean lockPidCheck,
            Optional<Path> gatewayConfigForAutoMaxConcurrent) {
    }

    /** A watched root: the state dir's {@code agents} dir (session dirs two levels down), or an extra session dir. */
    private record Root(Path path, boolean agents) {
    }

    private final Settings settings;
    private final EvidenceSink sink;
    private final Clock clock;
    private final ProcessTable processes;
    private final BlockingQueue<Path> changes = new LinkedBlockingQueue<>();
    private final Map<Root, DirectoryWatcher> watchers = new HashMap<>();
    private final Set<Root> rootsGone = ConcurrentHashMap.newKeySet();
    private final Map<Path, SessionDir> dirs = new HashMap<>();
    private final Set<Path> unreadable = new HashSet<>();
    private final LongAdder skippedFiles = new LongAdder();
    private final AtomicLong watcherErrors = new AtomicLong();
    private final Thread worker;
    private long rescans;
    private boolean scanned;
    /** After an unexpected failure: rescan on the next tick, not at once, so a persistent fault cannot spin. */
    private boolean rescanOnTick;
    private SourceHealth lastHealth;
    private FileTime gatewayConfigSeen;
    private volatile boolean closed;
    private volatile long lastProgressNanos = System.nanoTime();

    public FileSource(Settings settings, EvidenceSink sink, Clock clock) {
        this(settings, sink, clock, Path.of("/proc"));
    }

    FileSource(Settings settings, EvidenceSink sink, Clock clock, Path proc) {
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        this.processes = new ProcessTable(proc, settings.lockPidCheck());
        this.worker = new Thread(this::run, "file-source");
        worker.setDaemon(true);
    }

    /** Reads everything once and delivers it, on the calling thread: for one-shot commands. */
    public void scanOnce() {
        rescan(null);
    }

    /** Arms the watches, scans, then follows changes on a worker thread until closed. */
    public void start() {
        worker.start();
    }

    /** Whether the worker thread is alive and going round its loop (at least once per tick when idle). */
    public boolean healthy() {
        return worker.isAlive() && System.nanoTime() - lastProgressNanos < STUCK_NANOS;
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
        synchronized (watchers) {
            for (DirectoryWatcher watcher : watchers.values()) {
                closeQuietly(watcher);
            }
            watchers.clear();
        }
    }

    private void run() {
        armMissingRoots();
        rescan(null);
        long nextTick = clock.millis() + TICK_MS;
        Set<Path> batch = new LinkedHashSet<>();
        while (!closed) {
            lastProgressNanos = System.nanoTime();
            try {
                Path first = changes.poll(Math.max(1, nextTick - clock.millis()), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    drainTo(batch);
                }
                if (batch.remove(RESCAN)) {
                    // The rescan reads the present state: changes queued before it are covered.
                    batch.clear();
                    drainTo(batch);
                    batch.clear();
                    rescan("file events were lost (watcher errors so far: " + watcherErrors.get() + ")");
                } else if (!batch.isEmpty()) {
                    handle(batch);
                    batch.clear();
                }
                if (clock.millis() >= nextTick) {
                    tick();
                    nextTick = clock.millis() + TICK_MS;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Logger.error(e, "file source: unexpected failure; rescanning on the next tick");
                rescanOnTick = true;
            }
        }
    }

    private void drainTo(Set<Path> batch) {
        List<Path> drained = new ArrayList<>();
        changes.drainTo(drained);
        batch.addAll(drained);
    }

    private void tick() {
        long now = clock.millis();
        List<PartitionUpdate> updates = new ArrayList<>();
        for (SessionDir dir : dirs.values()) {
            dir.recheckLocks(now).ifPresent(updates::add);
        }
        deliver(updates);
        if (armMissingRoots() || rescanOnTick) {
            rescanOnTick = false;
            rescan("a watched root appeared again, or the last batch failed");
        }
        readGatewayConfig();
    }

    /** Arms a watch on every root that exists and is not watched. @return whether any was armed */
    private boolean armMissingRoots() {
        boolean armed = false;
        for (Root root : roots()) {
            synchronized (watchers) {
                if (closed) {
                    return false;
                }
                if (rootsGone.remove(root)) {
                    closeQuietly(watchers.remove(root));
                }
                if (watchers.containsKey(root) || !Files.isDirectory(root.path())) {
                    continue;
                }
                try {
                    DirectoryWatcher watcher = DirectoryWatcher.builder()
                            .path(root.path())
                            .listener(new Listener())
                            .fileHashing(false)
                            .logger(NOPLogger.NOP_LOGGER)
                            .build();
                    CompletableFuture<Void> future = watcher.watchAsync(runnable -> {
                        Thread thread = new Thread(runnable, "watch " + root.path().getFileName());
                        thread.setDaemon(true);
                        thread.start();
                    });
                    // Completes when the root is deleted (or on failure): arm again once it is back.
                    future.whenComplete((ignored, error) -> {
                        if (!closed) {
                            rootsGone.add(root);
                            changes.add(RESCAN);
                        }
                    });
                    watchers.put(root, watcher);
                    armed = true;
                } catch (IOException | RuntimeException e) {
                    Logger.warn("cannot watch {}: {}", root.path(), e.getMessage());
                }
            }
        }
        return armed;
    }

    private List<Root> roots() {
        List<Root> roots = new ArrayList<>();
        roots.add(new Root(settings.stateDir().resolve("agents"), true));
        for (Path dir : settings.extraSessionDirs()) {
            roots.add(new Root(dir, false));
        }
        return roots;
    }

    /** Runs on a watcher's thread: only queues, so the watcher keeps draining the kernel's queue. */
    private final class Listener implements DirectoryChangeListener {
        @Override
        public void onEvent(DirectoryChangeEvent event) {
            if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW || event.path() == null) {
                watcherErrors.incrementAndGet();
                changes.add(RESCAN);
            } else {
                changes.add(event.path());
            }
        }

        @Override
        public void onException(Exception e) {
            watcherErrors.incrementAndGet();
            changes.add(RESCAN);
        }

        @Override
        public boolean isWatching() {
            return !closed;
        }
    }

    /** Maps each changed path to the session dir (and file) it concerns. */
    private void handle(Set<Path> paths) {
        long now = clock.millis();
        Set<Path> agentsToScan = new LinkedHashSet<>();
        Set<Path> dirsToScan = new LinkedHashSet<>();
        Map<SessionDir, Set<String>> files = new HashMap<>();
        for (Path path : paths) {
            for (Root root : roots()) {
                if (!path.startsWith(root.path())) {
                    continue;
                }
                Path relative = root.path().relativize(path);
                int depth = relative.getFileName().toString().isEmpty() ? 0 : relative.getNameCount();
                if (root.agents()) {
                    String child = depth >= 2 ? relative.getName(1).toString() : "";
                    if (depth == 1 || (depth == 2 && child.equals("sessions")) || path.endsWith(SQLITE_STORE)) {
                        agentsToScan.add(root.path().resolve(relative.getName(0)));
                    } else if (depth == 3 && child.equals("sessions")) {
                        fileChanged(path.getParent(), path.getFileName().toString(), dirsToScan, files);
                    }
                } else if (depth == 0) {
                    dirsToScan.add(root.path());
                } else if (depth == 1) {
                    fileChanged(root.path(), path.getFileName().toString(), dirsToScan, files);
                }
            }
        }
        List<PartitionUpdate> updates = new ArrayList<>();
        for (Path agentDir : agentsToScan) {
            Path sessions = agentDir.resolve("sessions");
            dirsToScan.add(sessions);
            markSqliteOnly(agentDir, sessions);
        }
        for (Path dir : dirsToScan) {
            scanDir(dir, agentIdOf(dir), now).ifPresent(updates::add);
        }
        files.forEach((dir, names) -> {
            if (!dirsToScan.contains(dir.path())) {
                names.forEach(name -> dir.changed(name, now).ifPresent(updates::add));
            }
        });
        deliver(updates);
        publishHealth(false);
    }

    private void fileChanged(Path dir, String name, Set<Path> dirsToScan, Map<SessionDir, Set<String>> files) {
        SessionDir known = dirs.get(dir);
        if (known == null) {
            dirsToScan.add(dir);
        } else {
            files.computeIfAbsent(known, d -> new LinkedHashSet<>()).add(name);
        }
    }

    /**
     * Reads every session dir there is now; dirs that are gone are dropped, so nothing is lost or duplicated.
     *
     * @param why null for the first scan; otherwise logged, and the model holds while the rescan runs
     */
    private void rescan(String why) {
        if (why != null) {
            Logger.info("rescanning everything: {}", why);
            publishHealth(true);
        }
        rescans++;
        long now = clock.millis();
        unreadable.clear();
        Map<Path, String> found = discover();
        List<PartitionUpdate> updates = new ArrayList<>();
        for (Path gone : new ArrayList<>(dirs.keySet())) {
            if (!found.containsKey(gone)) {
                updates.add(PartitionUpdate.drop(dirs.remove(gone).partition()));
            }
        }
        found.forEach((dir, agentId) -> scanDir(dir, agentId, now).ifPresent(updates::add));
        readGatewayConfig();
        deliver(updates);
        scanned = true;
        publishHealth(false);
    }

    private Optional<PartitionUpdate> scanDir(Path dir, String agentId, long now) {
        if (!Files.isDirectory(dir)) {
            SessionDir gone = dirs.remove(dir);
            unreadable.remove(dir);
            return gone == null ? Optional.empty() : Optional.of(PartitionUpdate.drop(gone.partition()));
        }
        SessionDir sessionDir = dirs.computeIfAbsent(dir, d -> new SessionDir(d, agentId, processes, skippedFiles));
        try {
            PartitionUpdate update = sessionDir.scan(now);
            unreadable.remove(dir);
            return Optional.of(update);
        } catch (IOException e) {
            Logger.warn("cannot read session dir {}: {}", dir, e.getMessage());
            unreadable.add(dir);
            return Optional.empty();
        }
    }

    /**
     * Session dirs by path, with their agent id. A missing state dir, a missing extra dir, or an agent that keeps its
     * sessions in the SQLite store this source does not read counts as unreadable, so no one mistakes "cannot see"
     * for "idle".
     */
    private Map<Path, String> discover() {
        Map<Path, String> found = new HashMap<>();
        Path stateDir = settings.stateDir();
        Path agents = stateDir.resolve("agents");
        if (!Files.isDirectory(stateDir)) {
            unreadable.add(stateDir);
        } else if (Files.isDirectory(agents)) {
            try (DirectoryStream<Path> agentDirs = Files.newDirectoryStream(agents, Files::isDirectory)) {
                for (Path agentDir : agentDirs) {
                    Path sessions = agentDir.resolve("sessions");
                    if (Files.isDirectory(sessions)) {
                        found.put(sessions, agentDir.getFileName().toString());
                    }
                    markSqliteOnly(agentDir, sessions);
                }
            } catch (IOException e) {
                Logger.warn("cannot list {}: {}", agents, e.getMessage());
                unreadable.add(agents);
            }
        }
        for (Path extra : settings.extraSessionDirs()) {
            if (Files.isDirectory(extra)) {
                found.put(extra, agentIdOf(extra));
            } else {
                unreadable.add(extra);
            }
        }
        return found;
    }

    /** An agent of the SQLite era has a database and no session dir: this source cannot see its runs. */
    private void markSqliteOnly(Path agentDir, Path sessions) {
        if (!Files.isDirectory(sessions) && Files.exists(agentDir.resolve(SQLITE_STORE))) {
            unreadable.add(agentDir);
        } else {
            unreadable.remove(agentDir);
        }
    }

    /** {@code …/agents/<id>/sessions} belongs to agent {@code id}; any other dir to OpenClaw's default agent. */
    private static String agentIdOf(Path dir) {
        Path parent = dir.getParent();
        if (dir.getFileName() != null && dir.getFileName().toString().equals("sessions") && parent != null
                && parent.getParent() != null && parent.getParent().getFileName() != null
                && parent.getParent().getFileName().toString().equals("agents")) {
            return parent.getFileName().toString();
        }
        return "main";
    }

    private void readGatewayConfig() {
        Optional<Path> file = settings.gatewayConfigForAutoMaxConcurrent();
        if (file.isEmpty()) {
            return;
        }
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file.get());
        } catch (IOException e) {
            modified = FileTime.fromMillis(0);
        }
        if (!modified.equals(gatewayConfigSeen)) {
            gatewayConfigSeen = modified;
            sink.maxConcurrent(GatewayConfig.maxConcurrent(file.get()));
        }
    }

    private void deliver(List<PartitionUpdate> updates) {
        if (!updates.isEmpty()) {
            sink.accept(updates);
        }
    }

    private void publishHealth(boolean rescanning) {
        int readable = (int) dirs.keySet().stream().filter(dir -> !unreadable.contains(dir)).count();
        SourceHealth health = new SourceHealth(scanned, readable, unreadable.size(), rescanning, skippedFiles.sum(),
                rescans, watcherErrors.get());
        if (!health.equals(lastHealth)) {
            lastHealth = health;
            sink.health(health);
        }
    }

    private static void closeQuietly(DirectoryWatcher watcher) {
        if (watcher == null) {
            return;
        }
        try {
            watcher.close();
        } catch (IOException e) {
            Logger.debug("closing watcher: {}", e.getMessage());
        }
    }
}
