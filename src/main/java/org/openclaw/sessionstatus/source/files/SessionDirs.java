package org.openclaw.sessionstatus.source.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.StateLayout;
import org.openclaw.sessionstatus.source.StateLayout.Entry;
import org.openclaw.sessionstatus.source.StateLayout.Era;

/**
 * Finds the session dirs there are now (docs/design.md §3): every {@code <stateDir>/agents/<id>/sessions} of an agent that has
 * no database (an agent with one is read by the SQLite source, so no key is counted twice), plus the configured
 * extra dirs. A missing state dir or extra dir, or one that may not be entered or listed, is unreadable: no one
 * mistakes "cannot see" for "idle". An agent's dir that may not be entered is the SQLite source's to count (it may
 * hold a database); a session dir this source was reading stays its own, unreadable, with what it last read.
 */
final class SessionDirs {

    /** What a session dir is to this source now. */
    enum State {
        /** A session dir of an agent in the file era, or an extra dir: read it. */
        READ,
        /** No longer there: what it said in flight is lost from sight, not seen to end. */
        GONE,
        /** Now an agent with a database: the SQLite source reads it; drop what it said. */
        MOVED,
        /** It, or a dir above it, may not be entered: what it holds cannot be seen. */
        DENIED
    }

    /**
     * @param found session dirs by path, with their agent id
     * @param unreadable what cannot be seen that is not a session dir of {@code found}: the state dir, the agents
     *     dir, an extra dir
     * @param denied session dirs of agents whose dir may not be entered
     */
    record Discovery(Map<Path, String> found, Set<Path> unreadable, Set<Path> denied) {
    }

    private SessionDirs() {
    }

    static Discovery discover(Path stateDir, List<Path> extraDirs, AccessWarnings warnings) {
        Map<Path, String> found = new HashMap<>();
        Set<Path> unreadable = new HashSet<>();
        Set<Path> denied = new HashSet<>();
        Path agents = StateLayout.agents(stateDir);
        Entry state = StateLayout.probe(stateDir);
        Entry agentsEntry = StateLayout.probe(agents);
        if (state != Entry.DIRECTORY || agentsEntry == Entry.DENIED) {
            unreadable.add(stateDir);
            if (state != Entry.ABSENT) {
                warnings.denied(agents);
            }
        } else if (agentsEntry == Entry.DIRECTORY) {
            try (DirectoryStream<Path> agentDirs = Files.newDirectoryStream(agents)) {
                for (Path agentDir : agentDirs) {
                    Era era = StateLayout.probe(agentDir) == Entry.DIRECTORY ? StateLayout.era(agentDir) : Era.NONE;
                    if (era == Era.FILES) {
                        found.put(StateLayout.sessionDir(agentDir), agentDir.getFileName().toString());
                    } else if (era == Era.DENIED) {
                        denied.add(StateLayout.sessionDir(agentDir));
                    }
                }
                warnings.readable(agents);
            } catch (IOException e) {
                warnings.denied(agents);
                unreadable.add(agents);
            }
        }
        for (Path extra : extraDirs) {
            switch (state(extra, extraDirs)) {
                case READ -> found.put(extra, agentIdOf(extra));
                case DENIED -> {
                    warnings.denied(extra);
                    unreadable.add(extra);
                }
                case GONE, MOVED -> unreadable.add(extra);
            }
        }
        return new Discovery(found, unreadable, denied);
    }

    /** Whether this dir is one to read now: a session dir of an agent still in the file era, or an extra dir. */
    static State state(Path dir, List<Path> extraDirs) {
        if (extraDirs.contains(dir)) {
            return switch (StateLayout.probe(dir)) {
                case DIRECTORY -> State.READ;
                case ABSENT -> State.GONE;
                default -> State.DENIED;
            };
        }
        Path agentDir = dir.getParent();
        if (agentDir == null) {
            return State.GONE;
        }
        return switch (StateLayout.era(agentDir)) {
            case FILES -> State.READ;
            case DENIED -> State.DENIED;
            case DATABASE -> State.MOVED;
            case NONE -> State.GONE;
        };
    }

    /** {@code …/agents/<id>/sessions} belongs to agent {@code id}; any other dir to OpenClaw's default agent. */
    static String agentIdOf(Path dir) {
        Path parent = dir.getParent();
        if (dir.getFileName() != null && dir.getFileName().toString().equals("sessions") && parent != null
                && parent.getParent() != null && parent.getParent().getFileName() != null
                && parent.getParent().getFileName().toString().equals("agents")) {
            return parent.getFileName().toString();
        }
        return "main";
    }
}
