package org.openclaw.sessionstatus.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.config.Secret;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * Every request, in order: unknown path → 404; a method other than GET or HEAD → 405; a data route without the
 * bearer secret → 401 with the challenge; a malformed {@code wait} → 400; not ready, or (the status route) no
 * session source readable → 503; a matching {@code If-None-Match} → held until the next revision if the request
 * may wait ({@code ?wait=<seconds>}), else 304; else the snapshot's prepared bytes. The event stream, once
 * authorised, is an {@link Answer.Events}. The probes need no secret and carry no data. Pure and quick: it runs on
 * the server's one thread.
 */
final class Handler {
    static final String EVENTS = "/plugins/busy-state/events";
    private static final String CHALLENGE = "Bearer realm=\"openclaw-session-status\"";
    private static final byte[] NOT_FOUND = Responses.error("not found");
    private static final byte[] NOT_ALLOWED = Responses.error("method not allowed: this API is read-only");
    private static final byte[] UNAUTHORIZED = Responses.error("missing or wrong bearer token");
    private static final byte[] STARTING = Responses.error("starting: the first scan is not done yet");
    private static final byte[] UNHEALTHY = Responses.error("unhealthy: the model or watcher thread is stuck");
    private static final byte[] BAD_WAIT = Responses.error("wait must be a whole number of seconds");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}");

    private final Map<String, Route> routes;
    private final Optional<Secret> secret;
    private final Supplier<Snapshot> snapshots;
    private final BooleanSupplier healthy;
    private final long maxWaitNanos;

    /** @param maxWait the longest a long-poll is held, whatever it asks */
    Handler(List<Route> routes, Optional<Secret> secret, Supplier<Snapshot> snapshots, BooleanSupplier healthy,
            Duration maxWait) {
        this.routes = routes.stream().collect(Collectors.toUnmodifiableMap(Route::path, Function.identity()));
        this.secret = secret;
        this.snapshots = snapshots;
        this.healthy = healthy;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** @param mayHold false when a held request's wait ended: answer now, whatever the revision */
    Answer handle(Request request, boolean mayHold) {
        String path = request.path();
        Route route = routes.get(path);
        boolean probe = path.equals("/healthz") || path.equals("/readyz");
        boolean events = path.equals(EVENTS);
        boolean head = request.head();
        if (route == null && !probe && !events) {
            return Response.json(404, NOT_FOUND, request);
        }
        if (!head && !request.method().equals("GET")) {
            return new Response(405, Responses.JSON, List.of(Map.entry("Allow", "GET, HEAD")), NOT_ALLOWED, true);
        }
        Snapshot snapshot = snapshots.get();
        if (probe) {
            boolean up = path.equals("/healthz") ? healthy.getAsBoolean() : snapshot.ready();
            return Response.json(up ? 200 : 503, up ? Responses.OK : path.equals("/healthz") ? UNHEALTHY : STARTING, request);
        }
        if (!authorized(request.first("authorization"))) {
            return new Response(401, Responses.JSON, List.of(Map.entry("WWW-Authenticate", CHALLENGE)), UNAUTHORIZED,
                    !head);
        }
        if (events) {
            return new Answer.Events(request, request.first("last-event-id"));
        }
        Objects.requireNonNull(route); // neither a probe nor the stream: found above
        long waitNanos;
        try {
            waitNanos = Math.min(maxWaitNanos, waitNanos(request.param("wait")));
        } catch (NumberFormatException e) {
            return Response.json(400, BAD_WAIT, request);
        }
        if (route.needsReady() && !snapshot.ready()) {
            return Response.json(503, STARTING, request);
        }
        int status = route.status().applyAsInt(snapshot);
        if (status != 200) {
            return Response.json(status, route.body().apply(snapshot), request);
        }
        List<Map.Entry<String, String>> etag = List.of(Map.entry("ETag", snapshot.etag()));
        if (matches(request.all("if-none-match"), snapshot.etag())) {
            return mayHold && waitNanos > 0 ? new Answer.Hold(request, waitNanos) : Response.notModified(etag);
        }
        return new Response(200, route.contentType(), etag, route.body().apply(snapshot), !head);
    }

    /** {@code wait=<seconds>}: a whole number; absent is 0. */
    private static long waitNanos(@Nullable String wait) {
        if (wait == null) {
            return 0;
        }
        if (!SECONDS.matcher(wait).matches()) {
            throw new NumberFormatException(wait);
        }
        return TimeUnit.SECONDS.toNanos(Long.parseLong(wait));
    }

    private boolean authorized(@Nullable String header) {
        if (secret.isEmpty()) {
            return true;
        }
        String prefix = "Bearer ";
        return header != null && header.regionMatches(true, 0, prefix, 0, prefix.length())
                && secret.get().matches(header.substring(prefix.length()).strip());
    }

    /** RFC 9110: If-None-Match compares weakly, may list several tags, and {@code *} matches any. */
    private static boolean matches(List<String> ifNoneMatch, String etag) {
        for (String header : ifNoneMatch) {
            for (String tag : header.split(",", -1)) {
                String candidate = tag.strip();
                if (candidate.equals("*") || candidate.equals(etag) || candidate.equals("W/" + etag)) {
                    return true;
                }
            }
        }
        return false;
    }
}
