package org.openclaw.sessionstatus.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a deadline ({@link Harness#DEADLINE}), never for a fixed time. */
public final class Await {
    private Await() {
    }

    /** Whether the condition held before the deadline; polled every 5 ms. */
    public static boolean within(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Harness.DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return condition.getAsBoolean();
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        return true;
    }

    /** Fails, saying what was awaited, unless the condition holds before the deadline. */
    public static void until(String what, BooleanSupplier condition) throws InterruptedException {
        assertTrue(within(condition), what);
    }
}
