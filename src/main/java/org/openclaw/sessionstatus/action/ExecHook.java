package org.openclaw.sessionstatus.action;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openclaw.sessionstatus.io.RegularFiles;
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
        // Files, not pipes, on both sides: nothing the command (or a child it leaves behind) does with them can block.
        Path stdin;
        Path output;
        try {
            stdin = Files.createTempFile("openclaw-session-status-lease", ".json");
            output = Files.createTempFile("openclaw-session-status-hook", ".log");
            Files.write(stdin, intent.leaseJson());
            Files.write(stdin, new byte[] {'\n'}, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new CallFailed("cannot prepare the command's input: " + e.getMessage(), false);
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(stdin.toFile()).redirectOutput(output.toFile());
            Map<String, String> env = builder.environment();
            WITHHELD.forEach(env::remove);
            env.put("OPENCLAW_SESSION_STATUS_LEASE_ACTION", intent.recommendedAction());
            env.put("OPENCLAW_SESSION_STATUS_BUSY", Boolean.toString(intent.state() == Intent.State.PROTECT));
            run(builder);
        } finally {
            log(output);
            deleteQuietly(stdin);
            deleteQuietly(output);
        }
    }

    private void run(ProcessBuilder builder) throws CallFailed {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CallFailed("cannot run " + command.get(0) + ": " + e.getMessage(), false);
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new CallFailed(command.get(0) + " ran longer than " + timeout.toMillis() + " ms: killed", true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed("interrupted", false);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        if (process.exitValue() != 0) {
            throw new CallFailed(command.get(0) + " exited " + process.exitValue(), false);
        }
    }

    /** Its output, line by line, to the human log: the first 64 KB. */
    private static void log(Path output) {
        try {
            String text = new String(RegularFiles.read(output, MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
            text.lines().forEach(line -> Logger.info("action exec: {}", line));
        } catch (IOException e) {
            Logger.debug("action exec: cannot read its output: {}", e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Logger.debug("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
