package org.openclaw.sessionstatus.logstream;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * The JSON log stream (docs/design.md §9): one busy-state object per line — {@code startup} once the first scan is
 * done, {@code change} the moment {@code busy}, {@code confidence} or the recommended action changes, {@code snapshot}
 * on every periodic revision ({@code logIntervalMs}), {@code shutdown} last. Lines are built by Jackson and handed
 * whole to the sink, so each is valid JSON on one line. Stdout is a product contract: it is written directly, not
 * through a logging configuration a user's file could change.
 *
 * <p>The model never waits for the reader: lines go through a bounded queue ({@value LineWriter#CAPACITY} lines) to
 * their own thread. A reader that stalls loses the lines that do not fit (dropped and counted, with a warning on
 * stderr); once it has read the queued ones, it gets a {@code snapshot} line of the current state, so what it read
 * last is always true now.
 */
public final class LogStream implements Consumer<Snapshot>, AutoCloseable {
    /** How long shutdown waits for a stalled reader before the daemon exits anyway. */
    static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(2);

    private final LineWriter writer;
    private final Clock clock;
    /** The state of the last line queued: what the reader will have seen. */
    private @Nullable BusyView last;
    private boolean lost;
    private @Nullable Snapshot latest;

    /** @param lines writes one line; it may block as long as the reader does, on the stream's own thread */
    public LogStream(Consumer<String> lines, Clock clock) {
        this.writer = new LineWriter(lines, this::caughtUp);
        this.clock = clock;
    }

    public static LogStream toStdout(Clock clock) {
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        return new LogStream(line -> {
            stdout.print(line + "\n");
            stdout.flush();
        }, clock);
    }

    /** Called by the model's writer thread with each new revision. */
    @Override
    public synchronized void accept(Snapshot snapshot) {
        if (!snapshot.ready()) {
            return;
        }
        latest = snapshot;
        BusyView busy = snapshot.busy();
        String event = null;
        if (last == null) {
            event = "startup";
        } else if (busy.changedFrom(last)) {
            event = "change";
        } else if (snapshot.periodic() || lost) {
            event = "snapshot";
        }
        if (event == null) {
            return;
        }
        // A "snapshot" line is the revision's own prepared document; the others differ only by their event.
        if (emit(event.equals("snapshot") ? snapshot.busyJson() : snapshot.busyJson(event, snapshot.generatedAt()))) {
            last = busy;
            lost = false;
        } else {
            lost = true;
        }
    }

    /** On the line writer's thread: the reader read everything queued after losing lines; tell it the present. */
    private synchronized void caughtUp() {
        if (lost && latest != null && emit(latest.busyJson())) {
            last = latest.busy();
            lost = false;
        }
    }

    /**
     * The last line, on SIGTERM or SIGINT: the current state, stamped now. Waits for the reader at most
     * {@link #SHUTDOWN_FLUSH}: a stalled one must not keep the daemon from exiting.
     */
    public void shutdown(Snapshot current) {
        synchronized (this) {
            emit(current.busyJson("shutdown", clock.instant()));
        }
        try {
            writer.flush(SHUTDOWN_FLUSH);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        writer.close();
    }

    private boolean emit(byte[] json) {
        return writer.offer(new String(json, StandardCharsets.UTF_8));
    }
}
