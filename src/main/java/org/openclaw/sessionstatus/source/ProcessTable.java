package org.openclaw.sessionstatus.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;

/**
 * Whether a process still runs, the way OpenClaw checks a lock's holder: {@code /proc/<pid>} exists and field 22 of
 * its {@code stat} (start time in clock ticks since boot) matches the recorded start time, which guards against a
 * reused pid.
 */
public final class ProcessTable {
    private final Path proc;
    private final boolean enabled;

    /** @param enabled false when pids cannot be trusted (another pid namespace): every process is then unchecked */
    public ProcessTable(Path proc, boolean enabled) {
        this.proc = proc;
        this.enabled = enabled && Files.isDirectory(proc.resolve("self"));
    }

    public Liveness liveness(OptionalLong pid, OptionalLong starttime) {
        if (!enabled || pid.isEmpty()) {
            return Liveness.UNCHECKED;
        }
        String stat;
        try {
            stat = Files.readString(proc.resolve(Long.toString(pid.getAsLong())).resolve("stat"));
        } catch (NoSuchFileException e) {
            return Liveness.DEAD;
        } catch (IOException e) {
            return Liveness.UNCHECKED;
        }
        if (zombie(stat)) {
            // Killed and not yet reaped by its parent: it runs no more, though /proc still lists it.
            return Liveness.DEAD;
        }
        if (starttime.isEmpty()) {
            return Liveness.ALIVE;
        }
        OptionalLong actual = startTime(stat);
        if (actual.isEmpty()) {
            return Liveness.UNCHECKED;
        }
        return actual.getAsLong() == starttime.getAsLong() ? Liveness.ALIVE : Liveness.DEAD;
    }

    /** Field 3, the state, is {@code Z}. */
    static boolean zombie(String stat) {
        int close = stat.lastIndexOf(')');
        return close >= 0 && stat.substring(close + 1).trim().startsWith("Z");
    }

    /** Field 22; the command name (field 2) may hold spaces and parentheses, so count from the last ')'. */
    static OptionalLong startTime(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(close + 1).trim().split("\\s+", -1);
        // fields[0] is field 3 (state), so field 22 is fields[19].
        if (fields.length < 20) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fields[19]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
