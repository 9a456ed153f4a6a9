package org.openclaw.sessionstatus.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.openclaw.sessionstatus.config.Secret;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.threads.DaemonThreads;

/** The HTTP surface (SPEC §5) on the JDK's HttpServer: a few threads copying prepared bytes. */
public final class StatusServer implements AutoCloseable {
    private static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param secret empty only when auth is off ({@code http.allowNoAuth}, loopback only)
     * @param healthy liveness of the daemon's threads, for {@code /healthz}
     * @param version the build's version, for the {@code build_info} metric
     */
    public StatusServer(InetSocketAddress address, Optional<Secret> secret, Supplier<Snapshot> snapshots,
            BooleanSupplier healthy, String version) throws IOException {
        // Without TCP_NODELAY keep-alive clients wait ~40 ms for each response (Nagle against delayed ACKs).
        // Read once when the JDK's server classes load, so it is set before the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        List<Route> routes = List.of(
                // 503 while no session source can be seen: never a free slot the daemon cannot see.
                new Route("/plugins/session-status/status", Responses.JSON, true, Snapshot::statusCode,
                        Snapshot::statusJson),
                // Before the first scan these say "unknown, starting": that is their answer, not an error.
                Route.of("/plugins/busy-state/snapshot", Responses.JSON, false, Snapshot::busyJson),
                Route.of("/plugins/busy-state/lease", Responses.JSON, false, Snapshot::leaseJson),
                // 503 until the first scan, like the status route: an unknown count must not read as 0.
                Route.of("/metrics", Responses.PROMETHEUS, true, new MetricsBody(version)));
        executor = Executors.newFixedThreadPool(THREADS, DaemonThreads.factory("http"));
        server = HttpServer.create(address, 64);
        server.createContext("/", new Handler(routes, secret, snapshots, healthy));
        server.setExecutor(executor);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
