package org.openclaw.sessionstatus.action;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * AWS ECS task scale-in protection, from inside the task: {@code PUT $ECS_AGENT_URI/task-protection/v1/state} with
 * {@code {"ProtectionEnabled":true,"ExpiresInMinutes":N}} while the lease is busy (N the lease's extension rounded up
 * to whole minutes, 1 to 2880), renewed at half of N, and {@code {"ProtectionEnabled":false}} once it is idle; a
 * {@code GET} at start. The agent answers {@code {"protection":{…}}} on success; {@code {"failure":{"Arn","Reason"}}}
 * (with 200) or {@code {"error":{"Arn","Code","Message"}}} (with 4xx or 5xx) when ECS refused: both are failures.
 * If the daemon dies, the protection expires by itself after N minutes: that is the backstop.
 */
final class EcsTaskProtection implements Action {
    static final String PATH = "/task-protection/v1/state";
    private static final int MAX_MINUTES = 2_880;

    private final URI state;
    private final Http http;

    EcsTaskProtection(URI agentUri, Duration timeout) {
        this.state = URI.create(agentUri.toString().replaceAll("/+$", "") + PATH);
        this.http = new Http(HttpClient.newBuilder(), timeout);
    }

    @Override
    public String name() {
        return "ecs_task_protection";
    }

    @Override
    public Optional<Intent.State> current() throws CallFailed {
        JsonNode protection = protection(http.send(HttpRequest.newBuilder(state).GET()));
        return Optional.of(protection.path("ProtectionEnabled").asBoolean() ? Intent.State.PROTECT : Intent.State.RELEASE);
    }

    @Override
    public void apply(Intent intent) throws CallFailed {
        String body = intent.state() == Intent.State.PROTECT
                ? "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":" + minutes(intent) + "}"
                : "{\"ProtectionEnabled\":false}";
        JsonNode protection = protection(http.send(HttpRequest.newBuilder(state)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body))));
        boolean enabled = protection.path("ProtectionEnabled").asBoolean();
        if (enabled != (intent.state() == Intent.State.PROTECT)) {
            throw new CallFailed("the agent answered ProtectionEnabled " + enabled, false);
        }
    }

    /** Renewed at half its life, so one failed renewal still leaves time to try again. */
    @Override
    public Optional<Duration> renewAfter(Intent intent) {
        return intent.state() == Intent.State.PROTECT ? Optional.of(Duration.ofMinutes(minutes(intent)).dividedBy(2))
                : Optional.empty();
    }

    static long minutes(Intent intent) {
        long minutes = (intent.extendForMs() + 59_999) / 60_000;
        return Math.max(1, Math.min(MAX_MINUTES, minutes));
    }

    /** The {@code protection} object of a successful answer; anything else says why it failed. */
    private static JsonNode protection(Http.Answer answer) throws CallFailed {
        JsonNode body = answer.body();
        if (body != null && answer.status() == 200 && body.path("protection").isObject()) {
            return body.get("protection");
        }
        if (body != null && body.path("failure").isObject()) {
            throw new CallFailed("ECS refused (" + answer.status() + "): " + body.get("failure").path("Reason").asText(), false);
        }
        if (body != null && body.path("error").isObject()) {
            JsonNode error = body.get("error");
            throw new CallFailed("ECS error (" + answer.status() + "): " + error.path("Code").asText() + ": "
                    + error.path("Message").asText(), false);
        }
        throw new CallFailed("unexpected answer (" + answer.status() + "): " + answer.raw(), false);
    }
}
