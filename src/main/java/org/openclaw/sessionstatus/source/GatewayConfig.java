package org.openclaw.sessionstatus.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.openclaw.sessionstatus.io.RegularFiles;

/**
 * What this daemon reads from the gateway's own {@code openclaw.json} (JSON5): its concurrency limit, and where and
 * how its WebSocket is reached ({@code gateway.port}, {@code gateway.auth.token}). A missing, unreadable or invalid
 * file, or a value of the wrong type, reads as unset.
 *
 * @param token the shared gateway token; a secret: never log it
 */
public record GatewayConfig(OptionalInt maxConcurrent, OptionalInt port, Optional<String> token) {
    /** OpenClaw's default gateway port. */
    public static final int DEFAULT_PORT = 18789;
    static final GatewayConfig UNSET = new GatewayConfig(OptionalInt.empty(), OptionalInt.empty(), Optional.empty());
    private static final ObjectMapper JSON5 = JsonMapper.builder(new JsonFactory())
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_YAML_COMMENTS,
                    JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                    JsonReadFeature.ALLOW_SINGLE_QUOTES, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
                    JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
                    JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .build();
    private static final int MAX_BYTES = 4 * 1024 * 1024;

    public static GatewayConfig read(Path file) {
        JsonNode root;
        try {
            root = JSON5.readTree(RegularFiles.readConfigured(file, MAX_BYTES));
        } catch (IOException | RuntimeException e) {
            return UNSET;
        }
        if (root == null) {
            return UNSET;
        }
        JsonNode token = root.path("gateway").path("auth").path("token");
        return new GatewayConfig(positive(root.path("agents").path("defaults").path("maxConcurrent"), Integer.MAX_VALUE),
                positive(root.path("gateway").path("port"), 65_535),
                token.isTextual() && !token.textValue().isBlank() ? Optional.of(token.textValue()) : Optional.empty());
    }

    private static OptionalInt positive(JsonNode value, int max) {
        return value.isIntegralNumber() && value.canConvertToInt() && value.intValue() > 0 && value.intValue() <= max
                ? OptionalInt.of(value.intValue()) : OptionalInt.empty();
    }

    @Override
    public String toString() {
        return "GatewayConfig[maxConcurrent=" + maxConcurrent + ", port=" + port + ", token="
                + (token.isPresent() ? "****" : "none") + "]";
    }
}
