package org.openclaw.sessionstatus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The ECS container agent's task scale-in protection endpoint on loopback, as documented: {@code GET} and {@code PUT}
 * on {@code /task-protection/v1/state}; {@code {"protection":{…}}} on success, {@code {"failure":{…}}} with 200 when
 * ECS refuses for the task, {@code {"error":{…}}} with 4xx/5xx on an error. It can be told to fail, or to hang.
 */
public final class FakeEcsAgent implements AutoCloseable {
    static final String ARN = "arn:aws:ecs:us-west-2:111122223333:task/cluster/1234567890abcdef0";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How it answers. */
    public enum Mode { OK, FAILURE, ERROR, HANG, TRICKLE, NOT_JSON }

    /** One request it received. */
    public record Call(String method, String path, String contentType, String body) {
        public JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.OK;
    private volatile boolean enabled;

    public FakeEcsAgent() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake ecs agent");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** What the container sees as {@code $ECS_AGENT_URI}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/9d1b0a6b-0000-4000-8000-000000000000");
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public boolean protectionEnabled() {
        return enabled;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            if (!exchange.getRequestURI().getPath().endsWith("/task-protection/v1/state")) {
                Exchanges.sendJson(exchange, 404, "404 page not found");
                return;
            }
            switch (mode) {
                case HANG -> {
                    TimeUnit.SECONDS.sleep(30);
                    return;
                }
                case TRICKLE -> {
                    // Headers at once, then the body a byte at a time: only a bound on the whole call stops it.
                    exchange.sendResponseHeaders(200, 100);
                    for (int i = 0; i < 100; i++) {
                        exchange.getResponseBody().write('{');
                        exchange.getResponseBody().flush();
                        TimeUnit.MILLISECONDS.sleep(100);
                    }
                    return;
                }
                case FAILURE -> Exchanges.sendJson(exchange, 200, "{\"failure\":{\"Arn\":\"" + ARN + "\",\"Reason\":\"TASK_NOT_VALID\"}}");
                case ERROR -> Exchanges.sendJson(exchange, 400, "{\"error\":{\"Arn\":\"" + ARN + "\",\"Code\":\"AccessDeniedException\","
                        + "\"Message\":\"User is not authorized to perform: ecs:UpdateTaskProtection\"}}");
                case NOT_JSON -> Exchanges.sendJson(exchange, 502, "<html>Bad Gateway</html>");
                case OK -> {
                    if (exchange.getRequestMethod().equals("PUT")) {
                        enabled = JSON.readTree(body).get("ProtectionEnabled").asBoolean();
                    }
                    Exchanges.sendJson(exchange, 200, "{\"protection\":{\"ExpirationDate\":\"2026-11-22T23:59:00Z\",\"ProtectionEnabled\":"
                            + enabled + ",\"TaskArn\":\"" + ARN + "\"}}");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
