package org.openclaw.sessionstatus.snapshot;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.openclaw.sessionstatus.model.EvidenceSink;
import org.openclaw.sessionstatus.model.GatewayView;
import org.openclaw.sessionstatus.model.ModelSettings;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.SessionModel;
import org.openclaw.sessionstatus.model.SlotLimit;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.tinylog.Logger;

/**
 * The one writer thread that owns the {@link SessionModel}. Evidence arrives on any thread and is queued; the
 * writer applies everything queued, evaluates once, and publishes a new {@link Snapshot} when the answer changed.
 * It also wakes by itself at the next instant the answer changes by the clock alone (a session leaving the running
 * window, a stale hold running out), and at least every {@code logIntervalMs} so no snapshot grows old.
 *
 * <p>If applying evidence or evaluating fails halfway, the table may no longer add up: the loop starts over with an
 * empty table and asks every source for a full rescan, holding the lease meanwhile. Every second it also asks each
 * watched source whether it still makes progress: one that does not makes the answer partial (the lease holds, the
 * status says partial) until it does, since what it last delivered may no longer be true.
 */
public final class ModelLoop implements EvidenceSink, AutoCloseable {
    /** No round of the loop for this long means the writer is wedged (it wakes at least every second). */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private final BlockingQueue<Consumer<SessionModel>> inbox = new LinkedBlockingQueue<>();
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> rescanRequests = new CopyOnWriteArrayList<>();
    private final Map<String, BooleanSupplier> watched = new ConcurrentHashMap<>();
    private Set<String> stalled = Set.of();
    private long nextWatchNanos = System.nanoTime();
    private volatile long lastLoopNanos = System.nanoTime();
    private SessionModel model;
    private final ModelSettings settings;
    private final Clock clock;
    private final String bootId;
    private final Thread writer;
    private final Object published = new Object();
    private volatile Snapshot current;
    private volatile boolean closed;
    private long nextChangeAt;
    private long nextHeartbeatAt;
    private long lastEvaluationEnd;
    private long lastEvaluationCost;

    public ModelLoop(ModelSettings settings, Clock clock) {
        this.model = new SessionModel(settings);
        this.settings = settings;
        this.clock = clock;
        byte[] boot = new byte[4];
        new SecureRandom().nextBytes(boot);
        this.bootId = HexFormat.of().formatHex(boot);
        long now = clock.millis();
        SessionModel.Evaluation first = model.evaluate(now);
        this.nextChangeAt = first.nextChangeAtMs();
        this.current = Snapshot.of(1, etag(1), now, false, first);
        this.nextHeartbeatAt = now + settings.logIntervalMs();
        this.writer = DaemonThreads.create("model-writer", this::run);
    }

    /** Listeners run on the writer thread after each new revision: they must be quick and must not block. */
    public void addListener(Consumer<Snapshot> listener) {
        listeners.add(listener);
    }

    /** Asks, every second, whether the source that reports its health as {@code source} still makes progress. */
    public void watch(String source, BooleanSupplier healthy) {
        watched.put(source, healthy);
    }

    /** Called (on the writer thread) when the model had to start over: the source must deliver everything again. */
    public void onRescanNeeded(Runnable request) {
        rescanRequests.add(request);
    }

    public void start() {
        writer.start();
    }

    public Snapshot current() {
        return current;
    }

    /** Waits until a published snapshot satisfies the condition, or the timeout passes; returns the latest one. */
    public Snapshot await(Predicate<Snapshot> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (published) {
            while (!condition.test(current)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(published, left);
            }
            return current;
        }
    }

    /** Whether the writer thread is alive and going round its loop (it wakes at least every second). */
    public boolean healthy() {
        return writer.isAlive() && System.nanoTime() - lastLoopNanos < STUCK_NANOS;
    }

    @Override
    public void accept(List<PartitionUpdate> updates) {
        List<PartitionUpdate> batch = List.copyOf(updates);
        inbox.add(m -> batch.forEach(m::apply));
    }

    @Override
    public void health(SourceHealth health) {
        inbox.add(m -> m.health(health));
    }

    @Override
    public void maxConcurrent(SlotLimit limit) {
        inbox.add(m -> m.maxConcurrent(limit));
    }

    @Override
    public void gateway(GatewayView view) {
        inbox.add(m -> m.gateway(view));
    }

