package org.openclaw.sessionstatus.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.EvidenceSink;
import org.openclaw.sessionstatus.model.SlotLimit;
import org.openclaw.sessionstatus.model.SlotSource;

/**
 * For {@code maxConcurrent: "auto"} while no gateway lane is known: polls the gateway's {@code openclaw.json} (JSON5)
 * every tick and tells the sink its {@code agents.defaults.maxConcurrent}, else OpenClaw's default for the release on
 * disk. Polled, not watched: the file may live anywhere ({@code $OPENCLAW_CONFIG_PATH}), and one stat and one listing
 * of the agents dir a second cost nothing.
 *
 * <p>The release is recognised by what is on disk, as the sources do: an agent database means the SQLite era
 * (2026.7.2 and later), whose gateway runs {@code max(8, 4 × available CPUs)} at once (2026.9.x,
 * {@code resolveDefaultAgentMaxConcurrent}); anything else — the file era, or nothing yet — gets 2026.7.1's 4, the
 * smaller, so a slot is never announced that may not exist.
 */
public final class GatewayConfigSource extends WatchedSource {
    static final int FILE_ERA_DEFAULT = 4;
    private static final int MIN_SQLITE_ERA_DEFAULT = 8;
    private static final int RUNS_PER_CPU = 4;

    private final Path file;
    private final Path stateDir;
    private final int cpus;
    private final EvidenceSink sink;
    private @Nullable FileTime seen;
    private GatewayConfig config = GatewayConfig.UNSET;
    private @Nullable SlotLimit told;

    /** @param cpus the CPUs the gateway's host makes available (this host's, beside it) */
    public GatewayConfigSource(Path file, Path stateDir, int cpus, EvidenceSink sink) {
        super("gateway-config", "gateway-config");
        this.file = file;
        this.stateDir = stateDir;
        this.cpus = cpus;
        this.sink = sink;
    }

    /** None: it only ticks (re-reading the file when its modification time changes). */
    @Override
    protected List<Path> roots() {
        return List.of();
    }

    @Override
    public void rescan(@Nullable String why) {
        seen = null;
        told = null;
        tick();
    }

    @Override
    public void changed(Set<Path> paths) {
        tick();
    }

    @Override
    public void tick() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            modified = FileTime.fromMillis(0);
        }
        if (!modified.equals(seen)) {
            seen = modified;
            config = GatewayConfig.read(file);
        }
        SlotLimit limit = limit(config, sqliteEra(stateDir), cpus);
        if (!limit.equals(told)) {
            told = limit;
            sink.maxConcurrent(limit);
        }
    }

    static SlotLimit limit(GatewayConfig config, boolean sqliteEra, int cpus) {
        if (config.maxConcurrent().isPresent()) {
            return new SlotLimit(config.maxConcurrent().getAsInt(), SlotSource.GATEWAY_CONFIG);
        }
        return new SlotLimit(sqliteEra ? Math.max(MIN_SQLITE_ERA_DEFAULT, RUNS_PER_CPU * cpus) : FILE_ERA_DEFAULT,
                SlotSource.RELEASE_DEFAULT);
    }

    /** Whether any agent keeps its sessions in a database. */
    static boolean sqliteEra(Path stateDir) {
        try (DirectoryStream<Path> agents = Files.newDirectoryStream(StateLayout.agents(stateDir))) {
            for (Path agent : agents) {
                if (StateLayout.era(agent) == StateLayout.Era.DATABASE) {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }
}
