package org.openclaw.sessionstatus.cli;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.model.Snapshot;
import picocli.CommandLine.Command;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Scan once, print the session status JSON (the status route's body), exit.")
final class StatusCommand extends ConfiguredCommand {
    private final Clock clock;

    StatusCommand(Map<String, String> env, Clock clock) {
        super(env);
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        Snapshot snapshot = Daemon.scanOnce(config(), env, clock);
        spec.commandLine().getOut().println(new String(snapshot.statusJson(), StandardCharsets.UTF_8));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
