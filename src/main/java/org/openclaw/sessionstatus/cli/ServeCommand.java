package org.openclaw.sessionstatus.cli;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.openclaw.sessionstatus.Build;
import org.openclaw.sessionstatus.Daemon;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.config.Setting;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.tinylog.Logger;
import picocli.CommandLine.Command;
import sun.misc.Signal;

/** {@code serve}: the daemon, until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the daemon: watch the session files, serve HTTP, stream JSON on stdout.")
final class ServeCommand extends ConfiguredCommand {
    private final Clock clock;

    ServeCommand(Map<String, String> env, Clock clock) {
        super(env);
        this.clock = clock;
    }

    @Override
    public Integer call() throws Exception {
        Config config = config();
        Secrets.Resolved secret = new Secrets(env).resolve(config, true);
        CountDownLatch stop = new CountDownLatch(1);
        // Handled, not left to the JVM's default: a SIGTERM then ends in an orderly exit 0, not 143.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Daemon daemon;
        try {
            daemon = Daemon.start(config, secret.secret(), env, clock, LogStream.toStdout(clock));
        } catch (IOException e) {
            spec.commandLine().getErr().println("openclaw-session-status: cannot listen on "
                    + config.get(Setting.HTTP_HOST) + ":" + config.get(Setting.HTTP_PORT) + ": " + e.getMessage());
            return 1;
        }
        try (daemon) {
            Logger.info("openclaw-session-status {} serving http://{}:{}/ for state dir {}; bearer secret from {}",
                    Build.version(), config.get(Setting.HTTP_HOST), daemon.port(), Daemon.stateDir(config, env),
                    secret.source());
            stop.await();
            Logger.info("shutting down");
        }
        return 0;
    }
}
