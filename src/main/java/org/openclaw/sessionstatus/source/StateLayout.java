package org.openclaw.sessionstatus.source;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.regex.Pattern;

/**
 * Where OpenClaw keeps what the sources read, in both eras (docs/design.md §2–§4). What is on disk decides the era of
 * an agent, not a version number: an agent with a database is read from it, whatever else its dir holds. A path
 * this process may not look at is never taken for an absent one ({@link Entry#DENIED}).
 */
public final class StateLayout {
    public static final String AGENT_DATABASE = "openclaw-agent.sqlite";
    public static final String STATE_DATABASE = "openclaw.sqlite";
    private static final Pattern AGENT_ID = Pattern.compile("[a-z0-9_-]{1,64}");

    /** What is at a path, as far as this process can tell (a link is not followed). */
    public enum Entry {
        ABSENT, DIRECTORY, OTHER,
        /** A dir above it may not be entered, or it cannot be looked at: it may hold anything. */
        DENIED;

        /** Something is there, or may be. */
        public boolean present() {
            return this != ABSENT;
        }
    }

    /** How an agent's sessions are kept, by what its dir holds. */
    public enum Era {
        /** No sessions here (a dir with neither). */
        NONE,
        /** {@code sessions/} and no database. */
        FILES,
        /** A database (or what may be one: a link, a FIFO). */
        DATABASE,
        /** The agent's dir, or a dir in it, may not be entered: it may hold either. */
        DENIED
    }

    private StateLayout() {
    }

    /** {@code <stateDir>/agents}: one dir per agent. */
    public static Path agents(Path stateDir) {
        return stateDir.resolve("agents");
    }

    /** An agent id as OpenClaw makes them ({@code [a-z0-9_-]{1,64}}): a name that is safe to resolve as a dir. */
    public static boolean isAgentId(String id) {
        return AGENT_ID.matcher(id).matches();
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
     * Which source reads this agent: both sources ask this, so an agent is always one era's. A database that is a
     * link or a FIFO counts (it is then unreadable, never silently absent).
     */
    public static Era era(Path agentDir) {
        Entry database = probe(agentDatabase(agentDir));
        if (database == Entry.DENIED) {
            return Era.DENIED;
        }
        if (database.present()) {
            return Era.DATABASE;
        }
        return switch (probe(sessionDir(agentDir))) {
            case DIRECTORY -> Era.FILES;
            case DENIED -> Era.DENIED;
            default -> Era.NONE;
        };
    }

    /** Whether there is an entry by this name, or may be (see {@link Entry#DENIED}). */
    public static boolean exists(Path path) {
        return probe(path).present();
    }

    /** What is at this path. An error other than "no such file" (or a file where a dir was) is {@link Entry#DENIED}. */
    public static Entry probe(Path path) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return attributes.isDirectory() ? Entry.DIRECTORY : Entry.OTHER;
        } catch (NoSuchFileException e) {
            return Entry.ABSENT;
        } catch (AccessDeniedException e) {
            return Entry.DENIED;
        } catch (FileSystemException e) {
            return "Not a directory".equals(e.getReason()) ? Entry.ABSENT : Entry.DENIED;
        } catch (IOException e) {
            return Entry.DENIED;
        }
    }

    /** A dir this process may list and enter (for root always, whatever its mode). */
    public static boolean listable(Path dir) {
        return probe(dir) == Entry.DIRECTORY && Files.isReadable(dir) && Files.isExecutable(dir);
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
