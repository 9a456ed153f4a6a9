package org.openclaw.sessionstatus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The published JSON Schemas ({@code docs/schema/}), read from the tree as users get them, each compiled alone: the
 * validator is given no other file and fetches nothing, so a {@code $ref} outside the file fails.
 */
public final class Schemas {
    public static final String STATUS = "session-status.schema.json";
    public static final String BUSY_STATE = "busy-state.schema.json";
    public static final String LEASE = "lease.schema.json";
    public static final String ERROR = "error.schema.json";
    public static final Path DIR = Path.of("docs", "schema");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Schemas() {
    }

    /** What is wrong with the document by the schema file of that name in {@code docs/schema/}; empty when it conforms. */
    public static List<String> errors(String schema, String document) {
        return errors(DIR.resolve(schema), document);
    }

    /** What is wrong with the document by the schema in that file, given to a validator that knows no other. */
    public static List<String> errors(Path schemaFile, String document) {
        Schema compiled;
        try {
            compiled = alone().getSchema(Files.readString(schemaFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode node;
        try {
            node = JSON.readTree(document);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        return compiled.validate(node).stream().map(Error::toString).toList();
    }

    /** A registry with no schema but the one it is given: no mapped files, no remote fetching. */
    private static SchemaRegistry alone() {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    }
}
