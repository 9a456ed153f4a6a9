package org.openclaw.sessionstatus.source.sqlite;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.ReadCounters;
import org.openclaw.sessionstatus.source.StateLayout;
import org.openclaw.sessionstatus.source.Timestamps;

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

    /**
     * Every lock file now; one that is not a regular file, or not a lock's JSON, is skipped and counted.
     *
     * @return empty when a dir or a lock file exists but may not be read: its holders cannot be known (an embedded
     *     run may be in flight), so the caller keeps what it read before and counts the lock files as unreadable
     */
    static Optional<List<Holder>> read(Path lockRoot, ReadCounters counters, long now, AccessWarnings warnings) {
        List<Holder> holders = new ArrayList<>();
        StateLayout.Entry root = StateLayout.probe(lockRoot);
        if (root != StateLayout.Entry.DIRECTORY) {
            if (root == StateLayout.Entry.DENIED) {
                warnings.denied(lockRoot);
                return Optional.empty();
            }
            return Optional.of(List.of());
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
        } catch (AccessDeniedException e) {
            warnings.denied(Path.of(e.getFile()));
            return Optional.empty();
        } catch (IOException e) {
            // A dir that vanished while listed: the next event or tick reads it again.
        }
        warnings.readable(lockRoot);
        holders.sort((a, b) -> a.file().compareTo(b.file()));
        return Optional.of(List.copyOf(holders));
    }

    /**
     * Whether the lock files' dirs may be listed (or there are none): a mode changed on them sends no event, so this
     * is asked every tick, listing names only.
     */
    static boolean listable(Path lockRoot) {
        StateLayout.Entry root = StateLayout.probe(lockRoot);
        if (root != StateLayout.Entry.DIRECTORY) {
            return root != StateLayout.Entry.DENIED;
        }
        if (!StateLayout.listable(lockRoot)) {
            return false;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(lockRoot, "openclaw-*")) {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !StateLayout.listable(dir)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
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

    /** @throws AccessDeniedException when the lock exists but may not be read: whose it is cannot be known */
    private static @Nullable Holder holder(Path file) throws AccessDeniedException {
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
                    Timestamps.epochMillis(lock.path("createdAt").asText(null), attributes.lastModifiedTime().toMillis()));
        } catch (AccessDeniedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
