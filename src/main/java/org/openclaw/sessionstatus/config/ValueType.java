package org.openclaw.sessionstatus.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.RunningEvidence;
import org.openclaw.sessionstatus.model.WireName;

/**
 * How a setting's value is read and shown. JSON values are typed strictly (a string where a number belongs is an
 * error); environment variables and flags are text, lists there are comma-separated. An error about a value from the
 * config file shows it (never a secret's); one about text from the command line or the environment never repeats
 * it, since a secret typed in the wrong place would end up in the journal.
 */
abstract class ValueType<T> {
    /** Longer than any window or lease anyone means: a typo, or an overflow waiting to happen. */
    static final long MAX_MS = Duration.ofDays(7).toMillis();

    static final ValueType<Long> POSITIVE_MS =
            new Whole<>(1, MAX_MS, "a positive number of milliseconds, at most 7 days (" + MAX_MS + ")", Function.identity());
    static final ValueType<Long> NON_NEGATIVE_MS =
            new Whole<>(0, MAX_MS, "a number of milliseconds, not negative, at most 7 days (" + MAX_MS + ")",
                    Function.identity());
    static final ValueType<Boolean> BOOLEAN = new Bool();
    static final ValueType<Integer> PORT = new Whole<>(0, 65_535, "a port from 0 to 65535", Long::intValue);
    /** Below the server's 1024 connections, so plain requests always have room. */
    static final ValueType<Integer> PUSH_CLIENTS = new Whole<>(1, 1_000, "a whole number from 1 to 1000", Long::intValue);
    static final ValueType<Path> PATH = new Text<>(ValueType::path, "must not be an empty path", false);
    static final ValueType<String> TEXT = new Text<>(value -> value, "must not be empty", false);
    static final ValueType<String> HOST = TEXT;
    /** A command and its arguments, run without a shell. */
    static final ValueType<List<String>> ARGV = new ListOf<>(TEXT, null);
    static final ValueType<URI> HTTP_URL = new Text<>(ValueType::httpUrl, "must not be empty", false);
    static final ValueType<URI> WS_URL = new Text<>(ValueType::wsUrl, "must not be empty", false);
    /** Kubernetes' pod-deletion-cost is a 32-bit integer. */
    static final ValueType<Integer> INT32 = new Whole<>(Integer.MIN_VALUE, Integer.MAX_VALUE,
            "a whole number from -2147483648 to 2147483647", Long::intValue);
    static final ValueType<List<Path>> PATH_LIST = new ListOf<>(PATH, null);
    static final ValueType<Secret> SECRET = new Text<>(Secret::new, "must not be empty", true);
    static final ValueType<Set<RunningEvidence>> EVIDENCE = new Evidence();
    static final ValueType<MaxConcurrent> MAX_CONCURRENT = new Slots();

    abstract T fromJson(String key, JsonNode node) throws ConfigException;

    /** From a flag or an environment variable: an error never repeats the text. */
    final T fromText(String key, String text) throws ConfigException {
        return text(key, text, false);
    }

    /** @param echo the error may show the value (it came from the config file, and is no secret) */
    abstract T text(String key, String text, boolean echo) throws ConfigException;

    /** The value as {@code check} prints it: a string, a number, a boolean, or a list of them. */
    Object shown(T value) {
        return value.toString();
    }

    static String got(boolean echo, Object value) {
        return echo ? ", got " + value : "";
    }

    private static URI httpUrl(String value) {
        return HttpUrls.parse(value, HttpUrls.HTTP_OR_HTTPS)
                .orElseThrow(() -> new IllegalArgumentException("must be an http:// or https:// URL"));
    }

    private static URI wsUrl(String value) {
        return HttpUrls.parse(value, Set.of("ws", "wss"))
                .orElseThrow(() -> new IllegalArgumentException("must be a ws:// or wss:// URL"));
    }

    /** Turns text into a value, or says (without the text) what is wrong with it. */
    private interface Parser<T> {
        T parse(String value) throws IllegalArgumentException;
    }

    /** A non-empty string from JSON, or text. */
    private static final class Text<T> extends ValueType<T> {
        private final Parser<T> parser;
        private final String whenEmpty;
        private final boolean secret;

        /** @param secret never echo the value in an error */
        Text(Parser<T> parser, String whenEmpty, boolean secret) {
            this.parser = parser;
            this.whenEmpty = whenEmpty;
            this.secret = secret;
        }

        @Override
        T fromJson(String key, JsonNode node) throws ConfigException {
            if (!node.isTextual()) {
                throw ConfigException.forKey(key, "must be a string, got " + (secret ? node.getNodeType() : node));
            }
            return text(key, node.textValue(), !secret);
        }

        @Override
        T text(String key, String text, boolean echo) throws ConfigException {
            String value = text.strip();
            if (value.isEmpty()) {
                throw ConfigException.forKey(key, whenEmpty);
            }
            try {
                return parser.parse(value);
            } catch (IllegalArgumentException e) {
                throw ConfigException.forKey(key, e.getMessage() + got(echo, "'" + value + "'"));
            }
        }
    }

    /** A whole number within bounds; {@code range} says which, in the error. */
    private static final class Whole<T> extends ValueType<T> {
        private final long min;
        private final long max;
        private final String range;
        private final Function<Long, T> convert;

        Whole(long min, long max, String range, Function<Long, T> convert) {
            this.min = min;
            this.max = max;
            this.range = range;
            this.convert = convert;
        }

        @Override
        T fromJson(String key, JsonNode node) throws ConfigException {
            if (!node.isIntegralNumber()) {
                throw ConfigException.forKey(key, "must be a whole number, got " + node);
            }
            if (!node.canConvertToLong()) {
                throw ConfigException.forKey(key, "must be " + range + ", got " + node);
            }
            return check(key, node.asLong(), true);
        }

