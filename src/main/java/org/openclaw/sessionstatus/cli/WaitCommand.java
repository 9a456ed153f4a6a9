package org.openclaw.sessionstatus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.HttpUrls;
import org.openclaw.sessionstatus.config.Secret;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wait idle} and {@code wait slots N}: block until the lease says {@code release_after_grace}, or until at
 * least N slots are free, for scripts and {@code preStop} hooks. Asks a running daemon ({@code --url}) by long-polls,
 * or, without one, watches the state dir itself. Exit 0 when it happened, 1 when {@code --timeout} ran out first,
 * 2 on a usage or configuration error (a secret the daemon refuses, a server that is not the daemon included).
 */
@Command(mixinStandardHelpOptions = true)
final class WaitCommand extends ConfiguredCommand {
    static final String DESCRIPTION = "Block until the gateway is idle (the lease says release_after_grace) or until N "
            + "slots are free; exit 0 then, 1 if --timeout runs out first, 2 on a usage error.";
    private static final int TIMED_OUT = 1;
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");
    /** The longest one long-poll asks for; the daemon caps it at its own {@code http.maxWaitMs} anyway. */
    private static final long POLL_SECONDS = 60;
    private static final long RETRY_MS = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    @Parameters(index = "0", paramLabel = "idle|slots", description = "what to wait for")
    private String what;

    @Parameters(index = "1", arity = "0..1", paramLabel = "N", description = "with slots: how many must be free")
    private @Nullable String count;

