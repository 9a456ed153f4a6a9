package org.openclaw.sessionstatus.systemd;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.StatusView;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.tinylog.Logger;

/**
 * The systemd notify protocol ({@code Type=notify}): {@code READY=1} once the first scan is done, a {@code STATUS=}
 * line whenever it would read differently ("3/8 running, lease extend"), {@code WATCHDOG=1} at half of
 * {@code $WATCHDOG_USEC} while the daemon's threads are healthy — and no ping when they are stuck, so systemd restarts
 * the daemon — and {@code STOPPING=1} on shutdown. Outside systemd ({@code $NOTIFY_SOCKET} unset) it does not exist.
 */
public final class Notifier implements Consumer<Snapshot>, AutoCloseable {
    private final NotifySocket socket;
    private final BooleanSupplier healthy;
    private final ScheduledExecutorService watchdog =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("systemd-watchdog"));
    private final long watchdogUsec;
    private boolean ready;
    private @Nullable String lastStatus;
    private boolean failed;
    private boolean closed;
    private boolean warnedUnhealthy;

    private Notifier(NotifySocket socket, BooleanSupplier healthy, long watchdogUsec) {
        this.socket = socket;
        this.healthy = healthy;
        this.watchdogUsec = watchdogUsec;
        send("STATUS=scanning the session files");
    }

    /**
     * @param env the process environment: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}
     * @param healthy whether the model, source and HTTP threads are making progress
     * @return empty when not started by systemd with {@code Type=notify}, or when the socket cannot be used
     */
    public static Optional<Notifier> fromEnvironment(Map<String, String> env, BooleanSupplier healthy) {
        String path = env.get("NOTIFY_SOCKET");
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Notifier(new NotifySocket(path), healthy, watchdogUsec(env)));
        } catch (RuntimeException | LinkageError e) {
            Logger.warn("systemd: cannot use NOTIFY_SOCKET {}: {}", path, e.toString());
            return Optional.empty();
        }
    }

    /** The watchdog interval systemd asks for, if it is meant for this process. */
    static long watchdogUsec(Map<String, String> env) {
        String pid = env.get("WATCHDOG_PID");
        if (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            return 0;
        }
        try {
            return Long.parseLong(env.getOrDefault("WATCHDOG_USEC", "0"));
        } catch (NumberFormatException e) {
            Logger.warn("systemd: WATCHDOG_USEC is not a number: {}", env.get("WATCHDOG_USEC"));
            return 0;
        }
    }

    /** Called by the model's writer thread with each new revision. */
    @Override
    public void accept(Snapshot snapshot) {
        if (!snapshot.ready()) {
            return;
        }
        String status = "STATUS=" + statusLine(snapshot);
        if (!ready) {
            ready = true;
            lastStatus = status;
            send("READY=1\n" + status);
            // systemd's watchdog runs from READY=1 on. Pings at half the timeout, as sd_watchdog_enabled(3) advises:
            // one late ping is not yet a restart.
            if (watchdogUsec > 0) {
                ScheduledFuture<?> unused = watchdog.scheduleAtFixedRate(this::ping, 0, Math.max(1, watchdogUsec / 2),
                        TimeUnit.MICROSECONDS);
            }
        } else if (!status.equals(lastStatus)) {
            lastStatus = status;
            send(status);
        }
    }

    static String statusLine(Snapshot snapshot) {
        StatusView status = snapshot.status();
        return status.running() + "/" + status.maxConcurrent() + " running, lease "
                + snapshot.busy().action().wireName();
    }

    private void ping() {
        if (healthy.getAsBoolean()) {
            warnedUnhealthy = false;
            send("WATCHDOG=1");
        } else if (!warnedUnhealthy) {
            warnedUnhealthy = true;
            Logger.error("systemd: the model, a source or the HTTP thread is stuck; no watchdog ping until it recovers");
        }
    }

    private synchronized void send(String message) {
        if (closed) {
            return; // the descriptor may belong to another file by now
        }
        try {
            socket.send(message);
            failed = false;
        } catch (RuntimeException e) {
            if (!failed) {
                failed = true;
                Logger.warn("systemd: cannot notify: {}", e.toString());
            }
        }
    }

    /** Says {@code STOPPING=1} and stops pinging. */
    @Override
    public void close() {
        watchdog.shutdownNow();
        send("STOPPING=1");
        synchronized (this) {
            closed = true;
            socket.close();
        }
    }
}
