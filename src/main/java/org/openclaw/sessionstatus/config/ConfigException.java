package org.openclaw.sessionstatus.config;

/** Invalid configuration: the message names the key (or file) at fault. The CLI turns it into exit code 2. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException forKey(String key, String problem) {
        return new ConfigException("config " + key + ": " + problem);
    }
}
