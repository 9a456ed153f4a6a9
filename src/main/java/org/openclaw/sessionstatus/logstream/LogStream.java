package org.openclaw.sessionstatus.logstream;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Consumer;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * The JSON log stream (SPEC §5): one busy-state object per line — {@code startup} once the first scan is done,
 * {@code change} the moment {@code busy}, {@code confidence} or the recommended action changes, {@code snapshot} on
 * every periodic revision ({@code logIntervalMs}), {@code shutdown} last. Lines are built by Jackson and handed
 * whole to the sink, so each is valid JSON on one line. Stdout is a product contract: it is written directly, not
 * through a logging configuration a user's file could change.
 */
public final class LogStream implements Consumer<Snapshot> {
    private final Consumer<String> lines;
    private final Clock clock;
    private BusyView last;

    public LogStream(Consumer<String> lines, Clock clock) {
        this.lines = lines;
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
        BusyView busy = snapshot.busy();
        String event = null;
        if (last == null) {
            event = "startup";
        } else if (busy.busy() != last.busy() || busy.confidence() != last.confidence() || busy.action() != last.action()) {
            event = "change";
        } else if (snapshot.periodic()) {
            event = "snapshot";
        }
        if (event != null) {
            last = busy;
            emit(snapshot.busyJson(event, snapshot.generatedAt()));
        }
    }

    /** The last line, on SIGTERM or SIGINT: the current state, stamped now. */
    public synchronized void shutdown(Snapshot current) {
        emit(current.busyJson("shutdown", clock.instant()));
    }

    private void emit(byte[] json) {
        lines.accept(new String(json, StandardCharsets.UTF_8));
    }
}
