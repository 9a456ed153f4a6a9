package org.openclaw.sessionstatus.source;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where OpenClaw keeps what the sources read, in both eras (docs/design.md §2–§4). What is on disk decides the era of
 * an agent, not a version number: an agent with a database is read from it, whatever else its dir holds.
 */
public final class StateLayout {
    public static final String AGENT_DATABASE = "openclaw-agent.sqlite";
    public static final String STATE_DATABASE = "openclaw.sqlite";

    private StateLayout() {
    }

    /** {@code <stateDir>/agents}: one dir per agent. */
    public static Path agents(Path stateDir) {
        return stateDir.resolve("agents");
    }

    /** {@code agents/<id>/sessions}: the file era's session dir. */
    public static Path sessionDir(Path agentDir) {
        return agentDir.resolve("sessions");
    }

    /** {@code agents/<id>/agent/openclaw-agent.sqlite}: the SQLite era's record of the agent's sessions. */
    public static Path agentDatabase(Path agentDir) {
        return agentDir.resolve("agent").resolve(AGENT_DATABASE);
    }

    /**
     * An agent whose sessions live in its database (2026.7.2 and later): both sources ask this, so an agent is
     * always one era's. A database that is a link or a FIFO counts (it is then unreadable, never silently absent).
     */
    public static boolean hasDatabase(Path agentDir) {
        return exists(agentDatabase(agentDir));
    }

    /** Whether there is an entry by this name, whatever its type (a link not followed). */
    public static boolean exists(Path path) {
        return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** {@code <stateDir>/state}: the state database's dir. */
    public static Path stateDatabaseDir(Path stateDir) {
        return stateDir.resolve("state");
    }

    /** {@code <stateDir>/tmp}: where the gateway's and embedded runs' lock files live, in {@code openclaw-<uid>/}. */
    public static Path lockRoot(Path stateDir) {
        return stateDir.resolve("tmp");
    }
}
