package org.openclaw.sessionstatus.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.snapshot.ActionCounters;
import org.openclaw.sessionstatus.snapshot.ActionStatus;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.OneSession;
import org.openclaw.sessionstatus.testing.Await;

/** The runner between a real model loop and a scripted action: when it calls, how often, and what it never does. */
class ActionRunnerTest {
    /** An action that records each call, and fails or hangs when told to. */
    static final class Scripted implements Action {
        final List<Intent.State> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();
        volatile CountDownLatch hang;
        volatile Duration renewal;
        volatile Intent.State atStart;
        volatile Intent.State failOnly;
        final boolean lapse;

        Scripted(boolean lapse) {
            this.lapse = lapse;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public boolean actsOnLapse() {
            return lapse;
        }

        @Override
        public Optional<Intent.State> current() {
            return Optional.ofNullable(atStart);
        }

        @Override
        public void apply(Intent intent) throws CallFailed {
            calls.add(intent.state());
            CountDownLatch latch = hang;
            if (latch != null) {
                try {
                    latch.await(); // an API that does not answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if ((failOnly == null || failOnly == intent.state()) && failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new CallFailed("scripted failure", false);
            }
        }

        @Override
        public Optional<Duration> renewAfter(Intent intent) {
            return intent.state() == Intent.State.PROTECT ? Optional.ofNullable(renewal) : Optional.empty();
        }

        long count(Intent.State state) {
            return calls.stream().filter(state::equals).count();
        }
    }

    ModelLoop loop;
    final ActionCounters counters = new ActionCounters();
    ActionRunner runner;

    @BeforeEach
    void start() {
        loop = new ModelLoop(Harness.settings(30_000), Clock.systemUTC());
        loop.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
        set(false);
        loop.start();
    }

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
        loop.close();
    }

    /** A runner that follows the loop and reports to the counters /metrics reads, as the daemon's do. */
    ActionRunner runner(Action action) {
        // A 10 ms first backoff: the retries are what is tested, not the wait between them.
        ActionRunner started = new ActionRunner(action, counters, Duration.ofMillis(10));
        loop.addListener(started);
        started.start();
        return started;
    }

    void run(Action action) {
        runner = runner(action);
    }

    void set(boolean busy) {
        loop.accept(OneSession.busy(busy));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, condition);
    }

    /** Several more revisions (the heartbeat makes one every 200 ms here): time for a call that should not come. */
    void revisionsPass(int count) throws InterruptedException {
        long target = loop.current().revision() + count;
        assertTrue(loop.await(s -> s.revision() >= target, Harness.DEADLINE).revision() >= target);
    }

    @Test
    void callsOncePerTransitionNotPerRevision() throws Exception {
        Scripted action = new Scripted(false);
        run(action);
        await("released at start: the lease is idle", () -> action.calls.equals(List.of(Intent.State.RELEASE)));
        set(true);
        await("protected once busy", () -> action.count(Intent.State.PROTECT) == 1);
        revisionsPass(5);
        set(false);
        await("released once idle", () -> action.count(Intent.State.RELEASE) == 2);
        set(true);
        await("protected again", () -> action.count(Intent.State.PROTECT) == 2);
        revisionsPass(5);
        assertEquals(List.of(Intent.State.RELEASE, Intent.State.PROTECT, Intent.State.RELEASE, Intent.State.PROTECT),
                action.calls);
        await("the figures reach the counters", () -> {
            ActionStatus status = counters.current().get("scripted");
            return status != null && status.ok() == 4 && status.protecting();
        });
    }

    @Test
    void aProtectionIsRenewedWhileBusyAndNotAfter() throws Exception {
        Scripted action = new Scripted(false);
        action.renewal = Duration.ofMillis(200);
        run(action);
        set(true);
        await("renewed while busy", () -> action.count(Intent.State.PROTECT) >= 3);
        set(false);
        await("released", () -> action.calls.get(action.calls.size() - 1) == Intent.State.RELEASE);
        long protects = action.count(Intent.State.PROTECT);
        revisionsPass(5);
        assertEquals(protects, action.count(Intent.State.PROTECT), "no renewal once idle");
    }

