package org.openclaw.sessionstatus.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Opening what the outside world put on disk without letting it freeze a thread: the type is checked before the
 * open (a FIFO would block {@code open(2)} until a writer appears; a device could block any read), links are not
 * followed, and reads are bounded. What is not a regular file is refused with {@link NotRegular}.
 */
public final class RegularFiles {

    /** The path exists but is not a regular file (a FIFO, a device, a socket, a dir, a link). */
    public static final class NotRegular extends FileSystemException {
        public NotRegular(Path path) {
            super(path.toString(), null, "not a regular file");
        }
    }

    private RegularFiles() {
    }

    /** The file's attributes, not following a link; {@link NotRegular} unless it is a regular file. */
    public static BasicFileAttributes attributes(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new NotRegular(file);
        }
        return attributes;
    }

    /** Opens a regular file for reading (checked first, links not followed). */
    public static SeekableByteChannel open(Path file) throws IOException {
        attributes(file);
        return Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** A stream over a regular file (checked first, links not followed). */
    public static InputStream stream(Path file) throws IOException {
        attributes(file);
        return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** At most {@code maxBytes} from the start of a regular file. */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        try (SeekableByteChannel channel = open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, Math.max(0, channel.size())));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading: a channel may return fewer bytes than asked
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }
}
