package org.openclaw.sessionstatus.logstream;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.tinylog.Logger;

/**
 * Hands lines to a consumer that may stall (a full stdout pipe) without ever making the caller wait: a bounded queue
 * drained by its own thread. A line that does not fit is dropped and counted, never waited for; once the queue is
 * drained after a loss, the writer says so, so the stream can send what is true now.
 */
final class LineWriter implements AutoCloseable {
    static final int CAPACITY = 256;

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Consumer<String> sink;
    private final Runnable caughtUp;
    private volatile boolean droppedSinceCaughtUp;
    private final Thread thread;
    private final AtomicLong dropped = new AtomicLong();
    private final Object drained = new Object();
    private volatile boolean writing;
    private volatile boolean closed;

    /**
     * @param sink writes one line, and may block as long as the reader does
     * @param caughtUp called on the writer's thread when the queue ran empty after lines were dropped
     */
    LineWriter(Consumer<String> sink, Runnable caughtUp) {
        this.sink = sink;
        this.caughtUp = caughtUp;
        this.thread = DaemonThreads.create("log-stream", this::run);
        thread.start();
    }

    /** @return false when the line was dropped: the reader is that far behind */
    boolean offer(String line) {
        if (queue.offer(line)) {
            return true;
        }
        droppedSinceCaughtUp = true;
        if (dropped.incrementAndGet() == 1 || dropped.get() % 1_000 == 0) {
            Logger.warn("log stream: stdout is not read fast enough; {} line(s) dropped so far", dropped.get());
        }
        return false;
    }

    /** Waits, at most {@code timeout}, until every queued line was written. @return whether all were */
    boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (!queue.isEmpty() || writing) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void run() {
        while (!closed) {
            try {
                String line = queue.take();
                writing = true;
                try {
                    sink.accept(line);
                } catch (RuntimeException e) {
                    Logger.error(e, "log stream: cannot write a line");
                } finally {
                    writing = false;
                }
                if (queue.isEmpty() && droppedSinceCaughtUp) {
                    droppedSinceCaughtUp = false;
                    caughtUp.run();
                }
                synchronized (drained) {
                    drained.notifyAll();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
