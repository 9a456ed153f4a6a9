package org.openclaw.sessionstatus.source.files;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openclaw.sessionstatus.source.StateLayout;
import org.tinylog.Logger;

/**
 * Finds the session dirs there are now (docs/design.md §3): every {@code <stateDir>/agents/<id>/sessions} of an agent
 * that has no database (an agent with one is read by the SQLite source, so no key is counted twice), plus the
 * configured extra dirs. A missing state dir or extra dir, or an agents dir that cannot be listed, is unreadable: no
 * one mistakes "cannot see" for "idle".
 */
final class SessionDirs {
    private SessionDirs() {
    }

    /** @return session dirs by path, with their agent id; what cannot be seen is added to {@code unreadable} */
    static Map<Path, String> discover(Path stateDir, List<Path> extraDirs, Set<Path> unreadable) {
        Map<Path, String> found = new HashMap<>();
        Path agents = StateLayout.agents(stateDir);
        if (!Files.isDirectory(stateDir)) {
            unreadable.add(stateDir);
        } else if (Files.isDirectory(agents)) {
            try (DirectoryStream<Path> agentDirs = Files.newDirectoryStream(agents, Files::isDirectory)) {
                for (Path agentDir : agentDirs) {
                    Path sessions = StateLayout.sessionDir(agentDir);
                    if (Files.isDirectory(sessions) && !StateLayout.hasDatabase(agentDir)) {
                        found.put(sessions, agentDir.getFileName().toString());
                    }
                }
            } catch (IOException e) {
                Logger.warn("cannot list {}: {}", agents, e.getMessage());
                unreadable.add(agents);
            }
        }
        for (Path extra : extraDirs) {
            if (Files.isDirectory(extra)) {
                found.put(extra, agentIdOf(extra));
            } else {
                unreadable.add(extra);
            }
        }
        return found;
    }

    /** Whether this dir is one to read now: a session dir of an agent still in the file era, or an extra dir. */
    static boolean readable(Path dir, List<Path> extraDirs) {
        if (extraDirs.contains(dir)) {
            return Files.isDirectory(dir);
        }
        Path agentDir = dir.getParent();
        return Files.isDirectory(dir) && agentDir != null && !StateLayout.hasDatabase(agentDir);
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
