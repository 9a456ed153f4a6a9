package org.openclaw.sessionstatus.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP call of an action, bounded as a whole — connection, TLS, headers and body — by its timeout (the client's
 * own request timeout only covers the wait for the headers), its body read to a bound and as JSON; any failure a
 * {@link CallFailed}. HTTP/1.1: the ECS agent and the API server speak it, and no h2c upgrade is offered.
 */
final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An answer longer than this is not an orchestrator's: read no further. */
    private static final int MAX_ANSWER_BYTES = 256 * 1024;

    private final HttpClient client;
    private final Duration timeout;

    Http(HttpClient.Builder client, Duration timeout) {
        this.client = client.version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        this.timeout = timeout;
    }

    /** The answer: its status and body as JSON ({@code null} when the body is not JSON). */
    record Answer(int status, @Nullable JsonNode body, String raw) {
    }

    Answer send(HttpRequest.Builder request) throws CallFailed {
        CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(request.timeout(timeout).build(),
                info -> new LimitedBody(MAX_ANSWER_BYTES));
        HttpResponse<byte[]> response;
        try {
            response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new CallFailed("no whole answer within " + timeout.toMillis() + " ms", true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            boolean timedOut = cause instanceof HttpTimeoutException;
            throw new CallFailed(timedOut ? "no answer within " + timeout.toMillis() + " ms" : String.valueOf(cause),
                    timedOut);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new CallFailed("interrupted", false);
        }
        String raw = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = JSON.readTree(raw);
        } catch (IOException e) {
            json = null;
        }
        return new Answer(response.statusCode(), json, raw.length() > 300 ? raw.substring(0, 300) + "…" : raw);
    }

    /** A body kept up to a bound; past it, the rest is refused (the connection is dropped) and the start kept. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        @SuppressWarnings("NullAway.Init") // onSubscribe comes before any other call (Flow's contract)
        private Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                int take = Math.min(buffer.remaining(), limit - bytes.size());
                byte[] chunk = new byte[take];
                buffer.get(chunk);
                bytes.write(chunk, 0, take);
            }
            if (bytes.size() >= limit) {
                subscription.cancel();
                body.complete(bytes.toByteArray());
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
