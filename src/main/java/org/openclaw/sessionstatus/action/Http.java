package org.openclaw.sessionstatus.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** An HTTP call of an action: bounded in time, its answer read as JSON, any failure a {@link CallFailed}. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    /** An answer longer than this is not an orchestrator's: read no further. */
    private static final int MAX_ANSWER_BYTES = 256 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    Http(HttpClient.Builder client, Duration timeout) {
        this.client = client.connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    /** The answer: its status and body as JSON ({@code null} when the body is not JSON). */
    record Answer(int status, JsonNode body, String raw) {
    }

    Answer send(HttpRequest.Builder request) throws CallFailed {
        HttpResponse<byte[]> response;
        try {
            response = client.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new CallFailed("no answer within " + timeout.toMillis() + " ms", true);
        } catch (IOException e) {
            throw new CallFailed(e.toString(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed("interrupted", false);
        }
        byte[] body = response.body();
        String raw = new String(body, 0, Math.min(body.length, MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = JSON.readTree(raw);
        } catch (IOException e) {
            json = null;
        }
        return new Answer(response.statusCode(), json, raw.length() > 300 ? raw.substring(0, 300) + "…" : raw);
    }
}
