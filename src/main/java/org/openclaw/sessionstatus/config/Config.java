package org.openclaw.sessionstatus.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved, validated configuration (docs/design.md §10): a value for every {@link Setting}, defaults applied.
 * Immutable: built only by {@link ConfigLoader}, from values that are themselves immutable.
 */
public final class Config {
    private final Optional<Path> file;
    private final Map<Setting<?>, Object> values;

    Config(Optional<Path> file, Map<Setting<?>, Object> values) {
        this.file = file;
        this.values = Map.copyOf(values);
    }

    /** The config file read, if any. */
    public Optional<Path> file() {
        return file;
    }

    /** The value of a setting that has a default. */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting);
        if (value == null) {
            throw new IllegalArgumentException(setting.key + " has no default: use find()");
        }
        return (T) value;
    }

    /** The value of a setting that may be unset (no default). */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(Setting<T> setting) {
        return Optional.ofNullable((T) values.get(setting));
    }

    /** Every setting's value as {@code check} prints it, by key, in the table's order; unset ones as null. */
    public Map<String, Object> describe() {
        Map<String, Object> shown = new LinkedHashMap<>();
        for (Setting<?> setting : Setting.ALL) {
            shown.put(setting.key, setting.shown(values.get(setting)));
        }
        return shown;
    }

    static Map<Setting<?>, Object> withDefaults(Map<Setting<?>, Object> given) {
        Map<Setting<?>, Object> all = new HashMap<>();
        for (Setting<?> setting : Setting.ALL) {
            Object value = given.containsKey(setting) ? given.get(setting) : setting.defaultValue;
            if (value != null) {
                all.put(setting, value);
            }
        }
        return all;
    }
}
