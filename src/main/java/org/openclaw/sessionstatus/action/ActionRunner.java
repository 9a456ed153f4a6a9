package org.openclaw.sessionstatus.action;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.snapshot.ActionStatus;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.tinylog.Logger;

/**
 * Runs one {@link Action} on its own thread, from the lease of each revision: it calls on a change of intent
 * (protect, release, lapse), renews a protection before it expires while the lease stays busy, never runs two calls
 * at once, and retries a failed call with backoff (1 s, doubling, at most a minute) for as long as the intent stands.
 * A failed call makes what it believes of the orchestrator unknown (the call may have taken effect before it failed),
 * so the next intent is always applied, and a workload is never taken for protected, or released, on a call that
 * failed. The model's writer thread only hands it the newest intent; nothing here can make that thread wait.
 */
final class ActionRunner implements Consumer<Snapshot>, AutoCloseable {
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final long MAX_RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final long NEVER = Long.MAX_VALUE;

    private final Action action;
    private final Consumer<ActionStatus> report;
    private final long firstRetryNanos;
    private final Thread thread;
    private final Object lock = new Object();
    /** The newest intent, from the model's writer thread. Guarded by {@link #lock}. */
    private @Nullable Intent wanted;
    private volatile boolean closed;
    // The runner thread's own state.
    private Intent.@Nullable State applied;
    private long renewAt = NEVER;
    private Intent.@Nullable State failing;
    private int failuresInARow;
    private long retryAt;
    private long ok;
    private long failed;
    private long timedOut;

    /** @param report where its figures go after every call (the model loop, for {@code /metrics}) */
    ActionRunner(Action action, Consumer<ActionStatus> report) {
        this(action, report, FIRST_RETRY);
    }

    /** @param firstRetry the first backoff, doubled on each failure in a row (tests shorten it) */
    ActionRunner(Action action, Consumer<ActionStatus> report, Duration firstRetry) {
        this.action = action;
        this.report = report;
        this.firstRetryNanos = firstRetry.toNanos();
        this.thread = DaemonThreads.create("action " + action.name(), this::run);
    }

    void start() {
        thread.start();
    }

    /** Called by the model's writer thread with each revision: keeps the newest intent, wakes the runner. */
    @Override
    public void accept(Snapshot snapshot) {
        Intent intent = Intent.of(snapshot);
        if (intent == null) {
            return;
        }
        synchronized (lock) {
            wanted = intent;
            lock.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void run() {
        learnCurrentState();
        while (!closed) {
            Intent intent;
            try {
                intent = nextDue();
            } catch (InterruptedException e) {
                return;
            }
            if (intent != null) {
                call(intent);
            }
        }
    }

    /** The orchestrator may remember an earlier daemon's call (a protection still on): ask, where it can be asked. */
    private void learnCurrentState() {
        try {
            Optional<Intent.State> current = action.current();
            applied = current.orElse(null);
            if (applied == Intent.State.PROTECT) {
                renewAt = System.nanoTime(); // an earlier daemon's protection, of an expiry this one does not know
            }
            current.ifPresent(state -> Logger.info("action {}: the orchestrator says {} at start", action.name(),
                    state == Intent.State.PROTECT ? "protected" : "not protected"));
        } catch (CallFailed e) {
            count(e);
            Logger.warn("action {}: cannot learn the current state: {}", action.name(), e.getMessage());
        } catch (RuntimeException e) {
            failed++;
            Logger.error(e, "action {}: cannot learn the current state", action.name());
        }
        report.accept(status());
    }

    private void count(CallFailed e) {
        if (e.timedOut()) {
            timedOut++;
        } else {
            failed++;
        }
    }

    /** Waits until a call is due. @return its intent, or null when closed */
    private @Nullable Intent nextDue() throws InterruptedException {
        synchronized (lock) {
            while (!closed) {
                long wait = dueIn(wanted, System.nanoTime());
                if (wait <= 0) {
                    return wanted;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(wait, TimeUnit.HOURS.toNanos(1)));
            }
            return null;
        }
    }

    /** How long until the intent needs a call: 0 now, {@link #NEVER} when it needs none. */
    private long dueIn(@Nullable Intent intent, long now) {
        if (intent == null) {
            return NEVER;
        }
        long due = switch (intent.state()) {
            case PROTECT -> applied != Intent.State.PROTECT ? 0 : renewAt == NEVER ? NEVER : renewAt - now;
            case RELEASE -> applied != Intent.State.RELEASE ? 0 : NEVER;
            case LAPSE -> action.actsOnLapse() && applied != Intent.State.LAPSE ? 0 : NEVER;
        };
        if (due != NEVER && failing == intent.state()) {
            due = Math.max(due, retryAt - now);
        }
        return due;
    }

    private void call(Intent intent) {
        try {
            action.apply(intent);
            ok++;
            applied = intent.state();
            failing = null;
            failuresInARow = 0;
            renewAt = action.renewAfter(intent).map(d -> System.nanoTime() + d.toNanos()).orElse(NEVER);
            Logger.info("action {}: {} ({}): done", action.name(), verb(intent.state()), intent.recommendedAction());
        } catch (CallFailed e) {
            count(e);
            retry(intent, e.getMessage());
        } catch (RuntimeException e) {
            failed++;
            Logger.error(e, "action {}: unexpected failure", action.name());
            retry(intent, e.toString());
        }
        report.accept(status());
    }

    private void retry(Intent intent, String why) {
        if (applied != intent.state()) {
            applied = null; // it may have taken effect before it failed: the next intent is applied whatever it is
        }
        if (failing != intent.state()) {
            failuresInARow = 0;
        }
        failing = intent.state();
        failuresInARow++;
        long backoff = Math.min(MAX_RETRY_NANOS, firstRetryNanos << Math.min(failuresInARow - 1, 20));
        retryAt = System.nanoTime() + backoff;
        Logger.warn("action {}: {} ({}) failed ({} in a row), trying again in {} s: {}", action.name(),
                verb(intent.state()), intent.recommendedAction(), failuresInARow,
                TimeUnit.NANOSECONDS.toSeconds(backoff), why);
    }

    private ActionStatus status() {
        return new ActionStatus(action.name(), ok, failed, timedOut, applied == Intent.State.PROTECT);
    }

    private static String verb(Intent.State state) {
        return switch (state) {
            case PROTECT -> "protect";
            case RELEASE -> "release";
            case LAPSE -> "tell of an unknown lease";
        };
    }
}
