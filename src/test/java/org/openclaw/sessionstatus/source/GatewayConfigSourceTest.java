package org.openclaw.sessionstatus.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.model.SlotLimit;
import org.openclaw.sessionstatus.model.SlotSource;
import org.openclaw.sessionstatus.testing.Fixtures;

/** {@code maxConcurrent: "auto"} without a gateway lane: the gateway's config, else OpenClaw's default for the release. */
class GatewayConfigSourceTest {
    @TempDir
    Path tmp;

    @Test
    void theGatewaysConfiguredLimitWins() throws Exception {
        Path file = Files.writeString(tmp.resolve("openclaw.json"),
                "// JSON5, as OpenClaw writes it\n{agents: {defaults: {maxConcurrent: 6,}}, gateway: {port: 18999}}");
        GatewayConfig config = GatewayConfig.read(file);
        assertEquals(new SlotLimit(6, SlotSource.GATEWAY_CONFIG), GatewayConfigSource.limit(config, true, 16));
        assertEquals(OptionalInt.of(18999), config.port());
    }

    @Test
    void aFileEraStateDirGetsTheFourSlotsOf2026_7_1() throws Exception {
        Path state = Fixtures.copy("after-runs", tmp.resolve("state"));
        assertFalse(GatewayConfigSource.sqliteEra(state));
        assertEquals(new SlotLimit(4, SlotSource.RELEASE_DEFAULT),
                GatewayConfigSource.limit(GatewayConfig.read(state.resolve("openclaw.json")), false, 16));
    }

    @Test
    void aSqliteEraStateDirGetsFourSlotsPerCpuAndAtLeastEight() throws Exception {
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        assertTrue(GatewayConfigSource.sqliteEra(state));
        GatewayConfig config = GatewayConfig.read(state.resolve("openclaw.json"));
        assertEquals(new SlotLimit(8, SlotSource.RELEASE_DEFAULT), GatewayConfigSource.limit(config, true, 1));
        assertEquals(new SlotLimit(64, SlotSource.RELEASE_DEFAULT), GatewayConfigSource.limit(config, true, 16));
    }

    @Test
    void theTokenIsReadButNeverShown() throws Exception {
        Path state = Fixtures.copySqlite("after-runs", tmp.resolve("state"));
        GatewayConfig config = GatewayConfig.read(state.resolve("openclaw.json"));
        assertEquals(Optional.of("harness-token-123"), config.token());
        assertFalse(config.toString().contains("harness-token-123"), config.toString());
    }

    @Test
    void aMissingOrBrokenFileSetsNothing() throws Exception {
        assertEquals(GatewayConfig.UNSET, GatewayConfig.read(tmp.resolve("absent.json")));
        assertEquals(GatewayConfig.UNSET, GatewayConfig.read(Files.writeString(tmp.resolve("torn.json"), "{agents: {")));
        Path wrongTypes = Files.writeString(tmp.resolve("types.json"),
                "{agents: {defaults: {maxConcurrent: '8'}}, gateway: {port: 70000, auth: {token: {source: 'env'}}}}");
        assertEquals(GatewayConfig.UNSET, GatewayConfig.read(wrongTypes));
    }
}
