package org.openclaw.sessionstatus.source.files;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openclaw.sessionstatus.source.StateLayout;

/**
 * Maps each changed path to what must be read again: an agent's session dir whole (the agent or its sessions dir
 * appeared or went, or its database appeared), a session dir whole, or one file of a session dir.
 */
final class ChangeRouting {

    /**
     * @param dirs session dirs to read whole
     * @param files names changed in a session dir, by dir (a dir read whole is not listed here)
     */
    record Plan(Set<Path> dirs, Map<Path, Set<String>> files) {
    }

    private ChangeRouting() {
    }

    static Plan route(Set<Path> paths, Path agentsRoot, List<Path> extraDirs) {
        Set<Path> dirs = new LinkedHashSet<>();
        Map<Path, Set<String>> files = new LinkedHashMap<>();
        for (Path path : paths) {
            if (path.startsWith(agentsRoot)) {
                Path relative = agentsRoot.relativize(path);
                int depth = relative.getFileName().toString().isEmpty() ? 0 : relative.getNameCount();
                String child = depth >= 2 ? relative.getName(1).toString() : "";
                boolean database = depth == 3 && child.equals("agent")
                        && relative.getFileName().toString().equals(StateLayout.AGENT_DATABASE);
                if (depth == 1 || (depth == 2 && child.equals("sessions")) || database) {
                    dirs.add(StateLayout.sessionDir(agentsRoot.resolve(relative.getName(0))));
                } else if (depth == 3 && child.equals("sessions")) {
                    files.computeIfAbsent(path.getParent(), d -> new LinkedHashSet<>()).add(path.getFileName().toString());
                }
            }
            for (Path extra : extraDirs) {
                if (path.equals(extra)) {
                    dirs.add(extra);
                } else if (extra.equals(path.getParent())) {
                    files.computeIfAbsent(extra, d -> new LinkedHashSet<>()).add(path.getFileName().toString());
                }
            }
        }
        files.keySet().removeAll(dirs);
        return new Plan(dirs, files);
    }
}
