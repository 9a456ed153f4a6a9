package org.openclaw.sessionstatus.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where OpenClaw keeps its state and its config, resolved exactly as OpenClaw does (docs/design.md §2). */
public final class StateDirs {
    private static final List<String> LEGACY_NAMES = List.of(".clawdbot", ".moldbot", ".moltbot");

    private StateDirs() {
    }

    /** OpenClaw's home: {@code $OPENCLAW_HOME}, then {@code $HOME}, then the JVM's idea of it. */
    public static Path home(Map<String, String> env) {
        for (String name : List.of("OPENCLAW_HOME", "HOME")) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Path.of(value);
            }
        }
        return Path.of(System.getProperty("user.home"));
    }

    /** The configured state dir (flag or config), else OpenClaw's own environment and defaults. */
    public static Path resolve(Optional<Path> configured, Map<String, String> env) {
        if (configured.isPresent()) {
            return configured.get();
        }
        for (String name : List.of("OPENCLAW_STATE_DIR", "CLAWDBOT_STATE_DIR")) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Path.of(value);
            }
        }
        Path home = home(env);
        Path openclaw = home.resolve(".openclaw");
        if (Files.isDirectory(openclaw)) {
            return openclaw;
        }
        for (String legacy : LEGACY_NAMES) {
            Path candidate = home.resolve(legacy);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return openclaw;
    }

    /** The gateway's config: {@code $OPENCLAW_CONFIG_PATH}, else {@code <stateDir>/openclaw.json}. */
    public static Path gatewayConfig(Path stateDir, Map<String, String> env) {
        String configured = env.get("OPENCLAW_CONFIG_PATH");
        return configured != null && !configured.isBlank() ? Path.of(configured) : stateDir.resolve("openclaw.json");
    }
}
