package bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The way it is done today (seed 000, openclaw-plugin-session-status): for every request, list every session
 * {@code .jsonl} and stat it; running = modified within 30 s; details = modified within 5 min. Same JDK HttpServer,
 * same thread count and bearer check as the daemon, so only the per-request scan differs.
 *
 * <p>Usage: {@code BaselineServer <stateDir> <secret>}; prints {@code port <n>} once listening.
 */
public final class BaselineServer {
    private static final long RUNNING_MS = 30_000;
    private static final long DETAILS_MS = 300_000;

    private BaselineServer() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path agents = Path.of(args[0]).resolve("agents");
        String expected = "Bearer " + args[1];
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/plugins/session-status/status", exchange -> {
            try (exchange) {
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    send(exchange, 401, "{\"ok\":false,\"error\":\"unauthorized\"}");
                    return;
                }
                send(exchange, 200, scan(agents));
            }
        });
        server.start();
        System.out.println("port " + server.getAddress().getPort());
        System.out.flush();
    }

    static String scan(Path agents) throws IOException {
        long now = System.currentTimeMillis();
        int running = 0;
        int total = 0;
        StringBuilder details = new StringBuilder();
        try (DirectoryStream<Path> agentDirs = Files.newDirectoryStream(agents)) {
            for (Path agentDir : agentDirs) {
                String agent = agentDir.getFileName().toString();
                Path sessions = agentDir.resolve("sessions");
                if (!Files.isDirectory(sessions)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(sessions, "*.jsonl")) {
                    for (Path file : files) {
                        long modified = Files.getLastModifiedTime(file).toMillis();
                        total++;
                        boolean isRunning = now - modified < RUNNING_MS;
                        running += isRunning ? 1 : 0;
                        if (now - modified < DETAILS_MS) {
                            String name = file.getFileName().toString();
                            details.append(details.length() == 0 ? "" : ",")
                                    .append("{\"key\":\"agent:").append(agent).append(':')
                                    .append(name, 0, name.length() - ".jsonl".length())
                                    .append("\",\"status\":\"").append(isRunning ? "running" : "idle")
                                    .append("\",\"agent\":\"").append(agent).append("\",\"kind\":\"other\",\"updatedAt\":")
                                    .append(modified).append('}');
                        }
                    }
                }
            }
        }
        int max = 8;
        return "{\"ok\":true,\"timestamp\":\"" + java.time.Instant.ofEpochMilli(now) + "\",\"sessions\":{\"running\":"
                + running + ",\"idle\":" + (total - running) + ",\"total\":" + total + ",\"maxConcurrent\":" + max
                + ",\"available\":" + Math.max(0, max - running) + ",\"details\":[" + details + "]}}";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
