package bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the real daemon as a separate process on synthetic state dirs and prints the figures as Markdown, each beside
 * the scan-per-request baseline (and, for requests, nginx serving a static file). Figures, not assertions.
 *
 * <p>Usage: {@code Bench <launcher> <fixtures dir> <work dir> <bench classes dir>}; {@code BENCH_CHANGES} (default 1000)
 * sets the changes per latency row.
 */
public final class Bench {
    static final Pattern PORT = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/");
    static final Pattern RUNNING = Pattern.compile("\"running\":(\\d+)");
    static final Pattern LAUNCHER_DEFAULTS = Pattern.compile("\\$\\{JAVA_OPTS:-([^}]*)}");
    static final String STATUS = "/plugins/session-status/status";
    static final long CHANGE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Connections that send half a request head and wait, while wrk measures (issue 9: the daemon's were frozen). */
    static final int SLOWLORIS = 200;
    /** The daemon's default http.maxPushClients: event streams and held long-polls, half and half. */
    static final int PUSH_CLIENTS = 256;

    private final Path launcher;
    private final List<String> jvmFlags;
    private final Path work;
    private final Path classes;
    private final int changes;
    private final StateGenerator generator;
    private final SqliteStateGenerator sqliteGenerator;
    private final String secret = "bench-" + Long.toHexString(System.nanoTime());
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Report report = new Report();
    private final long started = System.nanoTime();

    private Bench(Path launcher, Path fixtures, Path work, Path classes, int changes) throws IOException {
        this.launcher = launcher;
        // The baseline runs with the JVM options the launcher gives the daemon, so only the design differs.
        Matcher defaults = LAUNCHER_DEFAULTS.matcher(Files.readString(launcher));
        if (!defaults.find()) {
            throw new IllegalStateException("no ${JAVA_OPTS:-…} defaults in " + launcher);
        }
        this.jvmFlags = List.of(defaults.group(1).strip().split("\\s+"));
        this.work = work;
        this.classes = classes;
        this.changes = changes;
        this.generator = new StateGenerator(fixtures);
        this.sqliteGenerator = new SqliteStateGenerator(fixtures);
    }

    public static void main(String[] args) throws Exception {
        int changes = Integer.parseInt(System.getenv().getOrDefault("BENCH_CHANGES", "1000"));
        Bench bench = new Bench(Path.of(args[0]).toAbsolutePath(), Path.of(args[1]).toAbsolutePath(),
                Path.of(args[2]).toAbsolutePath(), Path.of(args[3]).toAbsolutePath(), changes);
        bench.run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Files.writeString(work.resolve("empty-config.json"), "{}");
        report.machine(jvmFlags);
        // BENCH_ONLY=sqlite: the SQLite era alone; BENCH_ONLY=http: request cost and push alone, at 10 and 100 sessions.
        String only = System.getenv().getOrDefault("BENCH_ONLY", "");
        int[] fileSizes = switch (only) {
            case "sqlite" -> new int[0];
            case "http" -> new int[] {10, 100};
            default -> new int[] {10, 100, 10_000, 100_000};
        };
        for (int sessions : fileSizes) {
            size(sessions, sessions >= 100 && !only.equals("http"), sessions != 100);
        }
        for (int sessions : only.equals("http") ? new int[0] : new int[] {100, 10_000}) {
            sqliteSize(sessions);
        }
        log("done in %.0f s", seconds());
        System.out.println(report.markdown(changes));
        Files.writeString(work.resolve("results.md"), report.markdown(changes));
    }

    /**
     * The figures at one size: the daemon first, then the baseline on the same files.
     *
     * @param changes change latency, cold start and memory (at 100, 10 000, 100 000 sessions)
     * @param requests request cost (at 10, 10 000, 100 000 sessions)
     */
    private void size(int sessions, boolean changes, boolean requests) throws Exception {
        Path state = generate(sessions);
        Path sessionsDir = state.resolve("agents").resolve(StateGenerator.agentId(0)).resolve("sessions");
        Path toggler = sessionsDir.resolve(StateGenerator.sessionId(0, 0) + ".jsonl");
        int inFirstAgent = Math.min(sessions, StateGenerator.SESSIONS_PER_AGENT);
        byte[] daemonBody;
        long spawn = System.nanoTime();
        try (Child daemon = daemon(state)) {
            int port = daemon.awaitStderr(PORT, 120_000);
            Child.Line ready = daemon.awaitLine("\"event\":\"startup\"", 600_000);
            double coldStart = (ready.nanos() - spawn) / 1e6;
            log("%,d sessions: ready in %.0f ms", sessions, coldStart);
            URI status = URI.create("http://127.0.0.1:" + port + STATUS);
            if (changes) {
                report.coldStart(sessions, coldStart, findMillis(state));
                report.latency(sessions, "append to a transcript", measure(daemon, status,
                        new Changes.Append(toggler, generator.toolUseLine(), generator.finishedLine())));
                report.latency(sessions, "lock file created / deleted", measure(daemon, status, new Changes.Lock(toggler)));
                report.latency(sessions, "`sessions.json` renamed over (" + inFirstAgent + " entries, "
                        + Files.size(sessionsDir.resolve("sessions.json")) / 1_000_000 + " MB)",
                        measure(daemon, status, new Changes.StoreRename(generator, sessionsDir, 0, inFirstAgent)));
                report.memory(sessions, "daemon", daemon.heapAfterGcKb(), daemon.rssKb());
            }
            Push push = new Push(URI.create("http://127.0.0.1:" + port), secret);
            if (sessions == 100) {
                if (changes) {
                    appendVersusSize(daemon, status, sessionsDir);
                }
                Stats[] pushed = push.measure(daemon, new Changes.Lock(toggler), this.changes);
                log("  push: log %s, event %s, long-poll %s", pushed[0].cell(), pushed[1].cell(), pushed[2].cell());
                report.push(sessions, pushed);
            }
            if (requests) {
                report.requests(sessions, "daemon", wrk(status));
                if (sessions == 10) {
                    report.slowloris(sessions, "daemon", wrkBesideSlowloris(status));
                    List<Socket> open = push.fill(PUSH_CLIENTS / 2, PUSH_CLIENTS / 2);
                    try {
                        report.besidePush(wrk(status));
                    } finally {
                        Push.close(open);
                    }
                }
            }
            if (sessions == 100_000) {
                idle(daemon, state);
            }
            daemonBody = get(status).getBytes(StandardCharsets.UTF_8);
        }
        try (Child baseline = baseline(state)) {
            URI uri = baselineUri(baseline);
            if (changes) {
                report.baselineLatency(sessions, baselineAppend(uri, sessionsDir, Math.min(sessions - 1,
                        sessions >= 100_000 ? 50 : 200)));
                report.memory(sessions, "baseline", baseline.heapAfterGcKb(), baseline.rssKb());
            }
            if (requests) {
                report.requests(sessions, "baseline", wrk(uri));
                if (sessions == 10) {
                    report.slowloris(sessions, "baseline", wrkBesideSlowloris(uri));
                }
            }
        }
        if (requests) {
            report.requests(sessions, "nginx", nginx(daemonBody));
        }
        deleteTree(state);
    }

    /**
     * The SQLite era at one size: the bench plays the gateway — it holds the agent database open (WAL) and commits —
     * while the daemon reads it. The baseline reads no database: it sees nothing here.
     */
    private void sqliteSize(int sessions) throws Exception {
        Path state = work.resolve("sqlite-" + sessions);
        deleteTree(state);
        long start = System.nanoTime();
        sqliteGenerator.generate(state, sessions, Instant.now());
        Path database = state.resolve(SqliteStateGenerator.AGENT_DB);
        log("%,d SQLite sessions generated in %.1f s (%d MB)", sessions, (System.nanoTime() - start) / 1e9,
                Files.size(database) >> 20);
        try (Connection gateway = DriverManager.getConnection("jdbc:sqlite:" + database)) {
            try (Statement statement = gateway.createStatement()) {
                statement.execute("PRAGMA journal_mode = WAL");
            }
            long spawn = System.nanoTime();
            try (Child daemon = daemon(state)) {
                int port = daemon.awaitStderr(PORT, 120_000);
                Child.Line ready = daemon.awaitLine("\"event\":\"startup\"", 600_000);
                double coldStart = (ready.nanos() - spawn) / 1e6;
                log("%,d SQLite sessions: ready in %.0f ms", sessions, coldStart);
                URI status = URI.create("http://127.0.0.1:" + port + STATUS);
                Stats[] latency = measure(daemon, status, new Changes.WindowStatus(gateway, SqliteStateGenerator.sessionId(0)));
                report.sqlite(sessions, coldStart, latency, daemon.heapAfterGcKb(), daemon.rssKb());
                if (sessions == 10_000) {
                    sqliteIdle(daemon, database);
                }
            }
        }
        deleteTree(state);
    }

    /** 60 s with the gateway idle and still, then 60 s with its touch every 2 s (modes re-applied, WAL opened and closed). */
    private void sqliteIdle(Child daemon, Path database) throws Exception {
        List<Path> touched = List.of(database.resolveSibling(database.getFileName() + "-wal"),
                database.resolveSibling(database.getFileName() + "-shm"));
        Thread.sleep(2_000);
        log("  SQLite idle: 60 s still, then 60 s with the gateway's touch every 2 s...");
        long before = daemon.cpuMillis();
        Thread.sleep(60_000);
        long still = daemon.cpuMillis() - before;
        before = daemon.cpuMillis();
        int touches = 0;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); System.nanoTime() < end; touches++) {
            for (Path file : touched) {
                Files.setPosixFilePermissions(file, Files.getPosixFilePermissions(file));
                Files.newOutputStream(file, StandardOpenOption.APPEND).close();
            }
            Thread.sleep(2_000);
        }
        report.sqliteIdle(still, daemon.cpuMillis() - before, touches);
    }

    // --- processes

    /** The daemon as users run it: the launcher, its JVM options, one flag changed (below). */
    private Child daemon(Path state) throws IOException {
        // mtime evidence off: a change then flips running → idle at once instead of 30 s later, so each change is
        // visible on its own. What is timed — event → read → evaluate → publish — is the same for every kind.
        List<String> command = List.of(launcher.toString(), "serve", "--config",
                work.resolve("empty-config.json").toString(), "--state-dir", state.toString(), "--http-port", "0",
                "--running-evidence", "lock,store,transcript");
        return new Child(command, Map.of("OPENCLAW_SESSION_STATUS_HTTP_SECRET", secret, "HOME", work.toString()));
    }

    private Child baseline(Path state) throws IOException {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-Dsun.net.httpserver.nodelay=true", "-cp", classes.toString(), "bench.BaselineServer",
                state.toString(), secret));
        return new Child(command, Map.of());
    }

    private URI baselineUri(Child baseline) throws InterruptedException {
        Child.Line line = baseline.awaitLine("port ", 60_000);
        return URI.create("http://127.0.0.1:" + line.text().substring(5).strip() + STATUS);
    }

    // --- measurements

    private Path generate(int sessions) throws IOException {
        Path state = work.resolve("state-" + sessions);
        deleteTree(state);
        long start = System.nanoTime();
        generator.generate(state, sessions, Instant.now());
        log("%,d sessions generated in %.1f s", sessions, (System.nanoTime() - start) / 1e9);
        return state;
    }

    /** Each change toggles busy; timed from just before the write to the change line and to the status route. */
    private Stats[] measure(Child daemon, URI status, Changes change) throws Exception {
        List<Double> log = new ArrayList<>();
        List<Double> route = new ArrayList<>();
        int missedLog = 0;
        int missedRoute = 0;
        for (int i = 0; i < changes; i++) {
            boolean busy = i % 2 == 0;
            String wantLine = "\"busy\":" + busy + ",";
            int wantRunning = busy ? 1 : 0;
            change.prepare(busy);
            daemon.lines.clear();
            long t0 = System.nanoTime();
            change.apply(busy);
            if (change.timedFromItsEnd()) {
                t0 = System.nanoTime();
            }
            long logAt = -1;
            long routeAt = -1;
            while ((logAt < 0 || routeAt < 0) && System.nanoTime() - t0 < CHANGE_TIMEOUT_NANOS) {
                for (Child.Line line; logAt < 0 && (line = daemon.lines.poll()) != null; ) {
                    if (line.text().contains("\"event\":\"change\"") && line.text().contains(wantLine)) {
                        logAt = line.nanos();
                    }
                }
                if (routeAt < 0) {
                    if (running(get(status)) == wantRunning) {
                        routeAt = System.nanoTime();
                    } else {
                        LockSupport.parkNanos(500_000);
                    }
                } else if (logAt < 0) {
                    Child.Line line = daemon.lines.poll(1, TimeUnit.MILLISECONDS);
                    if (line != null && line.text().contains("\"event\":\"change\"") && line.text().contains(wantLine)) {
                        logAt = line.nanos();
                    }
                }
            }
            if (logAt >= 0) {
                log.add((logAt - t0) / 1e6);
            } else {
                missedLog++;
            }
            if (routeAt >= 0) {
                route.add((routeAt - t0) / 1e6);
            } else {
                missedRoute++;
            }
        }
        Stats[] stats = {Stats.of(log, missedLog), Stats.of(route, missedRoute)};
        log("  %s: log %s, route %s", change.getClass().getSimpleName(), stats[0].cell(), stats[1].cell());
        return stats;
    }

    /** The baseline sees an append when a request finds the file's mtime within 30 s: poll until it does. */
    private Stats baselineAppend(URI uri, Path sessionsDir, int count) throws Exception {
        List<Double> seen = new ArrayList<>();
        int missed = 0;
        byte[] line = generator.finishedLine();
        for (int index = 1; index <= count; index++) {
            String sessionId = StateGenerator.sessionId(0, index);
            String want = "\"key\":\"agent:" + StateGenerator.agentId(0) + ":" + sessionId + "\",\"status\":\"running\"";
            long t0 = System.nanoTime();
            Files.write(sessionsDir.resolve(sessionId + ".jsonl"), line, StandardOpenOption.APPEND);
            long seenAt = -1;
            while (seenAt < 0 && System.nanoTime() - t0 < CHANGE_TIMEOUT_NANOS) {
                if (get(uri).contains(want)) {
                    seenAt = System.nanoTime();
                } else {
                    LockSupport.parkNanos(500_000);
                }
            }
            if (seenAt >= 0) {
                seen.add((seenAt - t0) / 1e6);
            } else {
                missed++;
            }
        }
        Stats stats = Stats.of(seen, missed);
        log("  baseline append: %s", stats.cell());
        return stats;
    }

    /** The same change on a 1 KB and on a 1 GB transcript: the tail read is bounded, so the cost must not differ. */
    private void appendVersusSize(Child daemon, URI status, Path sessionsDir) throws Exception {
        Path small = sessionsDir.resolve("size-1kb.jsonl");
        Path big = sessionsDir.resolve("size-1gb.jsonl");
        generator.smallTranscript(small);
        long start = System.nanoTime();
        generator.bigTranscript(big, 1L << 30);
        log("  1 GB transcript written in %.1f s (%d bytes)", (System.nanoTime() - start) / 1e9, Files.size(big));
        // Both are sessions now (kind other): wait until the daemon counts them.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!get(status).contains("\"total\":102") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (Path transcript : List.of(small, big)) {
            long size = Files.size(transcript);
            Stats[] stats = measure(daemon, status, new Changes.Append(transcript, generator.toolUseLine(),
                    generator.finishedLine()));
            report.appendBySize(transcript == small ? "1 KB" : "1 GB", size, stats);
        }
        Files.delete(big);
        Files.delete(small);
    }

    private void idle(Child daemon, Path state) throws Exception {
        try (Child baseline = baseline(state)) {
            baselineUri(baseline);
            Thread.sleep(2_000);
            long daemonStart = daemon.cpuMillis();
            long baselineStart = baseline.cpuMillis();
            log("  idle: 60 s with no file events...");
            Thread.sleep(60_000);
            report.idle(daemon.cpuMillis() - daemonStart, baseline.cpuMillis() - baselineStart);
        }
    }

    /** {@link #wrk} while {@value #SLOWLORIS} connections hold half a request head each. */
    private Report.Throughput wrkBesideSlowloris(URI uri) throws IOException, InterruptedException {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOWLORIS; i++) {
                Socket socket = new Socket(uri.getHost(), uri.getPort());
                socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            return wrk(uri);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    /** wrk, keep-alive from a separate process: 1 s warm-up, then 5 s measured. */
    private Report.Throughput wrk(URI uri) throws IOException, InterruptedException {
        runWrk(uri, "1s");
        String out = runWrk(uri, "5s");
        Matcher rate = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        Matcher p99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (rate.find() && Double.parseDouble(rate.group(1)) == 0) {
            log("  wrk %s: no answer", uri);
            return new Report.Throughput(0, Double.NaN);
        }
        if (!rate.find(0) || !p99.find()) {
            throw new IllegalStateException("cannot read wrk's output:\n" + out);
        }
        double millis = Double.parseDouble(p99.group(1)) * switch (p99.group(2)) {
            case "us" -> 0.001;
            case "ms" -> 1;
            default -> 1000;
        };
        Report.Throughput throughput = new Report.Throughput(Double.parseDouble(rate.group(1)), millis);
        log("  wrk %s: %.0f req/s, p99 %.2f ms", uri, throughput.perSecond(), throughput.p99Millis());
        return throughput;
    }

    private String runWrk(URI uri, String duration) throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder("wrk", "-t1", "-c4", "-d" + duration, "--timeout", "10s", "--latency",
                "-H", "Authorization: Bearer " + secret, uri.toString()).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        wrk.waitFor();
        return out;
    }

    /** The ceiling: nginx serving the daemon's own answer as a static file, on the same machine. */
    private Report.Throughput nginx(byte[] body) throws Exception {
        Path prefix = Files.createDirectories(work.resolve("nginx"));
        Path root = Files.createDirectories(prefix.resolve("www"));
        Files.write(root.resolve("status"), body);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(prefix.resolve("nginx.conf"), """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 256; }
                http {
                    access_log off;
                    keepalive_requests 1000000;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %1$s/www;
                        location / { default_type application/json; }
                    }
                }
                """.formatted(prefix, port));
        Process nginx = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + port + "/status");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    get(uri);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("nginx did not start: "
                                + new String(nginx.getInputStream().readNBytes(2000), StandardCharsets.UTF_8), e);
                    }
                    Thread.sleep(20);
                }
            }
            return wrk(uri);
        } finally {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private double findMillis(Path state) throws IOException, InterruptedException {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 2; i++) {
            long start = System.nanoTime();
            Process find = new ProcessBuilder("find", state.toString(), "-name", "*.jsonl", "-printf", "%T@\\n")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            find.waitFor();
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        return best;
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + secret).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int running(String body) {
        Matcher matcher = RUNNING.matcher(body);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[%5.0f s] " + format + "%n",
                Stream.concat(Stream.of(seconds()), Stream.of(args)).toArray());
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
