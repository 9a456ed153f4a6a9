package org.openclaw.sessionstatus.source.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.model.EvidenceSink;
import org.openclaw.sessionstatus.model.GatewayView;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.source.GatewayConfig;
import org.openclaw.sessionstatus.source.Source;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.tinylog.Logger;

/**
 * The gateway's own word (SPEC §2c): a read-scoped client of the gateway's WebSocket that tells the model which lanes
 * hold and queue how many runs, and which sessions run or wait. It polls {@code diagnostics.lanes} and
 * {@code sessions.list {activeOnly}} once a second, and at once (after {@value #COALESCE_MS} ms, to take a burst in
 * one) when the gateway pushes a session, task or run lifecycle event. It reconnects with backoff, at most a second
 * apart, so a restarted gateway is back within about a second of accepting connections.
 *
 * <p>The gateway has answered whenever any frame of it arrives — a poll's answer or a pushed event: while its
 * request queue is slow (it serves the CLI's turns first) its events still say it lives, and each run's lifecycle
 * {@code start} and {@code end} are laid over the last poll until a newer poll speaks for them.
 *
 * <p>Everything happens on its own thread; every wait is bounded, so it cannot hang. It logs one line per change of
 * state (connected, lost, unreachable, silent), never the token.
 */
public final class GatewaySource implements Source {
    static final List<String> READ_SCOPES = List.of("operator.read");
    static final long POLL_MS = 1_000;
    static final long COALESCE_MS = 50;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A poll not answered within this is silence: the model stops trusting the gateway at the same age. */
    static final Duration CALL_DEADLINE = Duration.ofMillis(GatewayView.FRESH_MS);
    /** Polls in a row without an answer before the connection is given up and opened again: 30 s. */
    static final int SILENT_POLLS_BEFORE_RECONNECT = 15;
    /** Events alone refresh the view at most this often. */
    private static final long EVENT_REFRESH_MS = 250;
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 1_000;
    /** A gateway that refuses clients while it starts is up: it is asked again sooner than one that is not there. */
    static final long MAX_STARTING_BACKOFF_MS = 250;
    /** Pages of {@code sessions.list} read per poll: 100 rows each. */
    private static final int MAX_PAGES = 20;
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAME = "gateway";

    /**
     * @param url {@code gateway.url}; default {@code ws://127.0.0.1:<gateway.port>} from the gateway's config
     * @param tokenFile {@code gateway.tokenFile}; default {@code gateway.auth.token} from the gateway's config
     * @param gatewayConfig the gateway's {@code openclaw.json}
     * @param deviceKey where this daemon keeps its device key (in its own state dir)
     */
    public record Settings(Optional<URI> url, Optional<Path> tokenFile, Path gatewayConfig, Path deviceKey,
            String version) {
    }

    /** A run a lifecycle {@code start} announced, and when (epoch ms). */
    private record Announced(GatewayView.Run run, long atMs) {
    }

    private final Settings settings;
    private final EvidenceSink sink;
    private final Runnable connectionLost;
    /** Runs announced by events and not yet spoken for by a poll, by run id. Guarded by {@code this}. */
    private final Map<String, Announced> announced = new HashMap<>();
    /** What the last poll said. Guarded by {@code this}. */
    private volatile GatewayView polled = GatewayView.NONE;
    private long lastDeliveredAtMs;
    private final Clock clock;
    private final HttpClient http;
    private final Thread thread;
    private final BlockingQueue<Object> wake = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile @Nullable GatewayConnection connection;
    /** Touched by the source's thread only. */
    private @Nullable DeviceIdentity device;
    private String state = "";

    /** @param connectionLost called when an open connection drops: the gateway may have died, its pids need a look */
    public GatewaySource(Settings settings, EvidenceSink sink, Clock clock, Runnable connectionLost) {
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        this.connectionLost = connectionLost;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .executor(Executors.newCachedThreadPool(DaemonThreads.factory("gateway-socket"))).build();
        this.thread = DaemonThreads.create("gateway", this::run);
        sink.health(SourceHealth.starting(NAME));
    }

    @Override
    public String name() {
        return NAME;
    }