        @Override
        T text(String key, String text, boolean echo) throws ConfigException {
            long value;
            try {
                value = Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw ConfigException.forKey(key, "must be a whole number" + got(echo, "'" + text.strip() + "'"));
            }
            return check(key, value, echo);
        }

        @Override
        Object shown(T value) {
            return value;
        }

        private T check(String key, long value, boolean echo) throws ConfigException {
            if (value < min || value > max) {
                throw ConfigException.forKey(key, "must be " + range + got(echo, value));
            }
            return convert.apply(value);
        }
    }

    private static final class Bool extends ValueType<Boolean> {
        @Override
        Boolean fromJson(String key, JsonNode node) throws ConfigException {
            if (!node.isBoolean()) {
                throw ConfigException.forKey(key, "must be true or false, got " + node);
            }
            return node.booleanValue();
        }

        @Override
        Boolean text(String key, String text, boolean echo) throws ConfigException {
            String value = text.strip();
            if (value.equals("true") || value.equals("false")) {
                return Boolean.parseBoolean(value);
            }
            throw ConfigException.forKey(key, "must be true or false" + got(echo, "'" + value + "'"));
        }

        @Override
        Object shown(Boolean value) {
            return value;
        }
    }

    /** A positive number of slots, or {@code auto}. */
    private static final class Slots extends ValueType<MaxConcurrent> {
        private static final String EXPECTED = "must be a positive whole number or \"auto\"";

        @Override
        MaxConcurrent fromJson(String key, JsonNode node) throws ConfigException {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return check(key, node.asLong(), true);
            }
            if (node.isTextual() && node.textValue().equals("auto")) {
                return MaxConcurrent.auto();
            }
            throw ConfigException.forKey(key, EXPECTED + ", got " + node);
        }

        @Override
        MaxConcurrent text(String key, String text, boolean echo) throws ConfigException {
            String value = text.strip();
            if (value.equals("auto")) {
                return MaxConcurrent.auto();
            }
            try {
                return check(key, Long.parseLong(value), echo);
            } catch (NumberFormatException e) {
                throw ConfigException.forKey(key, EXPECTED + got(echo, "'" + value + "'"));
            }
        }

        @Override
        Object shown(MaxConcurrent value) {
            return value.isAuto() ? "auto" : (Object) value.fixed().getAsInt();
        }

        private static MaxConcurrent check(String key, long value, boolean echo) throws ConfigException {
            if (value <= 0 || value > 1_000_000) {
                throw ConfigException.forKey(key, EXPECTED + ", at most 1000000" + got(echo, value));
            }
            return MaxConcurrent.fixed((int) value);
        }
    }

    /** A JSON array of strings, or comma-separated text. */
    private static class ListOf<E> extends ValueType<List<E>> {
        private final ValueType<E> item;
        private final @Nullable String whenEmpty;

        /** @param whenEmpty the error for an empty list, or null when one is fine */
        ListOf(ValueType<E> item, @Nullable String whenEmpty) {
            this.item = item;
            this.whenEmpty = whenEmpty;
        }

        @Override
        List<E> fromJson(String key, JsonNode node) throws ConfigException {
            if (!node.isArray()) {
                throw ConfigException.forKey(key, "must be an array of strings, got " + node);
            }
            List<String> items = new ArrayList<>();
            for (JsonNode value : node) {
                if (!value.isTextual()) {
                    throw ConfigException.forKey(key, "must be an array of strings, got " + node);
                }
                items.add(value.textValue());
            }
            return parse(key, items, true);
        }

        @Override
        List<E> text(String key, String text, boolean echo) throws ConfigException {
            List<String> items = new ArrayList<>();
            for (String value : text.split(",", -1)) {
                if (!value.isBlank()) {
                    items.add(value.strip());
                }
            }
            return parse(key, items, echo);
        }

        private List<E> parse(String key, List<String> items, boolean echo) throws ConfigException {
            List<E> values = new ArrayList<>();
            for (String value : items) {
                values.add(item.text(key, value, echo));
            }
            if (whenEmpty != null && values.isEmpty()) {
                throw ConfigException.forKey(key, whenEmpty);
            }
            return List.copyOf(values);
        }

        @Override
        Object shown(List<E> value) {
            return value.stream().map(item::shown).toList();
        }
    }

    /** The evidence kinds that may call a session running, at least one. */
    private static final class Evidence extends ValueType<Set<RunningEvidence>> {
        private static final ListOf<RunningEvidence> NAMES = new ListOf<>(new Text<>(Evidence::named,
                "must not be empty", false), "must name at least one of mtime, lock, store, transcript");

        @Override
        Set<RunningEvidence> fromJson(String key, JsonNode node) throws ConfigException {
            return Set.copyOf(NAMES.fromJson(key, node));
        }

        @Override
        Set<RunningEvidence> text(String key, String text, boolean echo) throws ConfigException {
            return Set.copyOf(NAMES.text(key, text, echo));
        }

        /** In the enum's order, so the output does not depend on a set's iteration. */
        @Override
        Object shown(Set<RunningEvidence> value) {
            Set<RunningEvidence> ordered = value.isEmpty() ? Set.of() : EnumSet.copyOf(value);
            return ordered.stream().map(WireName::wireName).toList();
        }

        private static RunningEvidence named(String name) {
            return RunningEvidence.fromWireName(name).orElseThrow(() -> new IllegalArgumentException(
                    "unknown evidence (expected mtime, lock, store, transcript)"));
        }
    }

    private static Path path(String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("is not a valid path", e);
        }
    }
}
