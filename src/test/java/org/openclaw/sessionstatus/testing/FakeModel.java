package org.openclaw.sessionstatus.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible model on loopback for a real OpenClaw gateway: {@code GET /v1/models} and streamed
 * {@code POST /v1/chat/completions}. What it answers depends on the last message: a user message containing
 * {@code please sleep N} gets a call of the {@code exec} tool running {@code sleep N} (in the foreground, so the tool call is
 * silent for N s); a tool result, or any other message, gets {@code done}. It records when each final answer was sent:
 * the ground truth of a run's end. Self-contained (JDK only), so it also runs as {@code java FakeModel.java PORT}.
 */
public final class FakeModel implements AutoCloseable {
    public static final String MODEL_ID = "fake-model";
    private static final Pattern TOOL_ROLE = Pattern.compile("\"role\"\\s*:\\s*\"tool\"");
    private static final Pattern SLEEP = Pattern.compile("please sleep (\\d+)");

    private final HttpServer server;
    private final List<Long> finalAnswersAtMs = new CopyOnWriteArrayList<>();

    public FakeModel(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/v1/models", this::models);
        server.createContext("/v1/chat/completions", this::completions);
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fake-model");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** When each run's last answer (one that calls no tool) was sent, epoch ms, in order. */
    public List<Long> finalAnswersAtMs() {
        return List.copyOf(finalAnswersAtMs);
    }

    private void models(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        send(exchange, "application/json", "{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL_ID
                + "\",\"object\":\"model\",\"created\":0,\"owned_by\":\"fake\"}]}");
    }

    private void completions(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        // OpenClaw appends context messages after the user's own: the request asks for a tool when the newest
        // "sleep N" comes after the newest tool result.
        int lastToolAt = -1;
        Matcher role = TOOL_ROLE.matcher(body);
        while (role.find()) {
            lastToolAt = role.start();
        }
        Matcher sleep = SLEEP.matcher(body);
        String seconds = null;
        while (sleep.find()) {
            seconds = sleep.start() > lastToolAt ? sleep.group(1) : null;
        }
        String delta;
        String finish;
        if (seconds != null) {
            String arguments = "{\\\"command\\\":\\\"sleep " + seconds
                    + "\\\",\\\"yieldMs\\\":600000,\\\"timeoutSeconds\\\":600}";
            delta = "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_"
                    + System.nanoTime() + "\",\"type\":\"function\",\"function\":{\"name\":\"exec\",\"arguments\":\""
                    + arguments + "\"}}]}";
            finish = "tool_calls";
        } else {
            delta = "{\"role\":\"assistant\",\"content\":\"done\"}";
            finish = "stop";
        }
        String chunk = "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\""
                + MODEL_ID + "\",\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]%s}";
        String usage = ",\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11}";
        String events = "data: " + String.format(chunk, delta, "null", "") + "\n\n"
                + "data: " + String.format(chunk, "{}", "\"" + finish + "\"", usage) + "\n\n"
                + "data: [DONE]\n\n";
        if ("stop".equals(finish)) {
            finalAnswersAtMs.add(System.currentTimeMillis());
        }
        send(exchange, "text/event-stream", events);
    }

    private static void send(HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** Standalone: {@code java FakeModel.java PORT}; prints each final answer's time. */
    public static void main(String[] args) throws Exception {
        FakeModel model = new FakeModel(Integer.parseInt(args[0]));
        System.out.println("fake model on " + model.port());
        Thread.currentThread().join();
    }
}
