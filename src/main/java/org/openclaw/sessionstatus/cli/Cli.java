package org.openclaw.sessionstatus.cli;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openclaw.sessionstatus.Build;
import org.openclaw.sessionstatus.config.ConfigException;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The command line (docs/design.md §12): {@code serve}, {@code status}, {@code snapshot}, {@code check}, {@code wait},
 * {@code --version}, {@code --help}.
 */
@Command(name = "openclaw-session-status", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Tells other programs whether an OpenClaw gateway is busy, from the session files it writes.",
        subcommands = CommandLine.HelpCommand.class)
public final class Cli implements Callable<Integer> {
    static final int CONFIG_ERROR = 2;
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "status", "Scan once, print the session status JSON (the status route's body), exit.",
            "snapshot", "Scan once, print the busy-state snapshot JSON (the snapshot route's body), exit.",
            "wait", WaitCommand.DESCRIPTION);

    @Spec
    private CommandSpec spec;

    /** No command: a usage error, said here (an exception would reach the handler that never repeats arguments). */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("openclaw-session-status: name a command: serve, status, snapshot, check or wait");
        spec.commandLine().getErr().println("Try 'openclaw-session-status --help'.");
        spec.commandLine().getErr().flush();
        return CONFIG_ERROR;
    }

    /** @param env the process environment (injected so tests need not touch the real one) */
    public static CommandLine commandLine(Map<String, String> env, Clock clock) {
        CommandLine cli = new CommandLine(new Cli());
        Map<String, ConfiguredCommand> commands = new LinkedHashMap<>();
        commands.put("serve", new ServeCommand(env, clock));
        commands.put("status", new ScanCommand(env, clock, Snapshot::statusJson, s -> s.statusCode() == 200));
        commands.put("snapshot", new ScanCommand(env, clock, Snapshot::busyJson, s -> s.statusCode() == 200));
        commands.put("check", new CheckCommand(env));
        commands.put("wait", new WaitCommand(env, clock));
        commands.forEach((name, command) -> {
            CommandLine sub = new CommandLine(command);
            CommandSpec spec = sub.getCommandSpec();
            if (DESCRIPTIONS.containsKey(name)) {
                spec.usageMessage().description(DESCRIPTIONS.get(name));
            }
            ConfigOptions.addTo(spec);
            cli.addSubcommand(name, sub);
        });
        cli.setParameterExceptionHandler(new ArgumentErrors());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("openclaw-session-status: " + e.getMessage());
            return e instanceof ConfigException ? CONFIG_ERROR : 1;
        });
        return cli;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"openclaw-session-status " + Build.version()};
        }
    }
}
