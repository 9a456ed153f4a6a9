package org.openclaw.sessionstatus.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @Test
    void aGeneratedSecretIsKeptInAPrivateFileAndReused(@TempDir Path home) throws Exception {
        Map<String, String> env = Map.of("HOME", home.toString());
        Config config = new ConfigLoader(env, home.resolve("none.json")).load(Optional.empty(), Map.of());
        Secrets.Resolved generated = new Secrets(env).resolve(config, true);
        Path file = home.resolve(".local/state/openclaw-session-status/secret");
        assertEquals("generated file " + file, generated.source());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(generated.secret().orElseThrow().matches(Files.readString(file).strip()));
        assertEquals("****", generated.secret().orElseThrow().toString());
        assertTrue(new Secrets(env).resolve(config, true).secret().orElseThrow().matches(Files.readString(file).strip()),
                "the next start reuses it");
    }

    @Test
    void aSecretFileWinsAndAnEmptyOneIsAnErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from-file\n");
        Map<String, String> env = Map.of("HOME", dir.toString(), "OPENCLAW_SESSION_STATUS_HTTP_SECRET", "from-env");
        ConfigLoader loader = new ConfigLoader(env, dir.resolve("none.json"));
        Config config = loader.load(Optional.empty(), Map.of("http.secretFile", file.toString()));
        assertTrue(new Secrets(env).resolve(config, false).secret().orElseThrow().matches("from-file"));
        Files.writeString(file, "  \n");
        String message = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> new Secrets(env).resolve(config, false)).getMessage();
        assertTrue(message.startsWith("config http.secretFile: secret file"), message);
    }

    @Test
    void aSecretFileMountedAsALinkIsFollowedButAFifoIsRefused(@TempDir Path dir) throws Exception {
        // As Kubernetes mounts a Secret: the name a link into "..data".
        Path data = Files.createDirectories(dir.resolve("..2026_11_22"));
        Files.writeString(data.resolve("token"), "from-a-secret-volume\n");
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Path token = Files.createSymbolicLink(dir.resolve("token"), Path.of("..data", "token"));
        Map<String, String> env = Map.of("HOME", dir.toString());
        ConfigLoader loader = new ConfigLoader(env, dir.resolve("none.json"));
        Config config = loader.load(Optional.empty(), Map.of("http.secretFile", token.toString()));
        assertTrue(new Secrets(env).resolve(config, false).secret().orElseThrow().matches("from-a-secret-volume"));

        Path fifo = dir.resolve("fifo");
        org.openclaw.sessionstatus.testing.Fixtures.mkfifo(fifo);
        Config toFifo = loader.load(Optional.empty(), Map.of("http.secretFile", fifo.toString()));
        String message = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> new Secrets(env).resolve(toFifo, false)).getMessage();
        assertTrue(message.contains("not a regular file"), message);
    }
}
