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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
    /** Polls in a row without an answer before the connection is given up and opened again. */
    static final int SILENT_POLLS_BEFORE_RECONNECT = 3;
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 1_000;
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

    private final Settings settings;
    private final EvidenceSink sink;
    private final Clock clock;
    private final HttpClient http;
    private final Thread thread;
    private final BlockingQueue<Object> wake = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile GatewayConnection connection;
    /** Touched by the source's thread only. */
    private DeviceIdentity device;
    private GatewayView view = GatewayView.NONE;
    private String state = "";

    public GatewaySource(Settings settings, EvidenceSink sink, Clock clock) {
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
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
            poll(once);
        } catch (GatewayException | IOException e) {
            deliver(GatewayView.NONE, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        // The disk's word holds until the gateway answers: the daemon is ready without waiting for it.
        deliver(GatewayView.NONE, false);
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
                backoff = MIN_BACKOFF_MS;
                transition("connected", "gateway: connected to " + url(endpoint()) + " (OpenClaw "
                        + connection.hello().serverVersion() + ", scopes " + connection.hello().scopes() + ") in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms: its word is authoritative");
                follow(connection);
            } catch (GatewayException e) {
                transition("failed " + e.code(), "gateway: no connection (" + e.getMessage()
                        + "); the disk's word counts meanwhile, retrying");
                backoff = Math.min(MAX_BACKOFF_MS, Math.max(backoff * 2, Math.min(e.retryAfterMs(), MAX_BACKOFF_MS)));
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
            if (view.connected()) {
                deliver(view.disconnected(), false);
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
        if (device == null) {
            device = DeviceIdentity.loadOrCreate(settings.deviceKey());
        }
        return GatewayConnection.open(http, endpoint(), device, READ_SCOPES, settings.version(), CONNECT_TIMEOUT,
                this::event);
    }

    /** Asks for the lanes and the active sessions at once; delivers both when both answered. */
    private void poll(GatewayConnection open) throws GatewayException, InterruptedException {
        CompletableFuture<JsonNode> lanes = open.call("diagnostics.lanes", JSON.createObjectNode(), CALL_DEADLINE);
        List<GatewayView.Run> runs = new ArrayList<>();
        long offset = 0;
        for (int page = 0; page < MAX_PAGES; page++) {
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
        JsonNode lanesPayload = await(lanes);
        List<GatewayView.Lane> parsed = new ArrayList<>();
        for (JsonNode lane : lanesPayload.path("lanes")) {
            String name = lane.path("lane").asText("");
            // Per-session lanes would name a session: only the fixed, shared ones are kept.
            if (!name.isEmpty() && name.indexOf(':') < 0) {
                parsed.add(new GatewayView.Lane(name, lane.path("activeCount").asInt(0),
                        lane.path("queuedCount").asInt(0), lane.path("maxConcurrent").asInt(0)));
            }
        }
        deliver(new GatewayView(true, clock.millis(), parsed, runs), true);
    }

    private static JsonNode await(CompletableFuture<JsonNode> call) throws GatewayException, InterruptedException {
        try {
            return call.get(CALL_DEADLINE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof GatewayException gateway ? gateway
                    : new GatewayException(GatewayException.CLOSED, String.valueOf(e.getCause()), true, 0);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new GatewayException(GatewayException.TIMEOUT, "no answer in time: diagnostics.lanes", true, 0);
        }
    }

    /** On a socket thread: a run started or ended, a session or task changed — poll now rather than in a second. */
    private void event(JsonNode frame) {
        String event = frame.path("event").asText();
        if ("sessions.changed".equals(event) || "task".equals(event)
                || "agent".equals(event) && "lifecycle".equals(frame.path("payload").path("stream").asText())) {
            wake.add(Boolean.TRUE);
        }
    }

    private void deliver(GatewayView next, boolean connected) {
        boolean changedHealth = view.connected() != connected || view == GatewayView.NONE;
        view = next;
        sink.gateway(next);
        if (changedHealth) {
            sink.health(new SourceHealth(NAME, true, connected ? 1 : 0, 0, false, 0, 0, 0, 0));
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

    private static String url(GatewayEndpoint endpoint) {
        return endpoint.url().toString();
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
