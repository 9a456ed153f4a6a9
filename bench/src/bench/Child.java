package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A process under measurement: its stdout lines with their arrival time, its stderr kept, its CPU and memory. */
final class Child implements AutoCloseable {
    /** One stdout line and when the bench read it ({@link System#nanoTime()}). */
    record Line(long nanos, String text) {
    }

    final Process process;
    final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();

    Child(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        process = builder.start();
        follow(process.getInputStream(), line -> lines.add(new Line(System.nanoTime(), line)), "stdout");
        follow(process.getErrorStream(), line -> stderr.append(line).append('\n'), "stderr");
    }

    private interface LineSink {
        void accept(String line);
    }

    private static void follow(InputStream stream, LineSink sink, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    long pid() {
        return process.pid();
    }

    /** The first stdout line containing the text, waiting up to the timeout; null if none. */
    Line awaitLine(String contains, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            Line line = lines.poll(left, TimeUnit.NANOSECONDS);
            if (line != null && line.text().contains(contains)) {
                return line;
            }
        }
        return null;
    }

    /** A number the process printed on stderr, e.g. the port in "serving http://127.0.0.1:PORT/". */
    int awaitStderr(Pattern pattern, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            Matcher matcher = pattern.matcher(stderr);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("no " + pattern + " from " + process.info().command().orElse("?")
                + "; stderr:\n" + stderr);
    }

    /** User + system CPU time so far, from /proc (clock ticks of 10 ms). */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Heap in use right after a full GC, from jcmd (the serial collector's generations). */
    long heapAfterGcKb() throws IOException, InterruptedException {
        jcmd("GC.run");
        long used = 0;
        Matcher matcher = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K").matcher(jcmd("GC.heap_info"));
        while (matcher.find()) {
            used += Long.parseLong(matcher.group(1));
        }
        return used;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
