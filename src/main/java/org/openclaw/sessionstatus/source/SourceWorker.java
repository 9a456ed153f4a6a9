package org.openclaw.sessionstatus.source;

import io.methvin.watcher.DirectoryChangeEvent;
import io.methvin.watcher.DirectoryChangeListener;
import io.methvin.watcher.DirectoryWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.slf4j.LoggerFactory;
import org.tinylog.Logger;

/**
 * The watch plumbing every source shares: one thread that arms native watches (directory-watcher, hashing off) on
 * the source's roots, re-arms a root that was deleted once it exists again, turns a watcher error — the way an
 * inotify overflow arrives — into a full rescan, coalesces bursts of events into one batch, ticks every
 * {@value #TICK_MS} ms, and can tell when it stopped going round. Events only name what changed: the {@link Job}
 * reads what they name.
 */
public final class SourceWorker implements AutoCloseable {
    public static final long TICK_MS = 1_000;
    /**
     * No progress for this long means the worker is stuck. It marks progress on every loop (at least once per tick)
     * and inside long scans, so only a read that really hangs comes near it.
     */
    static final Duration STUCK_AFTER = Duration.ofSeconds(5);
    private static final Path RESCAN = Path.of("");
    /** Queued by {@link #tickNow()}: a relative path, so no event can be mistaken for it. */
    private static final Path TICK_NOW = Path.of("tick-now");
    /** Made once, before any watcher thread starts: SLF4J drops what threads log while it initialises. */
    private static final org.slf4j.Logger WATCHER_LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    /** What a source does with what the worker sees. Called on the worker thread only. */
    public interface Job {
        /**
         * Reads everything there is now.
         *
         * @param why null for the first scan, else why events may have been lost
         */
        void rescan(@Nullable String why);

        /** A batch of changed paths (created, modified or deleted), each under one of the roots. */
        void changed(Set<Path> paths);

        /** Every {@value #TICK_MS} ms: what no event announces (a process that died, a file that appeared). */
        void tick();
    }

    /** Paths to hand to the job again at an instant ({@link System#nanoTime()}). */
    private record Redelivery(long dueNanos, Set<Path> paths) {
    }

    private final String name;
    private final Supplier<List<Path>> roots;
    private final Job job;
    private final BlockingQueue<Path> changes = new LinkedBlockingQueue<>();
    private final Map<Path, DirectoryWatcher> watchers = new HashMap<>();
    private final Set<Path> rootsGone = ConcurrentHashMap.newKeySet();
    private final AtomicLong watcherErrors = new AtomicLong();
    private final Thread thread;
    private final long stuckNanos;
    /** Touched by the worker thread only. */
    private final PriorityQueue<Redelivery> redeliveries = new PriorityQueue<>(Comparator.comparingLong(Redelivery::dueNanos));
    private volatile @Nullable String rescanReason;
    private volatile boolean closed;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean failing;

    /** @param roots the dirs to watch, recursively; asked again on every tick, so a root may appear later */
    public SourceWorker(String name, Supplier<List<Path>> roots, Job job) {
        this(name, roots, job, STUCK_AFTER);
    }

    SourceWorker(String name, Supplier<List<Path>> roots, Job job, Duration stuckAfter) {
        this.name = name;
        this.roots = roots;
        this.job = job;
        this.stuckNanos = stuckAfter.toNanos();
        this.thread = DaemonThreads.create(name, this::run);
    }

    public void start() {
        lastProgressNanos = System.nanoTime();
        thread.start();
    }

    /**
     * Whether the thread is going round its loop (at least once per tick when idle), and its last failure, if any,
     * was followed by a rescan that completed. Not started yet counts as healthy: until its first scan, the source
     * has said nothing that could have gone stale.
     */
    public boolean healthy() {
        return thread.getState() == Thread.State.NEW
                || (thread.isAlive() && !failing && System.nanoTime() - lastProgressNanos < stuckNanos);
    }

    /** Marks progress from inside a long piece of work (a scan of many files), on the worker thread. */
    public void progress() {
        lastProgressNanos = System.nanoTime();
    }

    public long watcherErrors() {
        return watcherErrors.get();
    }

    /**
     * Hands these paths to {@link Job#changed} again after a delay: for a change an event announced before it could
     * be read (SQLite writes the WAL, which sends the event, before it updates its index in shared memory, which
     * sends none). Call it from the job, on the worker thread.
     */
    public void redeliver(Set<Path> paths, Duration after) {
        redeliveries.add(new Redelivery(System.nanoTime() + after.toNanos(), Set.copyOf(paths)));
    }

    /**
     * Asks for a tick at once rather than within the second, from any thread: something outside says a process may
     * have died (the gateway's connection dropped).
     */
    public void tickNow() {
        changes.add(TICK_NOW);
    }

