package org.openclaw.sessionstatus.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openclaw.sessionstatus.config.Secret;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.tinylog.Logger;

/**
 * The HTTP surface (docs/design.md §9): one thread on a selector, never blocking on a client. Answers are prepared
 * bytes, so one thread serves tens of thousands of requests a second; what costs is clients that hold connections, and
 * those are bounded by {@link Limits}: a request head must arrive within 10 s, a kept-alive connection may idle 30 s,
 * an answer must be taken within 10 s, and past 1024 connections the one quiet the longest is closed to admit the next.
 * There is no limit per client address: a sidecar's clients all come from 127.0.0.1.
 *
 * <p>Push: when the model publishes a revision ({@link #published}), the thread wakes and hands it to every held
 * long-poll and event stream, which answer or send from the revision's prepared bytes.
 */
public final class StatusServer implements AutoCloseable {
    /**
     * What may be configured of the server.
     *
     * @param maxWait the longest a long-poll ({@code ?wait=}) is held
     * @param pushClients event streams and held long-polls open at once
     */
    public record Options(Duration maxWait, int pushClients) {
    }

    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long IDLE_WAKE_MS = 1_000;
    /** No round of the loop for this long means the server thread is wedged (it wakes at least once a second). */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long SUMMARY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** At most this many accepts per round, so a flood of connects cannot starve the connections in use. */
    private static final int ACCEPTS_PER_ROUND = 64;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Handler handler;
    private final Supplier<Snapshot> snapshots;
    private final EventFrames frames = new EventFrames();
    private final Limits limits;
    private final Clock clock;
    private final Thread thread;
    /** In order of last activity, quietest first. Touched by the server thread only. */
    private final Set<Connection> connections = new LinkedHashSet<>();
    /** The held long-polls and event streams. */
    private final Set<Connection> pushing = new HashSet<>();
    private long dispatched;
    // Closed since the last summary: for sending no head in time, for not reading an answer, to make room.
    private long slowHeads;
    private long slowReaders;
    private long evicted;
    private final SelectionKey accepting;
    private long acceptPausedUntil;
    private long nextSummary = System.nanoTime() + SUMMARY_NANOS;
    private long dateSecond = Long.MIN_VALUE;
    private String date = "";
    private volatile boolean closed;
    private volatile long lastLoopNanos = System.nanoTime();
    private volatile int open;

    /**
     * @param secret empty only when auth is off ({@code http.allowNoAuth}, loopback only)
     * @param healthy liveness of the daemon's threads, for {@code /healthz}
     * @param metrics the {@code /metrics} body of a revision
     */
    public StatusServer(InetSocketAddress address, Optional<Secret> secret, Supplier<Snapshot> snapshots,
            BooleanSupplier healthy, Function<Snapshot, byte[]> metrics, Options options, Clock clock)
            throws IOException {
        this(address, new Handler(routes(metrics), secret, snapshots, healthy, options.maxWait()), snapshots,
                Limits.withPushClients(options.pushClients()), clock);
    }

