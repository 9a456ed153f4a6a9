package org.openclaw.sessionstatus.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.Await;
import org.openclaw.sessionstatus.testing.Harness;

/** The worker's own health: a read that hangs must show, and must stop showing once it returns. */
class SourceWorkerTest {
    @TempDir
    Path root;

    @Test
    void aWorkerStuckInItsJobIsUnhealthyUntilItReturns() throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SourceWorker.Job job = new SourceWorker.Job() {
            @Override
            public void rescan(String why) {
            }

            @Override
            public void changed(Set<Path> paths) {
            }

            @Override
            public void tick() {
                hanging.countDown();
                try {
                    release.await(); // a read that blocks, as open(2) on a FIFO would
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (SourceWorker worker = new SourceWorker("test", () -> List.of(root), job, Duration.ofMillis(200))) {
            assertTrue(worker.healthy(), "not started yet: nothing it said can be stale");
            worker.start();
            assertTrue(hanging.await(Harness.DEADLINE.toSeconds(), TimeUnit.SECONDS));
            assertTrue(Await.within(() -> !worker.healthy()), "a hung job shows");
            release.countDown();
            assertTrue(Await.within(worker::healthy), "and recovers once it returns");
        }
    }

    @Test
    void aWorkerWhoseReadsFailIsUnhealthyUntilARescanCompletes() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        AtomicInteger attempts = new AtomicInteger();
        SourceWorker.Job job = new SourceWorker.Job() {
            @Override
            public void rescan(String why) {
                attempts.incrementAndGet();
                if (broken.get()) {
                    throw new IllegalStateException("a bug, or a world the reader did not expect");
                }
            }

            @Override
            public void changed(Set<Path> paths) {
            }

            @Override
            public void tick() {
            }
        };
        try (SourceWorker worker = new SourceWorker("test", () -> List.of(root), job, Duration.ofSeconds(30))) {
            worker.start();
            assertTrue(Await.within(() -> attempts.get() >= 2), "the failed scan is tried again");
            assertFalse(worker.healthy(), "what it delivered may be stale: not healthy");
            broken.set(false);
            assertTrue(Await.within(worker::healthy), "healthy once a rescan completes");
        }
    }
}