    /** Asks for a full rescan on the worker thread, from any thread. */
    public void requestRescan(String why) {
        rescanReason = why;
        changes.add(RESCAN);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        synchronized (watchers) {
            watchers.values().forEach(SourceWorker::closeQuietly);
            watchers.clear();
        }
    }

    private void run() {
        armMissingRoots();
        boolean rescanOnTick = !rescan(null);
        long nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
        Set<Path> batch = new LinkedHashSet<>();
        while (!closed) {
            lastProgressNanos = System.nanoTime();
            try {
                long wakeAt = redeliveries.isEmpty() ? nextTick : Math.min(nextTick, redeliveries.peek().dueNanos());
                Path first = changes.poll(Math.max(0, wakeAt - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    drainTo(batch);
                }
                while (!redeliveries.isEmpty() && redeliveries.peek().dueNanos() - System.nanoTime() <= 0) {
                    batch.addAll(redeliveries.poll().paths());
                }
                if (batch.remove(TICK_NOW)) {
                    nextTick = System.nanoTime();
                }
                if (batch.remove(RESCAN)) {
                    // The rescan reads the present state: changes queued before it are covered.
                    batch.clear();
                    drainTo(batch);
                    batch.clear();
                    redeliveries.clear();
                    rescanOnTick |= !rescan(rescanReason);
                } else if (!batch.isEmpty()) {
                    job.changed(batch);
                    batch.clear();
                }
                if (System.nanoTime() - nextTick >= 0) {
                    if (armMissingRoots() || rescanOnTick) {
                        rescanOnTick = !rescan("a watched dir appeared again, or the last read failed");
                    }
                    job.tick();
                    nextTick = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TICK_MS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failed(e);
                batch.clear();
                rescanOnTick = true;
            }
        }
    }

    /** @return whether the rescan completed; one that failed is tried again on the next tick, so it cannot spin */
    private boolean rescan(@Nullable String why) {
        try {
            job.rescan(why);
            if (failing) {
                failing = false;
                Logger.info("{}: reading works again", name);
            }
            return true;
        } catch (RuntimeException e) {
            failed(e);
            return false;
        }
    }

    /** Until a rescan completes, what the source last delivered may be stale: it counts as not healthy. */
    private void failed(RuntimeException e) {
        if (!failing) {
            failing = true;
            Logger.error(e, "{}: unexpected failure; rescanning every tick until a rescan completes", name);
        } else {
            Logger.debug("{}: failing still: {}", name, e.toString());
        }
    }

    private void drainTo(Set<Path> batch) {
        List<Path> drained = new ArrayList<>();
        changes.drainTo(drained);
        batch.addAll(drained);
    }

    /** Arms a watch on every root that exists and is not watched. @return whether any was armed */
    private boolean armMissingRoots() {
        boolean armed = false;
        for (Path root : roots.get()) {
            synchronized (watchers) {
                if (closed) {
                    return false;
                }
                if (rootsGone.remove(root)) {
                    closeQuietly(watchers.remove(root));
                }
                if (watchers.containsKey(root) || !Files.isDirectory(root)) {
                    continue;
                }
                try {
                    DirectoryWatcher watcher = DirectoryWatcher.builder()
                            .path(root)
                            .listener(new Listener())
                            .fileHashing(false)
                            .logger(WATCHER_LOG)
                            .build();
                    CompletableFuture<Void> future = watcher.watchAsync(
                            runnable -> DaemonThreads.create(name + " watch " + root.getFileName(), runnable).start());
                    // Completes when the root is deleted (or on failure): arm again once it is back.
                    CompletableFuture<Void> unused = future.whenComplete((ignored, error) -> {
                        if (!closed) {
                            rootsGone.add(root);
                            requestRescan("the watched dir " + root + " went away");
                        }
                    });
                    watchers.put(root, watcher);
                    armed = true;
                } catch (IOException | RuntimeException e) {
                    Logger.warn("{}: cannot watch {}: {}", name, root, e.getMessage());
                }
            }
        }
        return armed;
    }

    /** Runs on a watcher's thread: only queues, so the watcher keeps draining the kernel's queue. */
    private final class Listener implements DirectoryChangeListener {
        @Override
        public void onEvent(DirectoryChangeEvent event) {
            if (event.eventType() == DirectoryChangeEvent.EventType.OVERFLOW || event.path() == null) {
                lost();
            } else {
                changes.add(event.path());
            }
        }

        @Override
        public void onException(Exception e) {
            lost();
        }

        private void lost() {
            long errors = watcherErrors.incrementAndGet();
            requestRescan("file events were lost (watcher errors so far: " + errors + ")");
        }

        @Override
        public boolean isWatching() {
            return !closed;
        }
    }

    private static void closeQuietly(@Nullable DirectoryWatcher watcher) {
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
