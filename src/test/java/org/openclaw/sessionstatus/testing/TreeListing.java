package org.openclaw.sessionstatus.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A dir tree as names, sizes, owners and modes (and contents): what must be the same after the daemon read it. */
public final class TreeListing {
    private TreeListing() {
    }

    /** Names, sizes, owners and modes. */
    public static Map<String, String> of(Path root) throws IOException {
        return of(root, false);
    }

    /** Names, sizes, owners, modes and a digest of each file's bytes: for a tree no other process writes. */
    public static Map<String, String> withContents(Path root) throws IOException {
        return of(root, true);
    }

    private static Map<String, String> of(Path root, boolean contents) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                listing.put(root.relativize(path).toString(), (attributes.isDirectory() ? "dir" : attributes.size() + " bytes")
                        + " " + attributes.owner().getName() + ":" + attributes.group().getName() + " "
                        + PosixFilePermissions.toString(attributes.permissions())
                        + (contents && attributes.isRegularFile() ? " " + digest(path) : ""));
            }
        }
        return listing;
    }

    private static String digest(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
