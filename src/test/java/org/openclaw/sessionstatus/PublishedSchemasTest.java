package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Schemas;

/**
 * Each published schema as a user gets it: one file, copied where no other schema lies, given to a validator that
 * knows no other and fetches nothing. It must judge real documents on its own, and name no one else's repository.
 */
class PublishedSchemasTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNAVAILABLE = new String(Snapshot.errorJson("no session source can be read"),
            StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
            "session-status.schema.json, golden/after-runs-120.status.json",
            "busy-state.schema.json, golden/after-runs-120.snapshot.json",
            "lease.schema.json, golden/mid-tool-call-240.lease.json"})
    void eachSchemaAloneAcceptsARealDocument(String schema, String document) throws IOException {
        assertEquals(List.of(), Schemas.errors(alone(schema), golden(document)));
    }

    @ParameterizedTest
    @CsvSource({"session-status.schema.json", "error.schema.json"})
    void theStatusAndErrorSchemasAloneAcceptTheRealErrorBody(String schema) throws IOException {
        assertEquals(List.of(), Schemas.errors(alone(schema), UNAVAILABLE));
    }

    @Test
    void theLeaseSchemaAloneJudgesByItsInlinedLeaseDefinition() throws IOException {
        String document = golden("golden/mid-tool-call-240.lease.json").replace("\"hold\"", "\"go\"");
        assertFalse(Schemas.errors(alone("lease.schema.json"), document).isEmpty(), document);
    }

    @Test
    void theStatusSchemaAloneJudgesByItsInlinedErrorDefinition() throws IOException {
        assertFalse(Schemas.errors(alone("session-status.schema.json"), "{\"ok\":false}").isEmpty());
    }

    @Test
    void everySchemaHasOurOwnIdentifierAndRefersOnlyWithinItself() throws IOException {
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> files = Files.list(Schemas.DIR)) {
            for (Path file : files.sorted().toList()) {
                JsonNode schema = JSON.readTree(file.toFile());
                String name = file.getFileName().toString().replace(".schema.json", "");
                String id = schema.path("$id").asText();
                if (!id.equals("urn:openclaw-session-status:schema:" + name + ":1")) {
                    wrong.add(file + ": $id " + id);
                }
                schema.findValuesAsText("$ref").stream().filter(ref -> !ref.startsWith("#/"))
                        .forEach(ref -> wrong.add(file + ": $ref " + ref));
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** The definitions each file inlines are the ones the file that owns them publishes: no copy drifts. */
    @Test
    void theInlinedDefinitionsAreTheirOwnersDefinitions() throws IOException {
        JsonNode busy = schema(Schemas.BUSY_STATE).path("$defs");
        JsonNode lease = schema(Schemas.LEASE).path("$defs");
        lease.fieldNames().forEachRemaining(name -> assertEquals(busy.path(name), lease.path(name), name));
        assertEquals(List.of("marker", "version", "confidence", "lease"), fieldNames(lease));
        ObjectNode error = (ObjectNode) schema(Schemas.ERROR);
        error.remove(List.of("$schema", "$id", "title"));
        assertEquals(error, schema(Schemas.STATUS).path("$defs").path("error"));
    }

    private Path alone(String schema) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(schema + ".alone"));
        return Files.copy(Schemas.DIR.resolve(schema), dir.resolve(schema));
    }

    private static JsonNode schema(String name) throws IOException {
        return JSON.readTree(Schemas.DIR.resolve(name).toFile());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String golden(String resource) throws IOException {
        try (var in = PublishedSchemasTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
