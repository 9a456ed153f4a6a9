package org.openclaw.sessionstatus.cli;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import picocli.CommandLine.Command;

/**
 * {@code status} and {@code snapshot}: scan once, print one document of the snapshot, exit — 1 while no session
 * source can be read (the status is then an error, the snapshot {@code unknown}). No daemon needed.
 */
@Command(mixinStandardHelpOptions = true)
final class ScanCommand extends ConfiguredCommand {
    private final Clock clock;
    private final Function<Snapshot, byte[]> document;
    private final Predicate<Snapshot> answered;

    ScanCommand(Map<String, String> env, Clock clock, Function<Snapshot, byte[]> document, Predicate<Snapshot> answered) {
        super(env);
        this.clock = clock;
        this.document = document;
        this.answered = answered;
    }

    @Override
    public Integer call() throws Exception {
        Snapshot snapshot = Daemon.scanOnce(config(), env, clock);
        spec.commandLine().getOut().println(new String(document.apply(snapshot), StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return answered.test(snapshot) ? 0 : 1;
    }
}
