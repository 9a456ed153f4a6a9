package org.openclaw.sessionstatus.cli;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.model.Snapshot;
import picocli.CommandLine.Command;

/** {@code status} and {@code snapshot}: scan once, print one document of the snapshot, exit. No daemon needed. */
@Command(mixinStandardHelpOptions = true)
final class ScanCommand extends ConfiguredCommand {
    private final Clock clock;
    private final Function<Snapshot, byte[]> document;

    ScanCommand(Map<String, String> env, Clock clock, Function<Snapshot, byte[]> document) {
        super(env);
        this.clock = clock;
        this.document = document;
    }

    @Override
    public Integer call() throws Exception {
        Snapshot snapshot = Daemon.scanOnce(config(), env, clock);
        spec.commandLine().getOut().println(new String(document.apply(snapshot), StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
