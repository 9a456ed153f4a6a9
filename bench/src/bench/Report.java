package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Collects the figures and renders them as Markdown tables, each beside its baseline. */
final class Report {
    /** @param p99Millis NaN when no request was answered */
    record Throughput(double perSecond, double p99Millis) {
        String cell() {
            return Double.isNaN(p99Millis) ? "no answer in 5 s"
                    : String.format(Locale.ROOT, "%,.0f req/s, p99 %s ms", perSecond, Stats.ms(p99Millis));
        }
    }

    private record Latency(int sessions, String change, Stats log, Stats route) {
    }

    private String machine = "";
    private final List<Latency> latencies = new ArrayList<>();
    private final Map<Integer, Stats> baselineLatency = new TreeMap<>();
    private final Map<Integer, Map<String, Throughput>> requests = new TreeMap<>();
    private final Map<String, Throughput> slowloris = new LinkedHashMap<>();
    private Throughput besidePush;
    private int pushSessions;
    private Stats[] push;
    private int slowlorisSessions;
    private final Map<Integer, double[]> coldStarts = new TreeMap<>();
    private final Map<Integer, Map<String, long[]>> memory = new TreeMap<>();
    private final List<String> appendBySize = new ArrayList<>();
    private long idleDaemonMs = -1;
    private long idleBaselineMs = -1;
    private final List<String> sqlite = new ArrayList<>();
    private long sqliteStillMs = -1;
    private long sqliteTouchedMs = -1;
    private int sqliteTouches;

