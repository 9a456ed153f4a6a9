package org.openclaw.sessionstatus.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A dir tree as names, sizes, owners and modes: what must be the same after the daemon read it. */
public final class TreeListing {
    private TreeListing() {
    }

    public static Map<String, String> of(Path root) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                listing.put(root.relativize(path).toString(), (attributes.isDirectory() ? "dir" : attributes.size() + " bytes")
                        + " " + attributes.owner().getName() + ":" + attributes.group().getName() + " "
                        + PosixFilePermissions.toString(attributes.permissions()));
            }
        }
        return listing;
    }
}
