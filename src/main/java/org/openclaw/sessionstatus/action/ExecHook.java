package org.openclaw.sessionstatus.action;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openclaw.sessionstatus.threads.DaemonThreads;
import org.tinylog.Logger;

/**
 * A command run on each change of intent (busy, idle, unknown), without a shell: the lease document on its stdin,
 * {@code OPENCLAW_SESSION_STATUS_LEASE_ACTION} ({@code extend}, {@code hold}, {@code release_after_grace},
 * {@code unknown}) and {@code OPENCLAW_SESSION_STATUS_BUSY} in its environment, its output to the human log. It has
 * a time limit; exit 0 is success. The daemon's own secret never reaches its environment.
 */
final class ExecHook implements Action {
    /** Variables the hook must not inherit: the bearer secret, systemd's credentials and notify socket. */
    private static final List<String> WITHHELD = List.of("OPENCLAW_SESSION_STATUS_HTTP_SECRET", "CREDENTIALS_DIRECTORY",
            "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID");
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private final List<String> command;
    private final Duration timeout;

    ExecHook(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "exec";
    }

    @Override
    public boolean actsOnLapse() {
        return true;
    }

    @Override
    public void apply(Intent intent) throws CallFailed {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        WITHHELD.forEach(env::remove);
        env.keySet().removeIf(name -> name.startsWith("OPENCLAW_SESSION_STATUS_HTTP_SECRET"));
        env.put("OPENCLAW_SESSION_STATUS_LEASE_ACTION", intent.recommendedAction());
        env.put("OPENCLAW_SESSION_STATUS_BUSY", Boolean.toString(intent.state() == Intent.State.PROTECT));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CallFailed("cannot run " + command.get(0) + ": " + e.getMessage(), false);
        }
        Thread output = pump(process);
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(intent.leaseJson());
            stdin.write('\n');
        } catch (IOException e) {
            // The command need not read its stdin.
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new CallFailed(command.get(0) + " ran longer than " + timeout.toMillis() + " ms: killed", true);
            }
            output.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CallFailed("interrupted", false);
        }
        if (process.exitValue() != 0) {
            throw new CallFailed(command.get(0) + " exited " + process.exitValue(), false);
        }
    }

    /** Its output, line by line, to the human log; beyond a bound, read and dropped, so it never blocks on a pipe. */
    private Thread pump(Process process) {
        Thread thread = DaemonThreads.create("action exec output", () -> {
            try (InputStream out = process.getInputStream()) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int total = 0;
                for (int b; (b = out.read()) >= 0; total++) {
                    if (total >= MAX_OUTPUT_BYTES) {
                        continue;
                    }
                    if (b == '\n') {
                        Logger.info("action exec: {}", line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
                if (line.size() > 0) {
                    Logger.info("action exec: {}", line.toString(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The process is gone.
            }
        });
        thread.start();
        return thread;
    }
}
