package org.openclaw.sessionstatus.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.openclaw.sessionstatus.config.Secret;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * Every request, in order: unknown path → 404; a method other than GET or HEAD → 405; a data route without the
 * bearer secret → 401 with the challenge; not ready, or (the status route) no session source readable → 503; a
 * matching {@code If-None-Match} → 304; else the snapshot's prepared bytes. The probes need no secret and carry no
 * data.
 */
final class Handler implements HttpHandler {
    private static final String CHALLENGE = "Bearer realm=\"openclaw-session-status\"";
    private static final byte[] NOT_FOUND = Responses.error("not found");
    private static final byte[] NOT_ALLOWED = Responses.error("method not allowed: this API is read-only");
    private static final byte[] UNAUTHORIZED = Responses.error("missing or wrong bearer token");
    private static final byte[] STARTING = Responses.error("starting: the first scan is not done yet");
    private static final byte[] UNHEALTHY = Responses.error("unhealthy: the model or watcher thread is stuck");

    private final Map<String, Route> routes;
    private final Optional<Secret> secret;
    private final Supplier<Snapshot> snapshots;
    private final BooleanSupplier healthy;

    Handler(List<Route> routes, Optional<Secret> secret, Supplier<Snapshot> snapshots, BooleanSupplier healthy) {
        this.routes = routes.stream().collect(Collectors.toUnmodifiableMap(Route::path, Function.identity()));
        this.secret = secret;
        this.snapshots = snapshots;
        this.healthy = healthy;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Route route = routes.get(path);
            boolean probe = path.equals("/healthz") || path.equals("/readyz");
            Headers headers = exchange.getResponseHeaders();
            headers.set("Cache-Control", "no-store");
            if (route == null && !probe) {
                send(exchange, 404, Responses.JSON, NOT_FOUND);
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                headers.set("Allow", "GET, HEAD");
                send(exchange, 405, Responses.JSON, NOT_ALLOWED);
                return;
            }
            Snapshot snapshot = snapshots.get();
            if (probe) {
                boolean up = path.equals("/healthz") ? healthy.getAsBoolean() : snapshot.ready();
                send(exchange, up ? 200 : 503, Responses.JSON, up ? Responses.OK : path.equals("/healthz") ? UNHEALTHY : STARTING);
                return;
            }
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                headers.set("WWW-Authenticate", CHALLENGE);
                send(exchange, 401, Responses.JSON, UNAUTHORIZED);
                return;
            }
            if (route.needsReady() && !snapshot.ready()) {
                send(exchange, 503, Responses.JSON, STARTING);
                return;
            }
            int status = route.status().applyAsInt(snapshot);
            if (status != 200) {
                send(exchange, status, Responses.JSON, route.body().apply(snapshot));
                return;
            }
            headers.set("ETag", snapshot.etag());
            if (matches(exchange.getRequestHeaders().get("If-None-Match"), snapshot.etag())) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            send(exchange, 200, route.contentType(), route.body().apply(snapshot));
        }
    }

    private boolean authorized(String header) {
        if (secret.isEmpty()) {
            return true;
        }
        String prefix = "Bearer ";
        return header != null && header.regionMatches(true, 0, prefix, 0, prefix.length())
                && secret.get().matches(header.substring(prefix.length()).strip());
    }

    /** RFC 9110: If-None-Match compares weakly, may list several tags, and {@code *} matches any. */
    private static boolean matches(List<String> ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String header : ifNoneMatch) {
            for (String tag : header.split(",")) {
                String candidate = tag.strip();
                if (candidate.equals("*") || candidate.equals(etag) || candidate.equals("W/" + etag)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