    StatusServer(InetSocketAddress address, Handler handler, Supplier<Snapshot> snapshots, Limits limits, Clock clock)
            throws IOException {
        this.handler = handler;
        this.snapshots = snapshots;
        this.dispatched = snapshots.get().revision();
        this.limits = limits;
        this.clock = clock;
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(address, 128);
            listener.configureBlocking(false);
            accepting = listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            listener.close();
            selector.close();
            throw e;
        }
        this.thread = DaemonThreads.create("http", this::run);
        thread.start();
    }

    static List<Route> routes(Function<Snapshot, byte[]> metrics) {
        return List.of(
                // 503 before the first scan and while no session source can be seen: never a free slot it cannot see.
                new Route("/plugins/session-status/status", Responses.JSON, false, Snapshot::statusCode,
                        Snapshot::statusJson),
                // Before the first scan these say "unknown, starting": that is their answer, not an error.
                Route.of("/plugins/busy-state/snapshot", Responses.JSON, false, Snapshot::busyJson),
                Route.of("/plugins/busy-state/lease", Responses.JSON, false, Snapshot::leaseJson),
                // 503 until the first scan, like the status route: an unknown count must not read as 0.
                Route.of("/metrics", Responses.PROMETHEUS, true, metrics));
    }

    /** Whether the server thread is alive and going round its loop: for the systemd watchdog. */
    public boolean healthy() {
        return thread.isAlive() && System.nanoTime() - lastLoopNanos < STUCK_NANOS;
    }

    /** A new revision was published: hand it to the held requests and streams. Any thread; never blocks. */
    public void published() {
        selector.wakeup();
    }

    /** Connections open at the end of the server's last round. */
    int openConnections() {
        return open;
    }

    public int port() {
        return ((InetSocketAddress) listener.socket().getLocalSocketAddress()).getPort();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextSweep = System.nanoTime() + SWEEP_NANOS;
        try (selector; listener) {
            while (!closed) {
                // With no connection there is no deadline to keep: wake once a second only, to show it is alive.
                selector.select(connections.isEmpty() ? IDLE_WAKE_MS : TimeUnit.NANOSECONDS.toMillis(SWEEP_NANOS));
                long now = System.nanoTime();
                lastLoopNanos = now;
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        acceptAll(now);
                    } else if (key.isValid()) {
                        serve((Connection) key.attachment(), key, now);
                    }
                }
                Snapshot current = snapshots.get();
                if (current.revision() != dispatched) {
                    dispatched = current.revision();
                    dispatch(current, now);
                }
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + SWEEP_NANOS;
                }
                open = connections.size();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                Logger.error(e, "http: the server stopped");
            }
        } finally {
            connections.forEach(Connection::close);
            connections.clear();
        }
    }

    /** Something happened on one connection: one of the calls below, then its bookkeeping. */
    private interface Event {
        boolean run(Connection connection) throws IOException;
    }

    private void serve(Connection connection, SelectionKey key, long now) {
        act(connection, c -> key.isReadable() ? c.readable(now, date()) : c.writable(now, date()));
    }

    private void dispatch(Snapshot current, long now) {
        for (Connection connection : List.copyOf(pushing)) {
            act(connection, c -> c.revision(current, now, date()));
        }
    }

    /** Runs the event; keeps the connection as the most recently active one, or closes it. */
    private boolean act(Connection connection, Event event) {
        boolean open;
        try {
            open = event.run(connection);
        } catch (IOException e) {
            open = false;
        } catch (RuntimeException e) {
            Logger.error(e, "http: answering a request failed");
            open = false;
        }
        connections.remove(connection);
        if (open) {
            connections.add(connection);
        } else {
            connection.close();
        }
        if (open && connection.pushing()) {
            pushing.add(connection);
        } else {
            pushing.remove(connection);
        }
        return open;
    }

    private void acceptAll(long now) {
        for (int accepted = 0; accepted < ACCEPTS_PER_ROUND; accepted++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Out of file descriptors, most likely: make room, or stop accepting for a moment rather than spin.
                if (!evictQuietest()) {
                    accepting.interestOps(0);
                    acceptPausedUntil = now + SWEEP_NANOS;
                    Logger.warn("http: cannot accept connections for now: {}", e.getMessage());
                }
                return;
            }
            if (channel == null) {
                return;
            }
            if (connections.size() >= limits.connections()) {
                evictQuietest();
            }
            try {
                channel.configureBlocking(false);
                // Answers are one write each: Nagle's algorithm would only delay them against delayed ACKs.
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                Connection connection = new Connection(channel, key, host, limits, now);
                key.attach(connection);
                connections.add(connection);
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Closes the connection quiet the longest, preferring one that is neither waiting for a revision nor being
     * answered, then a waiting one; if every one is being answered (clients that ask and do not read), the quietest
     * of those, so the limit holds. @return whether there was one
     */
    private boolean evictQuietest() {
        Connection victim = null;
        int victimRank = Integer.MAX_VALUE;
        for (Connection connection : connections) {
            int rank = connection.writing() ? 2 : connection.pushing() ? 1 : 0;
            if (rank < victimRank) {
                victim = connection;
                victimRank = rank;
            }
            if (rank == 0) {
                break;
            }
        }
        if (victim == null) {
            return false;
        }
        connections.remove(victim);
        pushing.remove(victim);
        victim.close();
        evicted++;
        return true;
    }

    /**
     * Acts on deadlines that passed (a held request answered, a heartbeat sent, or the connection closed); once a
     * minute, says how many were closed for misbehaving.
     */
    private void sweep(long now) {
        for (Connection connection : List.copyOf(connections)) {
            Connection.Expiry due = connection.due(now);
            if (due != null && !act(connection, c -> c.deadlinePassed(now, date()))) {
                slowHeads += due == Connection.Expiry.HEAD ? 1 : 0;
                slowReaders += due == Connection.Expiry.WRITE ? 1 : 0;
            }
        }
        if (accepting.interestOps() == 0 && now - acceptPausedUntil >= 0) {
            accepting.interestOps(SelectionKey.OP_ACCEPT);
        }
        if (now - nextSummary >= 0) {
            nextSummary = now + SUMMARY_NANOS;
            summarize();
        }
    }

    /** Idle connections closing is routine; the others mean a client misbehaves, or too many connect. */
    private void summarize() {
        List<String> closedFor = new ArrayList<>();
        if (slowHeads > 0) {
            closedFor.add(slowHeads + " for sending no complete request head within " + limits.head().toSeconds() + " s");
        }
        if (slowReaders > 0) {
            closedFor.add(slowReaders + " for not reading an answer within " + limits.write().toSeconds() + " s");
        }
        if (evicted > 0) {
            closedFor.add(evicted + " to admit new ones past " + limits.connections() + " open");
        }
        if (!closedFor.isEmpty()) {
            Logger.info("http: in the last minute, closed connections: {}", String.join(", ", closedFor));
        }
        slowHeads = 0;
        slowReaders = 0;
        evicted = 0;
    }

    private String date() {
        long millis = clock.millis();
        long second = Math.floorDiv(millis, 1000);
        if (second != dateSecond) {
            dateSecond = second;
            date = HTTP_DATE.format(Instant.ofEpochMilli(millis));
        }
        return date;
    }

    /** What a connection asks of the server, on the server's thread. */
    private final Connection.Host host = new Connection.Host() {
        @Override
        public Answer handle(Request request, boolean mayHold) {
            return handler.handle(request, mayHold);
        }

        @Override
        public boolean admitPush(Connection connection) {
            // A held request answered and followed by another on the same connection is still in the set.
            return pushing.size() - (pushing.contains(connection) ? 1 : 0) < limits.pushClients();
        }

        @Override
        public Snapshot current() {
            return snapshots.get();
        }

        @Override
        public EventFrames frames() {
            return frames;
        }
    };

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing more to do with it.
        }
    }
}