    @Override
    public void nextWake(String source, OptionalLong atMs) {
        inbox.add(m -> m.nextWake(source, atMs));
    }

    @Override
    public void close() {
        closed = true;
        writer.interrupt();
    }

    private void run() {
        while (!closed) {
            lastLoopNanos = System.nanoTime();
            try {
                long wakeAt = Math.min(nextChangeAt, nextHeartbeatAt);
                long timeout = Math.min(Math.max(0, wakeAt - clock.millis()),
                        TimeUnit.NANOSECONDS.toMillis(Math.max(0, nextWatchNanos - System.nanoTime())));
                Consumer<SessionModel> message = inbox.poll(timeout, TimeUnit.MILLISECONDS);
                boolean changed = message != null;
                applyAll(message);
                changed |= watchSources();
                if (changed) {
                    // In a burst, evaluations are spaced by twice their own cost: at most a third of a core goes to
                    // re-evaluating, whatever the burst. An isolated change is evaluated at once.
                    long left;
                    while ((left = lastEvaluationEnd + 2 * lastEvaluationCost - System.nanoTime()) > 0) {
                        applyAll(inbox.poll(left, TimeUnit.NANOSECONDS));
                    }
                }
                long now = clock.millis();
                if (changed || now >= wakeAt) {
                    evaluate(now);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                startOver(e);
            }
        }
    }

    /** Once a second: which watched sources stopped making progress. @return whether that changed */
    private boolean watchSources() {
        if (System.nanoTime() - nextWatchNanos < 0) {
            return false;
        }
        nextWatchNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        Set<String> now = new TreeSet<>();
        watched.forEach((source, healthy) -> {
            if (!healthy.getAsBoolean()) {
                now.add(source);
            }
        });
        if (now.equals(stalled)) {
            return false;
        }
        if (!now.isEmpty()) {
            Logger.warn("source(s) {} make no progress: the answer is partial until they do", now);
        } else {
            Logger.info("every source makes progress again");
        }
        stalled = Set.copyOf(now);
        model.stalled(stalled);
        return true;
    }

    /**
     * A batch failed halfway, so the running sums may no longer match the table: drop the table, keep what the
     * sources said of their health (now rescanning, so the lease holds), and ask each source for everything again.
     */
    private void startOver(RuntimeException failure) {
        Logger.error(failure, "applying evidence failed; starting over from a full rescan of every source");
        model = model.startOver();
        for (Runnable request : rescanRequests) {
            request.run();
        }
        try {
            evaluate(clock.millis());
        } catch (RuntimeException e) {
            Logger.error(e, "evaluating the empty model failed");
        }
    }

    private void applyAll(Consumer<SessionModel> first) {
        for (Consumer<SessionModel> message = first; message != null; message = inbox.poll()) {
            message.accept(model);
        }
    }

    private void evaluate(long now) {
        long start = System.nanoTime();
        try {
            publish(now);
        } finally {
            lastEvaluationEnd = System.nanoTime();
            lastEvaluationCost = lastEvaluationEnd - start;
        }
    }

    private void publish(long now) {
        SessionModel.Evaluation evaluation = model.evaluate(now);
        nextChangeAt = evaluation.nextChangeAtMs();
        Snapshot previous = current;
        // A revision at least every logIntervalMs, on a fixed beat: the log stream's periodic line, fresh timestamps.
        boolean periodic = now >= nextHeartbeatAt;
        if (periodic) {
            nextHeartbeatAt = Math.max(nextHeartbeatAt + settings.logIntervalMs(), now + 1);
        }
        // Every figure of a revision /metrics shows counts as a change too (each source's), so it never lags.
        boolean changed = previous.ready() != evaluation.ready() || !previous.status().equals(evaluation.status())
                || !previous.busy().equals(evaluation.busy()) || !previous.health().equals(evaluation.health())
                || !previous.sources().equals(evaluation.sources()) || !previous.gateway().equals(evaluation.gateway());
        if (!periodic && !changed) {
            return;
        }
        long revision = previous.revision() + 1;
        Snapshot next = Snapshot.of(revision, etag(revision), now, periodic, evaluation);
        synchronized (published) {
            current = next;
            published.notifyAll();
        }
        for (Consumer<Snapshot> listener : listeners) {
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                Logger.error(e, "snapshot listener failed");
            }
        }
    }

    private String etag(long revision) {
        return "\"" + bootId + "-" + revision + "\"";
    }
}