    /** One connect and one poll, within a few seconds; not connected is an answer too (the disk's word counts). */
    @Override
    public void scanOnce() {
        try (GatewayConnection once = connect()) {
            connected();
            poll(once);
        } catch (GatewayException | IOException e) {
            disconnected();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        // The disk's word holds until the gateway answers: the daemon is ready without waiting for it.
        disconnected();
        thread.start();
    }

    @Override
    public boolean healthy() {
        return thread.getState() == Thread.State.NEW
                || thread.isAlive() && System.nanoTime() - lastProgressNanos < STUCK_NANOS;
    }

    /** Nothing to do: every poll delivers everything. */
    @Override
    public void requestRescan(String why) {
        wake.add(Boolean.TRUE);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        GatewayConnection open = connection;
        if (open != null) {
            open.close();
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MS;
        while (!closed) {
            lastProgressNanos = System.nanoTime();
            try {
                long start = System.nanoTime();
                connection = connect();
                connected();
                backoff = MIN_BACKOFF_MS;
                transition("connected", "gateway: connected to " + endpoint().url() + " (OpenClaw "
                        + connection.hello().serverVersion() + ", scopes " + connection.hello().scopes() + ") in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: its word is authoritative");
                follow(connection);
            } catch (GatewayException e) {
                if (polled.connected()) {
                    connectionLost.run();
                }
                transition("failed " + e.code(), "gateway: no connection (" + e.getMessage()
                        + "); the disk's word counts meanwhile, retrying");
                long cap = "UNAVAILABLE".equals(e.code()) ? MAX_STARTING_BACKOFF_MS : MAX_BACKOFF_MS;
                backoff = Math.min(cap, Math.max(backoff * 2, Math.min(e.retryAfterMs(), cap)));
            } catch (IOException e) {
                transition("no device key", "gateway: " + e.getMessage() + "; the disk's word counts meanwhile");
                backoff = MAX_BACKOFF_MS;
            } catch (InterruptedException e) {
                return;
            } finally {
                GatewayConnection gone = connection;
                connection = null;
                if (gone != null) {
                    gone.close();
                }
            }
            if (polled.connected()) {
                disconnected();
            }
            try {
                wake.clear();
                TimeUnit.MILLISECONDS.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Subscribes, then polls once a second and whenever an event says something changed, until the connection goes. */
    private void follow(GatewayConnection open) throws GatewayException, InterruptedException {
        open.await("sessions.subscribe", JSON.createObjectNode(), CALL_DEADLINE);
        int silent = 0;
        while (!closed && !open.closed().isDone()) {
            lastProgressNanos = System.nanoTime();
            long started = System.nanoTime();
            try {
                poll(open);
                if (silent > 0) {
                    transition("connected", "gateway: answers again");
                }
                silent = 0;
            } catch (GatewayException e) {
                if (!GatewayException.TIMEOUT.equals(e.code())) {
                    throw e;
                }
                if (++silent == 1) {
                    transition("silent", "gateway: connected but silent for " + CALL_DEADLINE.toMillis()
                            + " ms; the disk's word counts until it answers");
                }
                if (silent >= SILENT_POLLS_BEFORE_RECONNECT) {
                    throw e;
                }
            }
            long next = started + TimeUnit.MILLISECONDS.toNanos(POLL_MS);
            Object woken = wake.poll(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (woken != null) {
                TimeUnit.MILLISECONDS.sleep(COALESCE_MS);
                wake.clear();
            }
        }
        if (!closed) {
            throw new GatewayException(GatewayException.CLOSED, open.closed().getNow("closed"), true, 0);
        }
    }

    private GatewayConnection connect() throws GatewayException, IOException, InterruptedException {
        return GatewayConnection.open(http, endpoint(), this::device, READ_SCOPES, settings.version(), CONNECT_TIMEOUT,
                this::event);
    }

    private DeviceIdentity device() throws IOException {
        if (device == null) {
            device = DeviceIdentity.loadOrCreate(settings.deviceKey());
        }
        return device;
    }

    /** Asks for the lanes and the active sessions at once; delivers both when both answered. */
    private void poll(GatewayConnection open) throws GatewayException, InterruptedException {
        long sentAt = clock.millis();
        CompletableFuture<JsonNode> lanes = open.call("diagnostics.lanes", JSON.createObjectNode(), CALL_DEADLINE);
        List<GatewayView.Run> runs = new ArrayList<>();
        long offset = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
            lastProgressNanos = System.nanoTime();
            ObjectNode params = JSON.createObjectNode().put("activeOnly", true);
            if (offset > 0) {
                params.put("offset", offset);
            }
            JsonNode list = open.await("sessions.list", params, CALL_DEADLINE);
            for (JsonNode row : list.path("sessions")) {
                if (row.path("key").isTextual()) {
                    runs.add(new GatewayView.Run(row.path("key").textValue(), row.path("agentId").asText(null),
                            "queued".equals(row.path("status").asText())));
                }
            }
            if (!list.path("hasMore").asBoolean(false) || !list.path("nextOffset").canConvertToLong()) {
                break;
            }
            offset = list.path("nextOffset").longValue();
        }
        // Sent with the first page: its own deadline has long been running.
        JsonNode lanesPayload = GatewayConnection.await(lanes, System.nanoTime() + CALL_DEADLINE.toNanos(),
                "diagnostics.lanes");
        List<GatewayView.Lane> parsed = new ArrayList<>();
        for (JsonNode lane : lanesPayload.path("lanes")) {
            String name = lane.path("lane").asText("");
            // Per-session lanes would name a session: only the fixed, shared ones are kept.
            if (!name.isEmpty() && name.indexOf(':') < 0) {
                parsed.add(new GatewayView.Lane(name, lane.path("activeCount").asInt(0),
                        lane.path("queuedCount").asInt(0), lane.path("maxConcurrent").asInt(0)));
            }
        }
        synchronized (this) {
            Set<String> listed = new HashSet<>();
            runs.forEach(run -> listed.add(run.key()));
            // An announcement older than this poll is spoken for by it: listed, or over.
            announced.values().removeIf(a -> a.atMs() < sentAt && !listed.contains(a.run().key()));
            polled = new GatewayView(true, clock.millis(), parsed, runs);
            deliver(clock.millis());
        }
    }

    /** The last poll, with the runs events announced since, as answered at {@code answeredAt}. Holds the lock. */
    private void deliver(long answeredAt) {
        List<GatewayView.Run> runs = new ArrayList<>(polled.runs());
        Set<String> keys = new HashSet<>();
        runs.forEach(run -> keys.add(run.key()));
        for (Announced a : announced.values()) {
            if (keys.add(a.run().key())) {
                runs.add(a.run());
            }
        }
        lastDeliveredAtMs = answeredAt;
        sink.gateway(new GatewayView(true, answeredAt, polled.lanes(), runs));
    }

    /**
     * Authenticated, nothing asked yet: connected, but not the gateway's word until its first poll answers (a view
     * that never answered is never fresh).
     */
    private synchronized void connected() {
        announced.clear();
        polled = new GatewayView(true, 0, List.of(), List.of());
        lastDeliveredAtMs = 0;
        sink.gateway(polled);
        sink.health(new SourceHealth(NAME, true, 1, 0, false, 0, 0, 0, 0));
    }

    /** Not connected: the model goes by the disk alone. */
    private synchronized void disconnected() {
        polled = polled.disconnected();
        announced.clear();
        lastDeliveredAtMs = 0;
        sink.gateway(polled);
        sink.health(new SourceHealth(NAME, true, 0, 0, false, 0, 0, 0, 0));
    }

    /**
     * On a socket thread: the gateway lives (the view is refreshed, at most every {@value #EVENT_REFRESH_MS} ms); a
     * run's lifecycle start or end is laid over the last poll at once; and a run, session or task that changed makes
     * the source poll now rather than within the second.
     */
    private void event(JsonNode frame) {
        String event = frame.path("event").asText();
        JsonNode payload = frame.path("payload");
        boolean lifecycle = "agent".equals(event) && "lifecycle".equals(payload.path("stream").asText());
        long now = clock.millis();
        synchronized (this) {
            if (!polled.connected() || polled.answeredAtMs() == 0) {
                return;
            }
            boolean changed = false;
            String runId = payload.path("runId").asText("");
            String phase = payload.path("data").path("phase").asText("");
            if (lifecycle && !runId.isEmpty() && payload.path("sessionKey").isTextual()) {
                if ("start".equals(phase)) {
                    announced.put(runId, new Announced(new GatewayView.Run(payload.path("sessionKey").textValue(),
                            payload.path("agentId").asText(null), false), now));
                    changed = true;
                } else if ("end".equals(phase) || "error".equals(phase)) {
                    changed = announced.remove(runId) != null;
                }
            }
            if (changed || now - lastDeliveredAtMs >= EVENT_REFRESH_MS) {
                deliver(now);
            }
        }
        if ("sessions.changed".equals(event) || "task".equals(event) || lifecycle) {
            wake.add(Boolean.TRUE);
        }
    }

    private GatewayEndpoint endpoint() throws GatewayException {
        GatewayConfig config = GatewayConfig.read(settings.gatewayConfig());
        URI url = settings.url().orElseGet(() -> URI.create("ws://127.0.0.1:"
                + config.port().orElse(GatewayConfig.DEFAULT_PORT)));
        Optional<String> token = config.token();
        if (settings.tokenFile().isPresent()) {
            Path file = settings.tokenFile().get();
            try {
                token = Optional.of(new String(RegularFiles.readConfigured(file, 64 * 1024), StandardCharsets.UTF_8)
                        .strip()).filter(value -> !value.isEmpty());
            } catch (IOException e) {
                throw new GatewayException("TOKEN_FILE", "gateway.tokenFile " + file + " cannot be read: " + e, true, 0);
            }
        }
        return new GatewayEndpoint(url, token.map(GatewayEndpoint.Token::new).orElse(null));
    }

    /** One log line per change of state, not per attempt. */
    private void transition(String next, String message) {
        if (!next.equals(state)) {
            state = next;
            if (next.equals("connected")) {
                Logger.info(message);
            } else {
                Logger.warn(message);
            }
        }
    }
}