    @Option(names = "--url", paramLabel = "URL",
            description = "a running daemon, e.g. http://127.0.0.1:18780 (secret from the configuration or the environment)")
    private @Nullable String url;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "give up after this long: 90, 90s, 5m, 1h")
    private @Nullable String timeout;

    WaitCommand(Map<String, String> env, Clock clock) {
        super(env);
        this.clock = clock;
    }

    /**
     * What is waited for: one document, tested the same way whether a daemon served it or this process made it.
     *
     * @param document that document of a snapshot, when no daemon is asked
     */
    private record Condition(String route, Function<Snapshot, byte[]> document, Predicate<JsonNode> met) {
        boolean metBy(Snapshot snapshot) {
            try {
                return met.test(JSON.readTree(document.apply(snapshot)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Condition condition = condition();
        long timeoutMs = timeoutMs();
        URI base = url == null ? null : base(url);
        // Each usage error names what is wrong, never the value (it may be a secret typed in the wrong place).
        if (condition == null) {
            return usage("name what to wait for: idle, or slots N (N a whole number)");
        }
        if (timeoutMs < 0) {
            return usage("--timeout must be a duration: 90, 90s, 5m, 1h");
        }
        if (url != null && base == null) {
            return usage("--url must be an http:// URL of a running daemon, e.g. http://127.0.0.1:18780");
        }
        Deadline deadline = new Deadline(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(timeoutMs));
        Config config = config();
        return base == null ? watch(config, condition, deadline) : ask(base, config, condition, deadline);
    }

    /** When to give up; {@link Long#MAX_VALUE} nanoseconds (a timeout beyond three centuries) is never. */
    private record Deadline(long startNanos, long timeoutNanos) {
        long leftNanos() {
            return timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - startNanos);
        }

        boolean passed() {
            return leftNanos() <= 0;
        }
    }

    private int usage(String problem) {
        spec.commandLine().getErr().println("openclaw-session-status: wait: " + problem);
        spec.commandLine().getErr().println("Try 'openclaw-session-status wait --help'.");
        spec.commandLine().getErr().flush();
        return Cli.CONFIG_ERROR;
    }

    private @Nullable Condition condition() {
        if (what.equals("idle") && count == null) {
            return new Condition("/plugins/busy-state/lease", Snapshot::leaseJson,
                    lease -> lease.path("lease").path("recommendedAction").asText().equals("release_after_grace"));
        }
        if (what.equals("slots") && count != null && count.matches("[0-9]{1,7}")) {
            int slots = Integer.parseInt(count);
            // Only a readable status counts (an error document is not ok): never free slots the daemon cannot see.
            return new Condition("/plugins/session-status/status", Snapshot::statusJson,
                    status -> status.path("ok").asBoolean() && status.path("sessions").path("available").asInt() >= slots);
        }
        return null;
    }

    /** @return milliseconds, {@link Long#MAX_VALUE} for none given, -1 for one that does not parse; saturating */
    private long timeoutMs() {
        if (timeout == null) {
            return Long.MAX_VALUE;
        }
        Matcher m = DURATION.matcher(timeout.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return -1;
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> amount;
            case "m" -> TimeUnit.MINUTES.toMillis(amount);
            case "h" -> TimeUnit.HOURS.toMillis(amount);
            default -> TimeUnit.SECONDS.toMillis(amount);
        };
        // toMillis and toNanos saturate, so a huge timeout is simply no timeout.
    }

    private static @Nullable URI base(String url) {
        return HttpUrls.parse(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, Set.of("http")).orElse(null);
    }

    /** No daemon: the sources and the model in this process, until the condition holds or the time runs out. */
    private int watch(Config config, Condition condition, Deadline deadline) throws InterruptedException {
        try (Daemon.Watching watching = Daemon.Watching.start(config, env, clock)) {
            Snapshot last;
            do {
                long left = Math.min(deadline.leftNanos(), TimeUnit.HOURS.toNanos(1));
                last = watching.model().await(condition::metBy, Duration.ofNanos(Math.max(0, left)));
            } while (!condition.metBy(last) && !deadline.passed());
            if (condition.metBy(last)) {
                print(condition.document().apply(last));
                return 0;
            }
            return timedOut("the lease says " + last.busy().action().wireName() + ", "
                    + last.status().available() + " slots free");
        }
    }

    /**
     * A running daemon: long-polls on the route, each answered by the next revision or the end of its wait. Asks at
     * least once, however short the timeout.
     */
    private int ask(URI base, Config config, Condition condition, Deadline deadline) throws Exception {
        Optional<Secret> secret = new Secrets(env).resolve(config, false).secret();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String etag = null;
        String last = "no answer yet";
        do {
            // Held by the daemon at most until the deadline; a request that may not be held is answered at once.
            long waitSeconds = Math.min(POLL_SECONDS, TimeUnit.NANOSECONDS.toSeconds(deadline.leftNanos()));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + condition.route()
                    + (waitSeconds > 0 ? "?wait=" + waitSeconds : ""))).timeout(Duration.ofSeconds(waitSeconds + 10));
            secret.ifPresent(s -> request.header("Authorization", s.bearerHeader()));
            if (etag != null) {
                request.header("If-None-Match", etag);
            }
            long asked = System.nanoTime();
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                // Starting, restarting, or gone for a moment: ask again shortly, until the time runs out.
                last = "cannot reach " + base + ": " + e;
                pause(deadline);
                continue;
            }
            int status = response.statusCode();
            if (status == 401 || status == 404) {
                return refused(base, status == 401
                        ? "refused the secret (401): set http.secretFile or OPENCLAW_SESSION_STATUS_HTTP_SECRET"
                        : "has no " + condition.route() + " (404): is it openclaw-session-status?");
            }
            if (status == 200) {
                etag = response.headers().firstValue("ETag").orElse(null);
                JsonNode document;
                try {
                    document = JSON.readTree(response.body());
                } catch (IOException e) {
                    return refused(base, "answered with something that is not JSON: is it openclaw-session-status?");
                }
                if (condition.met().test(document)) {
                    print(response.body());
                    return 0;
                }
                last = new String(response.body(), StandardCharsets.UTF_8);
            } else if (status != 304 || System.nanoTime() - asked < TimeUnit.SECONDS.toNanos(waitSeconds) / 2) {
                // 503 (starting, nothing readable, too many clients), or an answer that was not held: not the
                // condition; ask again shortly rather than at once.
                last = status == 304 ? last : "HTTP " + status + ": " + new String(response.body(), StandardCharsets.UTF_8);
                pause(deadline);
            }
        } while (!deadline.passed());
        return timedOut("last answer: " + last);
    }

    private int refused(URI base, String why) {
        spec.commandLine().getErr().println("openclaw-session-status: the server at " + base + " " + why);
        spec.commandLine().getErr().flush();
        return Cli.CONFIG_ERROR;
    }

    private static void pause(Deadline deadline) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(TimeUnit.MILLISECONDS.toNanos(RETRY_MS), deadline.leftNanos())));
    }

    private void print(byte[] document) {
        spec.commandLine().getOut().println(new String(document, StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
    }

    private int timedOut(String state) {
        spec.commandLine().getErr().println("openclaw-session-status: wait " + what + (count == null ? "" : " " + count)
                + ": timed out after " + timeout + "; " + state);
        spec.commandLine().getErr().flush();
        return TIMED_OUT;
    }
}
