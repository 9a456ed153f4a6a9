package org.openclaw.sessionstatus.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.openclaw.sessionstatus.io.RegularFiles;

/**
 * Finds the bearer secret (docs/design.md §10): {@code http.secretFile}, then systemd's
 * {@code $CREDENTIALS_DIRECTORY/secret}, then {@code http.secret} from the environment or the config file. With none, a
 * random secret is generated once and kept in a file only this user can read, so clients can read it and it survives
 * restarts.
 */
public final class Secrets {

    /** The secret (empty only when auth is off) and where it came from, for logs: never the secret itself. */
    public record Resolved(Optional<Secret> secret, String source) {
    }

    private static final int MAX_SECRET_BYTES = 64 * 1024;

    private final Map<String, String> env;

    public Secrets(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** @param mayGenerate false for {@code check}: report where a secret would be generated, create nothing */
    public Resolved resolve(Config config, boolean mayGenerate) throws ConfigException {
        if (config.get(Setting.HTTP_ALLOW_NO_AUTH)) {
            return new Resolved(Optional.empty(), "none: http.allowNoAuth is true (loopback only)");
        }
        Optional<Path> secretFile = config.find(Setting.HTTP_SECRET_FILE);
        if (secretFile.isPresent()) {
            Path file = secretFile.get();
            return new Resolved(Optional.of(read(file, Setting.HTTP_SECRET_FILE.key)), "http.secretFile " + file);
        }
        String credentials = env.get("CREDENTIALS_DIRECTORY");
        if (credentials != null && !credentials.isBlank() && Files.isRegularFile(Path.of(credentials, "secret"))) {
            Path file = Path.of(credentials, "secret");
            return new Resolved(Optional.of(read(file, "$CREDENTIALS_DIRECTORY/secret")), "systemd credential " + file);
        }
        Optional<Secret> configured = config.find(Setting.HTTP_SECRET);
        if (configured.isPresent()) {
            String from = env.containsKey(Setting.HTTP_SECRET.envName())
                    ? "environment " + Setting.HTTP_SECRET.envName() : "http.secret in the config file";
            return new Resolved(configured, from);
        }
        Path generated = generatedSecretFile();
        if (Files.isRegularFile(generated)) {
            return new Resolved(Optional.of(read(generated, "generated secret file")), "generated file " + generated);
        }
        if (!mayGenerate) {
            return new Resolved(Optional.empty(), "none configured: serve will generate one in " + generated);
        }
        return new Resolved(Optional.of(generate(generated)), "generated file " + generated);
    }

    /** {@code $XDG_STATE_HOME/openclaw-session-status/secret}, else under {@code ~/.local/state}. */
    Path generatedSecretFile() {
        return ownStateDir(env).resolve("secret");
    }

    /**
     * The daemon's own state dir, for what it generates and keeps (the secret, the gateway device key): systemd's
     * {@code $STATE_DIRECTORY} (the unit's {@code StateDirectory=}), else {@code $XDG_STATE_HOME/openclaw-session-status},
     * else {@code ~/.local/state/openclaw-session-status}.
     */
    public static Path ownStateDir(Map<String, String> env) {
        String systemd = env.get("STATE_DIRECTORY");
        if (systemd != null && !systemd.isBlank() && !systemd.contains(":")) {
            return Path.of(systemd);
        }
        String xdg = env.get("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "state");
        return base.resolve("openclaw-session-status");
    }

    private static Secret read(Path file, String key) throws ConfigException {
        String value;
        try {
            value = new String(RegularFiles.readConfigured(file, MAX_SECRET_BYTES), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw ConfigException.forKey(key, "cannot read secret file " + file + ": " + e);
        }
        if (value.isEmpty()) {
            throw ConfigException.forKey(key, "secret file " + file + " is empty");
        }
        return new Secret(value);
    }

    private static Secret generate(Path file) throws ConfigException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Path dir = file.getParent();
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path temp = Files.createTempFile(dir, "secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temp, value + "\n");
                // A hard link appears whole or not at all and never replaces: if another instance generated a
                // secret meanwhile, both use that one.
                Files.createLink(file, temp);
            } catch (FileAlreadyExistsException e) {
                return read(file, "generated secret file");
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw ConfigException.forKey(Setting.HTTP_SECRET.key, "none is configured and a generated one cannot be stored in "
                    + file + " (" + e + "); set http.secretFile, $CREDENTIALS_DIRECTORY/secret or "
                    + Setting.HTTP_SECRET.envName());
        }
        return new Secret(value);
    }
}
