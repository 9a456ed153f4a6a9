package org.openclaw.sessionstatus.source.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One authenticated WebSocket connection to an OpenClaw gateway (protocol 4, {@code docs/gateway/protocol/}):
 * {@code connect.challenge} → {@code connect} signed by the device key → {@code hello-ok} whose granted scopes are
 * checked; then requests with ids and per-call deadlines, and pushed events. Used by the gateway source (scope
 * {@code operator.read}); the requested scopes are a parameter so a command that needs more (a drain, with an admin
 * token) opens its own connection the same way.
 *
 * <p>Frames are read on the HTTP client's threads and handed on at once: events to the listener (which must not
 * block), answers to the futures of their calls. Nothing here logs: the token is never in a message.
 */
public final class GatewayConnection implements AutoCloseable {
    public static final int PROTOCOL = 4;
    /** One of the gateway's known client ids and modes ({@code GATEWAY_CLIENT_IDS}); a CLI-like reader. */
    private static final String CLIENT_ID = "cli";
    private static final String CLIENT_MODE = "cli";
    private static final String PLATFORM = "linux";
    private static final String ROLE = "operator";
    /** Longer frames are refused: a gateway answer this daemon asks for is a few KB. */
    private static final int MAX_FRAME_CHARS = 8 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the gateway said in {@code hello-ok}. */
    /** The device key, loaded (or made) only once a gateway has sent its challenge: no gateway, no key file. */
    public interface Device {
        DeviceIdentity load() throws IOException;
    }

    /** What the gateway said in {@code hello-ok}; {@code payload} is the whole of it. */
    public record Hello(String serverVersion, List<String> scopes, JsonNode payload) {
    }

    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<JsonNode> challenge = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final Consumer<JsonNode> events;
    private volatile @Nullable WebSocket socket;
    @SuppressWarnings("NullAway.Init") // set by open() before the connection is handed out
    private volatile Hello hello;

    private GatewayConnection(Consumer<JsonNode> events) {
        this.events = events;
    }

