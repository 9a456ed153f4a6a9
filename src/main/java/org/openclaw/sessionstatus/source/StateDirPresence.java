package org.openclaw.sessionstatus.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tinylog.Logger;

/**
 * Says on stderr, once, that the state dir does not exist, and which settings name it; and again when it appears.
 * Without it, a newcomer with no OpenClaw (or the wrong user, or a mistyped path) sees an honest 503 and no reason.
 * It delivers no evidence: the session sources already treat a missing state dir as nothing readable. Polled every
 * tick, like the gateway's config: one stat a second costs nothing.
 */
public final class StateDirPresence extends WatchedSource {
    private final Path stateDir;
    /** Null until the first look. Touched by the worker thread only. */
    private @Nullable Boolean present;

    public StateDirPresence(Path stateDir) {
        super("state-dir", "state-dir");
        this.stateDir = stateDir;
    }

    @Override
    protected List<Path> roots() {
        return List.of();
    }

    @Override
    public void rescan(@Nullable String why) {
        tick();
    }

    @Override
    public void changed(Set<Path> paths) {
        // No roots, so no events.
    }

    @Override
    public void tick() {
        boolean now = Files.isDirectory(stateDir);
        if (present != null && present == now) {
            return;
        }
        if (!now) {
            Logger.warn("the state dir {} does not exist (yet): no session can be seen, so the status answers 503 and "
                    + "the lease says unknown. Is OpenClaw installed, and has its gateway run as this user? "
                    + "Name the state dir with --state-dir, the config key stateDir or $OPENCLAW_STATE_DIR", stateDir);
        } else if (present != null) {
            Logger.info("the state dir {} exists now: reading it", stateDir);
        }
        present = now;
    }
}
