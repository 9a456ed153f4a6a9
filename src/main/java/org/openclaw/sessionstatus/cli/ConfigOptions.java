package org.openclaw.sessionstatus.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.openclaw.sessionstatus.config.ConfigLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One flag per configuration key, generated from the key table ({@code http.port} → {@code --http-port}), plus
 * {@code --config}. There is deliberately no flag for the secret.
 */
final class ConfigOptions {
    static final String CONFIG = "--config";

    private ConfigOptions() {
    }

    static void addTo(CommandSpec spec) {
        spec.addOption(OptionSpec.builder(CONFIG).paramLabel("FILE").type(Path.class)
                .description("JSON config file (default " + ConfigLoader.DEFAULT_FILE + " if present)").build());
        ConfigLoader.flagNames().forEach((key, flag) -> spec.addOption(OptionSpec.builder(flag)
                .paramLabel("VALUE").type(String.class).description("sets config key " + key).build()));
    }

    static Optional<Path> configFile(CommandSpec spec) {
        return Optional.ofNullable(spec.findOption(CONFIG).getValue());
    }

    /** The flags given, by config key. */
    static Map<String, String> values(CommandSpec spec) {
        Map<String, String> values = new HashMap<>();
        ConfigLoader.flagNames().forEach((key, flag) -> {
            String value = spec.findOption(flag).getValue();
            if (value != null) {
                values.put(key, value);
            }
        });
        return values;
    }
}
