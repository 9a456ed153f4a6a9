package org.openclaw.sessionstatus.source.sqlite;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.source.ReadCounters;

/**
 * The lock files of the gateway and of embedded ({@code --local}) runs: {@code <stateDir>/tmp/openclaw-<uid>/gateway*.lock},
 * JSON ({@code pid}, {@code startTime}, {@code createdAt}, {@code role}) followed by a line of whitespace (an ownership
 * token). A gateway removes them on a clean exit and leaves them with its dead pid when killed.
 */
final class GatewayLocks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BYTES = 64 * 1024;

    /**
     * One lock file's holder.
     *
     * @param embedded {@code "role":"agent-embedded"}: an embedded run holds it, not a gateway
     * @param createdAtMs when the lock says it was created, else the file's mtime
     */
    record Holder(String file, long pid, long startTime, boolean embedded, long createdAtMs) {
    }

    private GatewayLocks() {
    }

    /** Every readable lock file now; a file that is not a regular one, or not a lock's JSON, is skipped and counted. */
    static List<Holder> read(Path lockRoot, ReadCounters counters, long now) {
        List<Holder> holders = new ArrayList<>();
        if (!Files.isDirectory(lockRoot, LinkOption.NOFOLLOW_LINKS)) {
            return holders;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(lockRoot, "openclaw-*")) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> locks = Files.newDirectoryStream(dir, "gateway*.lock")) {
                    for (Path lock : locks) {
                        Holder holder = holder(lock);
                        if (holder == null) {
                            counters.skipped();
                        } else {
                            holders.add(new Holder(holder.file(), holder.pid(), holder.startTime(), holder.embedded(),
                                    counters.notInFuture(holder.createdAtMs(), now)));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // A dir that vanished while listed: the next event or tick reads it again.
        }
        holders.sort((a, b) -> a.file().compareTo(b.file()));
        return List.copyOf(holders);
    }

    /** Whether a changed path is one of these lock files (or their dir). */
    static boolean concerns(Path path, Path lockRoot) {
        if (!path.startsWith(lockRoot)) {
            return false;
        }
        Path relative = lockRoot.relativize(path);
        String name = path.getFileName().toString();
        return (relative.getNameCount() == 1 && name.startsWith("openclaw-"))
                || (relative.getNameCount() == 2 && name.startsWith("gateway") && name.endsWith(".lock"));
    }

    private static @Nullable Holder holder(Path file) {
        try {
            BasicFileAttributes attributes = RegularFiles.attributes(file);
            JsonNode lock;
            try (JsonParser parser = JSON.createParser(RegularFiles.read(file, MAX_BYTES))) {
                // The JSON object first; the ownership token after it is not JSON.
                lock = JSON.readTree(parser);
            }
            if (lock == null || !lock.isObject() || !lock.path("pid").canConvertToLong() || lock.path("pid").asLong() <= 0) {
                return null;
            }
            return new Holder(file.getFileName().toString(), lock.path("pid").asLong(), lock.path("startTime").asLong(0),
                    "agent-embedded".equals(lock.path("role").asText(null)),
                    createdAt(lock.path("createdAt").asText(null), attributes.lastModifiedTime().toMillis()));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long createdAt(@Nullable String iso, long fallback) {
        if (iso == null) {
            return fallback;
        }
        try {
            return Instant.parse(iso).toEpochMilli();
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
