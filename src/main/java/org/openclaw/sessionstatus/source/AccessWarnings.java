package org.openclaw.sessionstatus.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.tinylog.Logger;

/**
 * Says once, at warning level, that a path the daemon must read may not be read by the user it runs as — which
 * path, which uid, whose it is — and says again only after it could be read in between. Shared by the sources, so a
 * dir both look at is named once. Any thread may call it.
 */
public final class AccessWarnings {
    private final Set<Path> warned = ConcurrentHashMap.newKeySet();
    private final String self = self();

    /** {@code path} exists (or may) but cannot be entered, listed or read. */
    public void denied(Path path) {
        Path blocker = blocker(path);
        if (warned.add(blocker)) {
            Logger.warn("permission denied: {} may not be read by {}, so what lies under it counts as unreadable"
                    + " (partial, the lease holds) — run openclaw-session-status as the gateway's user{}",
                    blocker, self, owner(blocker));
        }
    }

    /** {@code path} could be read: a later denial of it (or of a dir above it) is news again. */
    public void readable(Path path) {
        if (!warned.isEmpty()) {
            warned.removeIf(path::startsWith);
        }
    }

    /** The dir that stops the way to {@code path}: the first one along it that may not be entered, else the path. */
    static Path blocker(Path path) {
        Path absolute = path.toAbsolutePath();
        Path walked = absolute.getRoot();
        for (Path name : absolute) {
            Path next = walked == null ? name : walked.resolve(name);
            if (walked != null && StateLayout.probe(next) == StateLayout.Entry.DENIED) {
                return walked;
            }
            walked = next;
        }
        return absolute;
    }

    private static String owner(Path path) {
        try {
            return " (" + path + " is " + Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName() + "'s)";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** {@code uid N (name)} of this process: the owner of its {@code /proc/self}. */
    private static String self() {
        String name = System.getProperty("user.name", "?");
        try {
            return "uid " + Files.getAttribute(Path.of("/proc/self"), "unix:uid") + " (" + name + ")";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "user " + name;
        }
    }
}
