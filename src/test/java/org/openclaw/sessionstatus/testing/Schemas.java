package org.openclaw.sessionstatus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The published JSON Schemas ({@code docs/schema/}), read from the tree as users get them, $refs resolved locally. */
public final class Schemas {
    public static final String STATUS = "session-status.schema.json";
    public static final String BUSY_STATE = "busy-state.schema.json";
    public static final String LEASE = "lease.schema.json";
    public static final String ERROR = "error.schema.json";
    private static final String ID_PREFIX = "https://github.com/openclaw/openclaw-session-status/docs/schema/";
    private static final Path DIR = Path.of("docs", "schema");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemas(iri -> iri.startsWith(ID_PREFIX) ? read(iri.substring(ID_PREFIX.length())) : null));

    private Schemas() {
    }

    /** What is wrong with the document by the schema; empty when it conforms. */
    public static List<String> errors(String schema, String document) {
        Schema compiled = REGISTRY.getSchema(SchemaLocation.of(ID_PREFIX + schema));
        JsonNode node;
        try {
            node = JSON.readTree(document);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        return compiled.validate(node).stream().map(Error::toString).toList();
    }

    private static String read(String name) {
        try {
            return Files.readString(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
