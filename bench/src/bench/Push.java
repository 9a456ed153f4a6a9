package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The push surfaces against the log stream: for each change, when the {@code change} line is written, when an
 * open event stream delivers its {@code change} event, and when a long-poll held before the change is answered
 * with it. And the clients that hold connections: event streams and held long-polls, opened up to the limit.
 */
final class Push {
    static final String EVENTS = "/plugins/busy-state/events";
    static final String LEASE = "/plugins/busy-state/lease";

    private final URI base;
    private final String secret;
    private final HttpClient http = HttpClient.newHttpClient();

    Push(URI base, String secret) {
        this.base = base;
        this.secret = secret;
    }

    /** Opens an event stream; its lines go to the queue as they arrive, on a thread of its own. */
    Socket events(BlockingQueue<Child.Line> lines) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.getOutputStream().write(("GET " + EVENTS + " HTTP/1.1\r\nAuthorization: Bearer " + secret + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(new Child.Line(System.nanoTime(), line));
                }
            } catch (IOException e) {
                // closed by the bench
            }
        });
        reader.setDaemon(true);
        reader.start();
        return socket;
    }

    /** A long-poll on the lease route, held by the daemon until the revision after {@code etag}. */
    CompletableFuture<HttpResponse<String>> held(String etag) {
        return http.sendAsync(HttpRequest.newBuilder(base.resolve(LEASE + "?wait=60"))
                .header("Authorization", "Bearer " + secret).header("If-None-Match", etag).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String etag() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(LEASE)).header("Authorization", "Bearer " + secret).build(),
                HttpResponse.BodyHandlers.discarding()).headers().firstValue("ETag").orElseThrow();
    }

    /**
     * Each change timed three ways, from just before the write: log line, event, long-poll answer.
     *
     * @return log stream, event stream, long-poll
     */
    Stats[] measure(Child daemon, Changes change, int changes) throws Exception {
        BlockingQueue<Child.Line> lines = new LinkedBlockingQueue<>();
        List<Double> log = new ArrayList<>();
        List<Double> event = new ArrayList<>();
        List<Double> poll = new ArrayList<>();
        int[] missed = new int[3];
        try (Socket stream = events(lines)) {
            awaitEvent(lines, "snapshot", null, Long.MAX_VALUE);
            for (int i = 0; i < changes; i++) {
                boolean busy = i % 2 == 0;
                String want = "\"busy\":" + busy + ",";
                change.prepare(busy);
                CompletableFuture<HttpResponse<String>> held = held(etag());
                daemon.lines.clear();
                long t0 = System.nanoTime();
                change.apply(busy);
                long deadline = t0 + Bench.CHANGE_TIMEOUT_NANOS;
                record(log, missed, 0, t0, logLine(daemon, want, deadline));
                record(event, missed, 1, t0, awaitEvent(lines, "change", want, deadline));
                record(poll, missed, 2, t0, answered(held, want, deadline));
            }
        }
        return new Stats[] {Stats.of(log, missed[0]), Stats.of(event, missed[1]), Stats.of(poll, missed[2])};
    }

    private static void record(List<Double> into, int[] missed, int which, long t0, long at) {
        if (at < 0) {
            missed[which]++;
        } else {
            into.add((at - t0) / 1e6);
        }
    }

    private static long logLine(Child daemon, String want, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            Child.Line line = daemon.lines.poll(1, TimeUnit.MILLISECONDS);
            if (line != null && line.text().contains("\"event\":\"change\"") && line.text().contains(want)) {
                return line.nanos();
            }
        }
        return -1;
    }

    /** When the event of that kind (and content, if given) arrived: its {@code data:} line's time. */
    private static long awaitEvent(BlockingQueue<Child.Line> lines, String kind, String want, long deadline)
            throws InterruptedException {
        boolean inKind = false;
        while (System.nanoTime() < deadline) {
            Child.Line line = lines.poll(1, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            if (line.text().startsWith("event: ")) {
                inKind = line.text().equals("event: " + kind);
            } else if (inKind && line.text().startsWith("data: ") && (want == null || line.text().contains(want))) {
                return line.nanos();
            }
        }
        return -1;
    }

    /** When the held request was answered with the change; a revision in between is followed by another poll. */
    private long answered(CompletableFuture<HttpResponse<String>> held, String want, long deadline) throws Exception {
        CompletableFuture<HttpResponse<String>> next = held;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = next.get(Bench.CHANGE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
            long at = System.nanoTime();
            if (response.statusCode() == 200 && response.body().contains(want)) {
                return at;
            }
            next = held(response.headers().firstValue("ETag").orElseThrow());
        }
        return -1;
    }

    /**
     * Opens event streams and long-polls held on any revision ({@code If-None-Match: *}) until the daemon's limit
     * is reached, half and half. @return the sockets, to close when the measurement is done
     */
    List<Socket> fill(int streams, int polls) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                sockets.add(events(new LinkedBlockingQueue<>()));
            }
            for (int i = 0; i < polls; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                socket.getOutputStream().write(("GET " + LEASE + "?wait=60 HTTP/1.1\r\nAuthorization: Bearer " + secret
                        + "\r\nIf-None-Match: *\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
        } catch (IOException e) {
            close(sockets);
            throw e;
        }
        return sockets;
    }

    static void close(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
