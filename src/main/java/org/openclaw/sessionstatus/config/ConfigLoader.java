package org.openclaw.sessionstatus.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.openclaw.sessionstatus.io.RegularFiles;

/**
 * Builds the {@link Config}: defaults, then the JSON file, then {@code OPENCLAW_SESSION_STATUS_*} environment
 * variables, then flags. Any invalid value stops here with a {@link ConfigException} naming the key.
 */
public final class ConfigLoader {
    public static final Path DEFAULT_FILE = Path.of("/etc/openclaw-session-status/config.json");
    static final String CONFIG_ENV = Setting.ENV_PREFIX + "CONFIG";
    private static final int MAX_CONFIG_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<String, String> env;
    private final Path defaultFile;

    public ConfigLoader(Map<String, String> env) {
        this(env, DEFAULT_FILE);
    }

    /** @param defaultFile the file read when neither {@code --config} nor the environment names one, if it exists */
    public ConfigLoader(Map<String, String> env, Path defaultFile) {
        this.env = Map.copyOf(env);
        this.defaultFile = defaultFile;
    }

    /**
     * @param explicitFile the {@code --config} flag, if given: then the file must exist
     * @param flags flag values by config key ({@code http.port} → {@code "8080"}), as typed on the command line
     */
    public Config load(Optional<Path> explicitFile, Map<String, String> flags) throws ConfigException {
        Map<Setting<?>, Object> values = new HashMap<>();
        Optional<Path> file = configFile(explicitFile);
        if (file.isPresent()) {
            readFile(file.get(), values);
        }
        readEnvironment(values);
        for (Map.Entry<String, String> flag : new TreeMap<>(flags).entrySet()) {
            Setting<?> setting = byKey(flag.getKey())
                    .filter(Setting::hasFlag)
                    .orElseThrow(() -> ConfigException.forKey(flag.getKey(), "unknown key"));
            values.put(setting, setting.type.fromText(setting.key, flag.getValue()));
        }
        return build(file, values);
    }

    private Optional<Path> configFile(Optional<Path> explicitFile) {
        if (explicitFile.isPresent()) {
            return explicitFile;
        }
        String fromEnv = env.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(Path.of(fromEnv));
        }
        return Files.isRegularFile(defaultFile) ? Optional.of(defaultFile) : Optional.empty();
    }

    private static void readFile(Path file, Map<Setting<?>, Object> values) throws ConfigException {
        JsonNode root;
        try {
            root = JSON.readTree(RegularFiles.readConfigured(file, MAX_CONFIG_BYTES));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + ": not found");
        } catch (RegularFiles.NotRegular e) {
            throw new ConfigException("config file " + file + ": not a regular file");
        } catch (JacksonException e) {
            throw new ConfigException("config file " + file + ": not valid JSON: " + e.getOriginalMessage()
                    + locationOf(e));
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("config file " + file + ": must hold one JSON object");
        }
        Map<Setting<?>, String> spelledAs = new HashMap<>();
        flatten("", root, values, spelledAs);
    }

    private static String locationOf(JacksonException e) {
        return e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    }

    private static void flatten(String prefix, JsonNode object, Map<Setting<?>, Object> values,
            Map<Setting<?>, String> spelledAs) throws ConfigException {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode node = field.getValue();
            Optional<Setting<?>> setting = byKey(key);
            if (setting.isEmpty() && node.isObject() && isSection(key)) {
                flatten(key + ".", node, values, spelledAs);
                continue;
            }
            Setting<?> known = setting.orElseThrow(() -> ConfigException.forKey(key, "unknown key"));
            String earlier = spelledAs.put(known, key);
            if (earlier != null) {
                throw ConfigException.forKey(key, "is the same setting as '" + earlier + "'; give only one");
            }
            if (!node.isNull()) {
                values.put(known, known.type.fromJson(key, node));
            }
        }
    }

    private static boolean isSection(String key) {
        for (Setting<?> setting : Setting.ALL) {
            if (setting.key.startsWith(key + ".") || (setting.alias != null && setting.alias.startsWith(key + "."))) {
                return true;
            }
        }
        return false;
    }

    private void readEnvironment(Map<Setting<?>, Object> values) throws ConfigException {
        for (Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            String name = variable.getKey();
            if (!name.startsWith(Setting.ENV_PREFIX) || name.equals(CONFIG_ENV)) {
                continue;
            }
            Setting<?> setting = null;
            for (Setting<?> candidate : Setting.ALL) {
                if (candidate.envName().equals(name)) {
                    setting = candidate;
                }
            }
            if (setting == null) {
                throw new ConfigException("environment variable " + name + ": unknown key");
            }
            values.put(setting, setting.type.fromText(name + " (" + setting.key + ")", variable.getValue()));
        }
    }

    static Optional<Setting<?>> byKey(String key) {
        for (Setting<?> setting : Setting.ALL) {
            if (setting.key.equals(key) || key.equals(setting.alias)) {
                return Optional.of(setting);
            }
        }
        return Optional.empty();
    }

    private static Config build(Optional<Path> file, Map<Setting<?>, Object> given) throws ConfigException {
        Config config = new Config(file, Config.withDefaults(given));
        String host = config.get(Setting.HTTP_HOST);
        if (config.get(Setting.HTTP_ALLOW_NO_AUTH) && !isLoopback(host)) {
            throw ConfigException.forKey(Setting.HTTP_ALLOW_NO_AUTH.key,
                    "may only be true when http.host is a loopback address, but it is '" + host + "'");
        }
        return config;
    }

    private static boolean isLoopback(String host) throws ConfigException {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw ConfigException.forKey(Setting.HTTP_HOST.key, "cannot resolve '" + host + "'");
        }
    }

    /** The flags every command that reads the configuration accepts, by config key: {@code http.port} → {@code --http-port}. */
    public static Map<String, String> flagNames() {
        Map<String, String> flags = new TreeMap<>();
        for (Setting<?> setting : Setting.ALL) {
            if (setting.hasFlag()) {
                flags.put(setting.key, setting.flag());
            }
        }
        return flags;
    }
}
