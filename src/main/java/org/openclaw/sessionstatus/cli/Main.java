package org.openclaw.sessionstatus.cli;

import java.time.Clock;

/** The command {@code openclaw-session-status}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.commandLine(System.getenv(), Clock.systemUTC()).execute(args));
    }
}
