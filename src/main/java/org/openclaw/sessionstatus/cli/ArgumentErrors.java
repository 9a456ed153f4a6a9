package org.openclaw.sessionstatus.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Command-line errors, told without repeating any value typed: a secret put on the command line by mistake (there is
 * no flag for it) must not end up in the journal. Options are named; values are only counted.
 */
final class ArgumentErrors implements CommandLine.IParameterExceptionHandler {
    private static final String SECRET_HINT = "the bearer secret is never given on the command line: use http.secretFile,"
            + " $CREDENTIALS_DIRECTORY/secret (systemd LoadCredential=) or OPENCLAW_SESSION_STATUS_HTTP_SECRET";

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr().println("openclaw-session-status: " + message(e));
        command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help'.");
        return Cli.CONFIG_ERROR;
    }

    static String message(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            List<String> options = new ArrayList<>();
            int values = 0;
            for (String argument : unmatched.getUnmatched()) {
                if (argument.startsWith("-")) {
                    options.add(argument.contains("=") ? argument.substring(0, argument.indexOf('=')) : argument);
                } else {
                    values++;
                }
            }
            String message = (options.isEmpty() ? "unexpected arguments" : "unknown option " + String.join(", ", options))
                    + (values > 0 ? " (" + values + " value" + (values > 1 ? "s" : "") + " not shown)" : "");
            return options.stream().anyMatch(option -> option.contains("secret")) ? message + "; " + SECRET_HINT : message;
        }
        if (e instanceof CommandLine.MissingParameterException) {
            return Objects.requireNonNullElse(e.getMessage(), "missing arguments");
        }
        ArgSpec spec = e.getArgSpec();
        return spec instanceof OptionSpec option ? "invalid value for option " + option.longestName() + " (not shown)"
                : "invalid arguments (not shown)";
    }
}
