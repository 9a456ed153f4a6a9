package org.openclaw.sessionstatus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code serve} as its own process, on an ephemeral port: its stderr followed; its stdout a pipe nobody reads, or a
 * file (the JDK closes a pipe under a blocked reader when the child exits, losing its last lines).
 */
final class ServeProcess implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern SERVING = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+)/");

    final Process process;
    final int port;
    final List<String> stderr = new CopyOnWriteArrayList<>();

    /**
     * @param dir where its stderr is written (and HOME points)
     * @param env added to this process's environment
     */
    ServeProcess(Path dir, Map<String, String> env, String... args) throws Exception {
        this(dir, env, null, args);
    }

    /** @param stdout where its stdout goes, or null for a pipe nobody reads */
    ServeProcess(Path dir, Map<String, String> env, Path stdout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.openclaw.sessionstatus.cli.Main", "serve",
                "--http-port", "0"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        Path err = dir.resolve("stderr-" + System.nanoTime());
        process = builder.redirectOutput(stdout == null ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.to(stdout.toFile()))
                .redirectError(err.toFile()).start();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        DaemonProcessIT.follow(err, line -> {
            stderr.add(line);
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
                listening.complete(Integer.parseInt(m.group(1)));
            }
        });
        try {
            port = listening.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("the daemon did not say where it listens: " + stderr, e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
