package org.openclaw.sessionstatus.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.openclaw.sessionstatus.model.RunningEvidence;

/**
 * How a setting's value is read. JSON values are typed strictly (a string where a number belongs is an error);
 * environment variables and flags are text, lists there are comma-separated.
 */
enum ValueType {
    POSITIVE_MS, NON_NEGATIVE_MS, BOOLEAN, HOST, PORT, PATH, PATH_LIST, SECRET, EVIDENCE_LIST, MAX_CONCURRENT;

    Object fromJson(String key, JsonNode node) throws ConfigException {
        switch (this) {
            case POSITIVE_MS, NON_NEGATIVE_MS, PORT -> {
                if (!node.isIntegralNumber()) {
                    throw ConfigException.forKey(key, "must be a whole number, got " + node);
                }
                return checkNumber(key, node.asLong());
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw ConfigException.forKey(key, "must be true or false, got " + node);
                }
                return node.booleanValue();
            }
            case PATH_LIST, EVIDENCE_LIST -> {
                if (!node.isArray()) {
                    throw ConfigException.forKey(key, "must be an array of strings, got " + node);
                }
                List<String> items = new ArrayList<>();
                for (JsonNode item : node) {
                    if (!item.isTextual()) {
                        throw ConfigException.forKey(key, "must be an array of strings, got " + node);
                    }
                    items.add(item.textValue());
                }
                return fromList(key, items);
            }
            case MAX_CONCURRENT -> {
                if (node.isIntegralNumber()) {
                    return maxConcurrent(key, node.asLong());
                }
                if (node.isTextual() && node.textValue().equals("auto")) {
                    return MaxConcurrent.auto();
                }
                throw ConfigException.forKey(key, "must be a positive whole number or \"auto\", got " + node);
            }
            default -> {
                if (!node.isTextual()) {
                    throw ConfigException.forKey(key, "must be a string, got " + (this == SECRET ? node.getNodeType() : node));
                }
                return fromText(key, node.textValue());
            }
        }
    }

    Object fromText(String key, String text) throws ConfigException {
        String value = text.strip();
        switch (this) {
            case POSITIVE_MS, NON_NEGATIVE_MS, PORT -> {
                return checkNumber(key, parseLong(key, value));
            }
            case BOOLEAN -> {
                if (value.equals("true") || value.equals("false")) {
                    return Boolean.parseBoolean(value);
                }
                throw ConfigException.forKey(key, "must be true or false, got '" + value + "'");
            }
            case PATH_LIST, EVIDENCE_LIST -> {
                List<String> items = new ArrayList<>();
                for (String item : value.split(",")) {
                    if (!item.isBlank()) {
                        items.add(item.strip());
                    }
                }
                return fromList(key, items);
            }
            case MAX_CONCURRENT -> {
                return value.equals("auto") ? MaxConcurrent.auto() : maxConcurrent(key, parseLong(key, value));
            }
            case HOST, SECRET -> {
                if (value.isEmpty()) {
                    throw ConfigException.forKey(key, "must not be empty");
                }
                return this == SECRET ? new Secret(value) : value;
            }
            case PATH -> {
                return path(key, value);
            }
            default -> throw new IllegalStateException(name());
        }
    }

    private Object fromList(String key, List<String> items) throws ConfigException {
        if (this == PATH_LIST) {
            List<Path> paths = new ArrayList<>();
            for (String item : items) {
                paths.add(path(key, item));
            }
            return List.copyOf(paths);
        }
        if (items.isEmpty()) {
            throw ConfigException.forKey(key, "must name at least one of mtime, lock, store, transcript");
        }
        Set<RunningEvidence> evidence = EnumSet.noneOf(RunningEvidence.class);
        for (String item : items) {
            evidence.add(RunningEvidence.fromConfigName(item).orElseThrow(() -> ConfigException.forKey(key,
                    "unknown evidence '" + item + "' (expected mtime, lock, store, transcript)")));
        }
        return Set.copyOf(evidence);
    }

    private Object checkNumber(String key, long value) throws ConfigException {
        return switch (this) {
            case PORT -> {
                if (value < 0 || value > 65_535) {
                    throw ConfigException.forKey(key, "must be a port from 0 to 65535, got " + value);
                }
                yield (int) value;
            }
            case POSITIVE_MS -> {
                if (value <= 0) {
                    throw ConfigException.forKey(key, "must be a positive number of milliseconds, got " + value);
                }
                yield value;
            }
            default -> {
                if (value < 0) {
                    throw ConfigException.forKey(key, "must not be negative, got " + value);
                }
                yield value;
            }
        };
    }

    private static MaxConcurrent maxConcurrent(String key, long value) throws ConfigException {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw ConfigException.forKey(key, "must be a positive whole number or \"auto\", got " + value);
        }
        return MaxConcurrent.fixed((int) value);
    }

    private static long parseLong(String key, String value) throws ConfigException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ConfigException.forKey(key, "must be a whole number, got '" + value + "'");
        }
    }

    private static Path path(String key, String value) throws ConfigException {
        if (value.isEmpty()) {
            throw ConfigException.forKey(key, "must not be an empty path");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw ConfigException.forKey(key, "is not a valid path: " + e.getMessage());
        }
    }
}
