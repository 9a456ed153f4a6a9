package org.openclaw.sessionstatus.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigException;
import org.openclaw.sessionstatus.config.ConfigLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that reads the configuration from the file, the environment and its flags. */
abstract class ConfiguredCommand implements Callable<Integer> {
    protected final Map<String, String> env;

    @Spec
    protected CommandSpec spec;

    ConfiguredCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    Config config() throws ConfigException {
        return new ConfigLoader(env).load(ConfigOptions.configFile(spec), ConfigOptions.values(spec));
    }
}