    /**
     * Opens, authenticates and checks the granted scopes, all within {@code timeout}.
     *
     * @param scopes what to ask for; the connection fails unless all are granted
     * @param events receives every event frame after the handshake ({@code type: "event"}), on a client thread
     * @throws GatewayException refused (its code says why; {@code UNAVAILABLE} while the gateway starts is
     *     retryable), or not answered in time, or the socket could not be opened ({@link GatewayException#CLOSED})
     * @throws IOException the device key cannot be read or made
     */
    public static GatewayConnection open(HttpClient http, GatewayEndpoint endpoint, Device device,
            List<String> scopes, String version, Duration timeout, Consumer<JsonNode> events)
            throws GatewayException, IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        GatewayConnection connection = new GatewayConnection(events);
        try {
            connection.socket = await(http.newWebSocketBuilder().connectTimeout(timeout)
                    .buildAsync(endpoint.url(), connection.new Listener()), deadline, "opening the socket");
            JsonNode nonce = await(connection.challenge, deadline, "the connect challenge").path("payload");
            if (!nonce.path("nonce").isTextual() || !nonce.path("ts").canConvertToLong()) {
                throw new GatewayException(GatewayException.PROTOCOL, "connect.challenge without nonce and ts", false, 0);
            }
            JsonNode payload = await(connection.send("connect", connection.connectParams(endpoint, device.load(), scopes,
                    version, nonce.path("nonce").textValue(), nonce.path("ts").longValue())), deadline, "hello-ok");
            connection.hello = hello(payload, scopes);
            return connection;
        } catch (GatewayException | IOException | InterruptedException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    public Hello hello() {
        return hello;
    }

    /** Completes, with why, when the connection is gone (closed by either side, or failed). */
    public CompletableFuture<String> closed() {
        return closed;
    }

    /**
     * Sends a request; the future completes with the answer's {@code payload}, or fails with a
     * {@link GatewayException} (the gateway's error, {@link GatewayException#TIMEOUT} after {@code deadline}, or
     * {@link GatewayException#CLOSED}).
     */
    public CompletableFuture<JsonNode> call(String method, JsonNode params, Duration deadline) {
        return send(method, params).orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e, method)));
    }

    /** The same call, waited for. */
    public JsonNode await(String method, JsonNode params, Duration deadline) throws GatewayException, InterruptedException {
        return await(call(method, params, deadline), System.nanoTime() + deadline.toNanos() + 1_000_000_000L, method);
    }

    private CompletableFuture<JsonNode> send(String method, JsonNode params) {
        String id = Long.toString(ids.incrementAndGet());
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        answer.whenComplete((ignored, error) -> pending.remove(id));
        pending.put(id, answer);
        if (closed.isDone()) {
            answer.completeExceptionally(new GatewayException(GatewayException.CLOSED, closed.join(), true, 0));
            return answer;
        }
        ObjectNode frame = JSON.createObjectNode().put("type", "req").put("id", id).put("method", method);
        frame.set("params", params);
        // sendText may not be called again before the previous send completes: one at a time.
        WebSocket open = socket;
        if (open == null) {
            answer.completeExceptionally(new GatewayException(GatewayException.CLOSED, "not connected yet", true, 0));
            return answer;
        }
        synchronized (this) {
            try {
                open.sendText(frame.toString(), true).get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                answer.completeExceptionally(new GatewayException(GatewayException.CLOSED, "sending failed: " + e, true, 0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer.completeExceptionally(new GatewayException(GatewayException.CLOSED, "interrupted", true, 0));
            }
        }
        return answer;
    }

    private ObjectNode connectParams(GatewayEndpoint endpoint, DeviceIdentity device, List<String> scopes,
            String version, String nonce, long signedAt) {
        String token = endpoint.token() == null ? "" : endpoint.token().value();
        // auth.md, buildDeviceAuthPayloadV3: the signature binds device, client, role, scopes, token and nonce.
        String signed = String.join("|", "v3", device.id(), CLIENT_ID, CLIENT_MODE, ROLE, String.join(",", scopes),
                Long.toString(signedAt), token, nonce, PLATFORM.toLowerCase(Locale.ROOT), "");
        ObjectNode params = JSON.createObjectNode().put("minProtocol", PROTOCOL).put("maxProtocol", PROTOCOL);
        params.putObject("client").put("id", CLIENT_ID).put("version", version).put("platform", PLATFORM)
                .put("mode", CLIENT_MODE);
        params.put("role", ROLE);
        ArrayNode scopeArray = params.putArray("scopes");
        scopes.forEach(scopeArray::add);
        params.putArray("caps");
        params.putArray("commands");
        params.putObject("permissions");
        if (endpoint.token() != null) {
            params.putObject("auth").put("token", token);
        }
        params.put("locale", "en-US").put("userAgent", "openclaw-session-status/" + version);
        params.putObject("device").put("id", device.id()).put("publicKey", device.publicKey())
                .put("signature", device.sign(signed)).put("signedAt", signedAt).put("nonce", nonce);
        return params;
    }

    private static Hello hello(JsonNode payload, List<String> requested) throws GatewayException {
        if (!"hello-ok".equals(payload.path("type").asText())) {
            throw new GatewayException(GatewayException.PROTOCOL, "connect answered without hello-ok", false, 0);
        }
        if (payload.path("protocol").asInt() != PROTOCOL) {
            throw new GatewayException(GatewayException.PROTOCOL, "the gateway speaks protocol "
                    + payload.path("protocol").asText() + ", this client " + PROTOCOL, false, 0);
        }
        List<String> granted = JSON.convertValue(payload.path("auth").path("scopes"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        if (granted == null || !granted.containsAll(requested)) {
            throw new GatewayException("AUTH_SCOPE_MISMATCH", "asked for " + requested + ", granted " + granted, false, 0);
        }
        return new Hello(payload.path("server").path("version").asText(""), List.copyOf(granted), payload);
    }

    private void received(String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (java.io.IOException e) {
            close("the gateway sent a frame that is not JSON");
            return;
        }
        String type = frame.path("type").asText();
        if ("event".equals(type)) {
            if ("connect.challenge".equals(frame.path("event").asText())) {
                challenge.complete(frame);
            } else if (hello != null) {
                events.accept(frame);
            }
        } else if ("res".equals(type)) {
            CompletableFuture<JsonNode> answer = pending.get(frame.path("id").asText());
            if (answer == null) {
                return;
            }
            if (frame.path("ok").asBoolean(false)) {
                answer.complete(frame.path("payload"));
            } else {
                answer.completeExceptionally(error(frame.path("error")));
            }
        }
    }

    /** The protocol's error object; {@code details.code} is the more precise code where given. */
    private static GatewayException error(JsonNode error) {
        String code = error.path("details").path("code").asText(error.path("code").asText("ERROR"));
        long retryAfter = Math.max(error.path("retryAfterMs").asLong(0),
                error.path("details").path("retryAfterMs").asLong(0));
        boolean retryable = error.path("retryable").asBoolean(false) || "UNAVAILABLE".equals(error.path("code").asText());
        return new GatewayException(code, error.path("message").asText("(no message)"), retryable, retryAfter);
    }

    /** The future's value, waited for until {@code deadlineNanos} ({@link System#nanoTime()}). */
    static <T> T await(CompletableFuture<T> future, long deadlineNanos, String what)
            throws GatewayException, InterruptedException {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new GatewayException(GatewayException.TIMEOUT, "no answer in time: " + what, true, 0);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause(), what);
        }
    }

    private static GatewayException unwrap(@Nullable Throwable e, String what) {
        Throwable cause = e instanceof CompletionException || e instanceof ExecutionException ? e.getCause() : e;
        if (cause instanceof GatewayException gateway) {
            return gateway;
        }
        if (cause instanceof TimeoutException) {
            return new GatewayException(GatewayException.TIMEOUT, "no answer in time: " + what, true, 0);
        }
        return new GatewayException(GatewayException.CLOSED, what + ": " + cause, true, 0);
    }

    private void close(String why) {
        if (closed.complete(why)) {
            GatewayException gone = new GatewayException(GatewayException.CLOSED, why, true, 0);
            pending.values().forEach(answer -> answer.completeExceptionally(gone));
            challenge.completeExceptionally(gone);
        }
        WebSocket open = socket;
        if (open != null) {
            open.abort();
        }
    }

    @Override
    public void close() {
        close("closed by this client");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (partial.length() > MAX_FRAME_CHARS) {
                close("the gateway sent a frame longer than " + MAX_FRAME_CHARS + " characters");
                return null;
            }
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                received(text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            close("the gateway closed the connection (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            close("the connection failed: " + error);
        }
    }
}