    @Test
    void aFailingCallIsRetriedAndNeverTurnsIntoARelease() throws Exception {
        Scripted action = new Scripted(false);
        run(action);
        await("released at start", () -> action.count(Intent.State.RELEASE) == 1);
        action.failures.set(2);
        set(true);
        await("protected at the third try", () -> action.count(Intent.State.PROTECT) == 3);
        assertEquals(1, action.count(Intent.State.RELEASE), "never released while busy");
        await("counted", () -> {
            ActionStatus status = counters.current().get("scripted");
            return status != null && status.failed() == 2 && status.ok() == 2 && status.protecting();
        });
    }

    @Test
    void aProtectionFoundAtStartIsRenewedAtOnceWhileBusy() throws Exception {
        set(true);
        loop.await(s -> s.ready() && s.busy().busy(), Harness.DEADLINE);
        Scripted action = new Scripted(false);
        action.atStart = Intent.State.PROTECT; // an earlier daemon's protection, of an expiry this one cannot know
        action.renewal = Duration.ofHours(1);
        run(action);
        await("renewed at once", () -> action.count(Intent.State.PROTECT) == 1);
    }

    @Test
    void aReleaseThatFailedMayHaveTakenEffectSoTheNextProtectionIsSentAtOnce() throws Exception {
        Scripted action = new Scripted(false);
        action.renewal = Duration.ofHours(1);
        run(action);
        set(true);
        await("protected", () -> action.count(Intent.State.PROTECT) == 1);
        action.failOnly = Intent.State.RELEASE;
        action.failures.set(1);
        set(false);
        await("the release failed", () -> action.count(Intent.State.RELEASE) == 2);
        set(true);
        await("protected again at once, not at the next renewal", () -> action.count(Intent.State.PROTECT) == 2);
    }

    @Test
    void anActionThatHangsNeverHoldsUpTheModelAndCatchesUpWithTheNewestIntent() throws Exception {
        Scripted action = new Scripted(false);
        CountDownLatch hang = new CountDownLatch(1);
        action.hang = hang;
        run(action);
        await("the first call hangs", () -> action.calls.size() == 1);
        for (int i = 0; i < 5; i++) {
            set(i % 2 == 0);
            boolean busy = i % 2 == 0;
            Snapshot seen = loop.await(s -> s.busy().busy() == busy, Harness.DEADLINE);
            assertEquals(busy, seen.busy().busy(), "the model follows while the action hangs");
        }
        assertEquals(1, action.calls.size(), "one call at a time");
        action.hang = null;
        hang.countDown(); // the API answers at last
        await("then the newest intent: busy", () -> action.calls.size() == 2);
        assertEquals(Intent.State.PROTECT, action.calls.get(1));
    }

    @Test
    void anUnknownLeaseIsLeftToLapseExceptByAHook() throws Exception {
        Scripted api = new Scripted(false);
        Scripted hook = new Scripted(true);
        run(api);
        ActionRunner second = runner(hook);
        try {
            await("both released at start", () -> api.calls.size() == 1 && hook.calls.size() == 1);
            set(true);
            await("both protect", () -> api.count(Intent.State.PROTECT) == 1 && hook.count(Intent.State.PROTECT) == 1);
            loop.health(new SourceHealth("dirs", true, 0, 1, false, 0, 2, 0, 0));
            assertEquals(BusyView.Action.UNKNOWN,
                    loop.await(s -> s.busy().action() == BusyView.Action.UNKNOWN, Harness.DEADLINE).busy().action());
            await("the hook is told", () -> hook.count(Intent.State.LAPSE) == 1);
            revisionsPass(5);
            assertFalse(api.calls.contains(Intent.State.LAPSE));
            assertEquals(List.of(Intent.State.RELEASE, Intent.State.PROTECT), api.calls,
                    "no call: the protection expires by itself");
        } finally {
            second.close();
        }
    }
}
