package org.openclaw.sessionstatus.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.model.EvidenceSink;

/**
 * For {@code maxConcurrent: "auto"}: polls the gateway's {@code openclaw.json} (JSON5) every tick and, when it
 * changed, tells the sink its {@code agents.defaults.maxConcurrent}. Polled, not watched: the file may live anywhere
 * ({@code $OPENCLAW_CONFIG_PATH}), and one stat a second costs nothing.
 */
public final class GatewayConfigSource extends WatchedSource {
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

    private final Path file;
    private final EvidenceSink sink;
    private @Nullable FileTime seen;

    public GatewayConfigSource(Path file, EvidenceSink sink) {
        super("gateway-config", "gateway-config");
        this.file = file;
        this.sink = sink;
    }

    /** None: it only ticks (re-reading the file when its modification time changes). */
    @Override
    protected List<Path> roots() {
        return List.of();
    }

    @Override
    public void rescan(@Nullable String why) {
        seen = null;
        tick();
    }

    @Override
    public void changed(Set<Path> paths) {
        tick();
    }

    @Override
    public void tick() {
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            modified = FileTime.fromMillis(0);
        }
        if (!modified.equals(seen)) {
            seen = modified;
            sink.maxConcurrent(maxConcurrent(file));
        }
    }

    /** Empty when the file is missing, unreadable, not a regular file, or sets no positive whole number there. */
    static OptionalInt maxConcurrent(Path file) {
        try {
            JsonNode value = JSON5.readTree(RegularFiles.readConfigured(file, MAX_BYTES)).path("agents").path("defaults")
                    .path("maxConcurrent");
            return value.canConvertToInt() && value.isIntegralNumber() && value.intValue() > 0
                    ? OptionalInt.of(value.intValue()) : OptionalInt.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }
}
