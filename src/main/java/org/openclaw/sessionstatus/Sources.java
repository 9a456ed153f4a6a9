package org.openclaw.sessionstatus;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.openclaw.sessionstatus.model.EvidenceSink;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.GatewayConfigSource;
import org.openclaw.sessionstatus.source.ProcessTable;
import org.openclaw.sessionstatus.source.Source;
import org.openclaw.sessionstatus.source.StateDirPresence;
import org.openclaw.sessionstatus.source.WatchedSource;
import org.openclaw.sessionstatus.source.files.FileSource;
import org.openclaw.sessionstatus.source.gateway.GatewaySource;
import org.openclaw.sessionstatus.source.sqlite.SqliteSource;

/**
 * Every source of one daemon, as one: the file era's session dirs and the SQLite era's databases — one state dir may
 * hold both —, the gateway's own word over its protocol, for {@code maxConcurrent: "auto"} the gateway's config,
 * and a look at whether the state dir exists.
 */
public final class Sources implements AutoCloseable {

    /**
     * @param extraSessionDirs file-era session dirs to read besides {@code <stateDir>/agents/*}/sessions
     * @param lockPidCheck check lock holders and owners in this machine's {@code /proc}
     * @param gatewayConfig the gateway's {@code openclaw.json}, when {@code maxConcurrent} is {@code auto}
     * @param gateway the gateway's protocol, unless {@code gateway.enabled} is false
     */
    public record Settings(Path stateDir, List<Path> extraSessionDirs, boolean lockPidCheck,
            Optional<Path> gatewayConfig, Optional<GatewaySource.Settings> gateway) {

        public Settings {
            extraSessionDirs = List.copyOf(extraSessionDirs);
        }
    }

    private final List<Source> sources;

    private Sources(List<Source> sources) {
        this.sources = List.copyOf(sources);
    }

    /** Creates the sources; each announces itself to the sink at once, so the model waits for all of them. */
    public static Sources open(Settings settings, EvidenceSink sink, Clock clock) {
        ProcessTable processes = new ProcessTable(Path.of("/proc"), settings.lockPidCheck());
        AccessWarnings warnings = new AccessWarnings();
        List<Source> sources = new ArrayList<>();
        sources.add(new FileSource(settings.stateDir(), settings.extraSessionDirs(), processes, sink, clock, warnings));
        sources.add(new SqliteSource(settings.stateDir(), processes, sink, clock, warnings));
        settings.gatewayConfig().ifPresent(file -> sources.add(new GatewayConfigSource(file, settings.stateDir(),
                Runtime.getRuntime().availableProcessors(), sink)));
        // A dropped gateway connection may be a killed gateway: the disk sources check its pids at once.
        Runnable checkOwners = () -> sources.forEach(source -> {
            if (source instanceof WatchedSource watched) {
                watched.tickNow();
            }
        });
        sources.add(new StateDirPresence(settings.stateDir()));
        settings.gateway().ifPresent(gateway -> sources.add(new GatewaySource(gateway, sink, clock, checkOwners)));
        return new Sources(sources);
    }

    /** Reads everything once, on the calling thread. */
    public void scanOnce() {
        sources.forEach(Source::scanOnce);
    }

    public void start() {
        sources.forEach(Source::start);
    }

    public void forEach(Consumer<Source> action) {
        sources.forEach(action);
    }

    public boolean healthy() {
        return sources.stream().allMatch(Source::healthy);
    }

    public void requestRescan(String why) {
        sources.forEach(source -> source.requestRescan(why));
    }

    @Override
    public void close() {
        sources.forEach(Source::close);
    }
}