    void machine(List<String> jvmFlags) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
        String os = Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                .findFirst().map(l -> l.substring(13, l.length() - 1)).orElse("?");
        machine = String.format(Locale.ROOT, "%d cores (%s), %.0f GiB RAM, %s, Java %s; daemon and baseline run with %s",
                Runtime.getRuntime().availableProcessors(), cpu, memKb / 1048576.0, os,
                System.getProperty("java.version"), String.join(" ", jvmFlags));
    }

    void latency(int sessions, String change, Stats[] logAndRoute) {
        latencies.add(new Latency(sessions, change, logAndRoute[0], logAndRoute[1]));
    }

    void baselineLatency(int sessions, Stats stats) {
        baselineLatency.put(sessions, stats);
    }

    void push(int sessions, Stats[] figures) {
        pushSessions = sessions;
        push = figures;
    }

    void besidePush(Throughput throughput) {
        besidePush = throughput;
    }

    void slowloris(int sessions, String server, Throughput throughput) {
        slowlorisSessions = sessions;
        slowloris.put(server, throughput);
    }

    void requests(int sessions, String server, Throughput throughput) {
        requests.computeIfAbsent(sessions, s -> new LinkedHashMap<>()).put(server, throughput);
    }

    void coldStart(int sessions, double daemonMillis, double findMillis) {
        coldStarts.put(sessions, new double[] {daemonMillis, findMillis});
    }

    void memory(int sessions, String process, long heapKb, long rssKb) {
        memory.computeIfAbsent(sessions, s -> new LinkedHashMap<>()).put(process, new long[] {heapKb, rssKb});
    }

    void appendBySize(String label, long bytes, Stats[] logAndRoute) {
        appendBySize.add(String.format(Locale.ROOT, "| %s (%,d bytes) | %s | %s |", label, bytes,
                logAndRoute[0].cell(), logAndRoute[1].cell()));
    }

    void sqlite(int sessions, double coldStartMs, Stats[] logAndRoute, long heapKb, long rssKb) {
        String fileEra = latencies.stream().filter(l -> l.sessions() == sessions && l.change().startsWith("lock"))
                .findFirst().map(l -> l.log().cell()).orElse("—");
        sqlite.add(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s ms | %s | %s |", sessions, logAndRoute[0].cell(),
                logAndRoute[1].cell(), fileEra, Stats.ms(coldStartMs), mb(heapKb), mb(rssKb)));
    }

    void sqliteIdle(long stillMs, long touchedMs, int touches) {
        sqliteStillMs = stillMs;
        sqliteTouchedMs = touchedMs;
        sqliteTouches = touches;
    }

    void idle(long daemonMs, long baselineMs) {
        idleDaemonMs = daemonMs;
        idleBaselineMs = baselineMs;
    }

    String markdown(int changes) {
        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(machine).append(".\n\n");

        out.append("**Change latency** — from just before the write to the `change` line on stdout and to the status "
                + "route showing it (polled every 0.5 ms); p50 / p99 / max over ").append(changes)
                .append(" changes per row, each flipping one session between running and idle. The baseline (scan "
                        + "per request, mtime only) is polled the same way; it sees an append only, and never a lock "
                        + "or a store change.\n\n");
        out.append("| sessions | change | daemon: log stream | daemon: status route | baseline: status route |\n");
        out.append("| ---: | --- | --- | --- | --- |\n");
        for (Latency row : latencies) {
            String baseline = row.change().startsWith("append")
                    ? baselineLatency.getOrDefault(row.sessions(), Stats.of(List.of(), 0)).cell()
                    : "never (no `.jsonl` mtime change)";
            out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s |%n", row.sessions(), row.change(),
                    row.log().cell(), row.route().cell(), baseline));
        }

        out.append("\n**Request cost** — `GET /plugins/session-status/status`, keep-alive, wrk -t1 -c4 for 5 s after a "
                + "1 s warm-up, loopback.\n\n");
        out.append("| sessions | daemon | baseline (scan per request) | nginx, static file (ceiling) |\n");
        out.append("| ---: | --- | --- | --- |\n");
        requests.forEach((sessions, servers) -> out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s |%n",
                sessions, cell(servers.get("daemon")), cell(servers.get("baseline")), cell(servers.get("nginx")))));
        if (!slowloris.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nThe same, %d sessions, with %d slowloris connections open (each "
                    + "sent half a request head, then nothing), opened just before the warm-up:%n%n", slowlorisSessions,
                    Bench.SLOWLORIS));
            out.append("| server | alone | with slowloris connections open |\n| --- | --- | --- |\n");
            slowloris.forEach((server, figures) -> out.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", server,
                    cell(requests.getOrDefault(slowlorisSessions, Map.of()).get(server)), cell(figures))));
        }
        if (besidePush != null) {
            out.append(String.format(Locale.ROOT, "%nAnd with the push limit reached — %d event streams and %d long-polls "
                    + "held open: daemon %s (alone: %s).%n", Bench.PUSH_CLIENTS / 2, Bench.PUSH_CLIENTS / 2,
                    cell(besidePush), cell(requests.getOrDefault(slowlorisSessions, Map.of()).get("daemon"))));
        }
        if (push != null) {
            out.append(String.format(Locale.ROOT, "%n**Push** — %d sessions, a lock file created / deleted; from just "
                    + "before the write to the `change` line on stdout, to the `change` event on an open event stream, "
                    + "and to the answer of a long-poll (`?wait=60`, `If-None-Match`) held before the write.%n%n",
                    pushSessions));
            out.append("| log stream | event stream | long-poll |\n| --- | --- | --- |\n");
            out.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", push[0].cell(), push[1].cell(), push[2].cell()));
        }

        out.append("\n**Cold start** — process start to ready (the `startup` line), beside "
                + "`find <dir> -name '*.jsonl' -printf '%T@\\n'` over the same tree (page cache warm for both).\n\n");
        out.append("| sessions | daemon: start → ready | find |\n| ---: | --- | --- |\n");
        coldStarts.forEach((sessions, figures) -> out.append(String.format(Locale.ROOT, "| %,d | %s ms | %s ms |%n",
                sessions, Stats.ms(figures[0]), Stats.ms(figures[1]))));

        out.append("\n**Memory** — heap in use after a full GC (jcmd) and RSS, after the runs above (JVM options as "
                + "above: `-Xmx512m`).\n\n");
        out.append("| sessions | daemon: heap after GC | daemon: RSS | baseline: heap after GC | baseline: RSS |\n");
        out.append("| ---: | --- | --- | --- | --- |\n");
        memory.forEach((sessions, processes) -> {
            long[] daemon = processes.getOrDefault("daemon", new long[] {-1, -1});
            long[] baseline = processes.getOrDefault("baseline", new long[] {-1, -1});
            out.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s |%n", sessions, mb(daemon[0]),
                    mb(daemon[1]), mb(baseline[0]), mb(baseline[1])));
        });

        out.append("\n**Append cost vs transcript size** — the same append on a 1 KB and on a 1 GB transcript "
                + "(100 sessions); the daemon reads a bounded tail, so the two must not differ.\n\n");
        out.append("| transcript | log stream | status route |\n| --- | --- | --- |\n");
        appendBySize.forEach(row -> out.append(row).append('\n'));

        if (idleDaemonMs >= 0) {
            out.append(String.format(Locale.ROOT, "%n**Idle** — CPU time over 60 s with no file events, 100 000 "
                    + "sessions: daemon %d ms (%.2f%% of one core); baseline server %d ms.%n", idleDaemonMs,
                    idleDaemonMs / 600.0, idleBaselineMs));
        }

        out.append("\n**SQLite era** (OpenClaw 2026.7.2 and later) — synthetic state dirs cloned from the recorded "
                + "2026.9.6 databases (the recorded session row, 15 KB `entry_json` included, N times; WAL). The bench "
                + "plays the gateway: it holds the agent database open and commits a session's `status` (`running` / "
                + "`done`); timed from the end of the commit (its own fsync is the gateway's cost, not the daemon's). Beside it, the file era's lock create/delete at the same "
                + "size (log stream). The baseline reads no database: it never sees a change here.\n\n");
        out.append("| sessions | commit → log stream | commit → status route | file era, lock → log stream "
                + "| start → ready | heap after GC | RSS |\n");
        out.append("| ---: | --- | --- | --- | --- | --- | --- |\n");
        sqlite.forEach(row -> out.append(row).append('\n'));
        if (sqliteStillMs >= 0) {
            out.append(String.format(Locale.ROOT, "%n**SQLite idle** — CPU time over 60 s, 10 000 sessions, no commit: "
                    + "daemon %d ms (%.2f%% of one core) with the gateway still; %d ms (%.2f%%) with its touch every "
                    + "2 s (%d touches of `-wal` and `-shm`: modes re-applied, opened and closed for writing).%n",
                    sqliteStillMs, sqliteStillMs / 600.0, sqliteTouchedMs, sqliteTouchedMs / 600.0, sqliteTouches));
        }
        return out.toString();
    }

    private static String cell(Throughput throughput) {
        return throughput == null ? "—" : throughput.cell();
    }

    private static String mb(long kb) {
        return kb < 0 ? "—" : String.format(Locale.ROOT, "%.1f MB", kb / 1024.0);
    }
}
