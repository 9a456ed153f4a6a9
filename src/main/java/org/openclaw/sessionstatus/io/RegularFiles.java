package org.openclaw.sessionstatus.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Opening what the outside world put on disk without letting it freeze a thread: the type is checked before the
 * open (a FIFO would block {@code open(2)} until a writer appears; a device could block any read) and reads are
 * bounded. What is not a regular file is refused with {@link NotRegular}.
 *
 * <p>Two link policies. Files in the gateway's state dir are opened as they are: a link there is not a file
 * OpenClaw wrote, and is refused. Files an operator names (the config, the secret file, a service account's token)
 * are followed to their target, which must be a regular file: Kubernetes mounts secrets and config maps as links.
 *
 * <p>The JDK cannot open with {@code O_NONBLOCK}: a file swapped for a FIFO between the check and the open could
 * still block. That window is tiny, and the worker's stuck detection ({@code SourceWorker}) reports it if it happens.
 */
public final class RegularFiles {

    /** The path exists but is not a regular file (a FIFO, a device, a socket, a dir, a link where none may be). */
    public static final class NotRegular extends FileSystemException {
        public NotRegular(Path path) {
            super(path.toString(), null, "not a regular file");
        }
    }

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final LinkOption[] FOLLOW = {};

    private RegularFiles() {
    }

    /** A state-dir file's attributes, not following a link; {@link NotRegular} unless it is a regular file. */
    public static BasicFileAttributes attributes(Path file) throws IOException {
        return attributes(file, NOFOLLOW);
    }

    /** Opens a state-dir file for reading (checked first, links not followed). */
    public static SeekableByteChannel open(Path file) throws IOException {
        attributes(file);
        return Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** A stream over a state-dir file (checked first, links not followed). */
    public static InputStream stream(Path file) throws IOException {
        attributes(file);
        return Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** At most {@code maxBytes} from the start of a state-dir file. */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        return read(file, maxBytes, NOFOLLOW);
    }

    /** At most {@code maxBytes} of a file an operator named, a link followed to its target. */
    public static byte[] readConfigured(Path file, int maxBytes) throws IOException {
        return read(file, maxBytes, FOLLOW);
    }

    /** A stream over a file an operator named, a link followed to its target (checked first). */
    public static InputStream streamConfigured(Path file) throws IOException {
        attributes(file, FOLLOW);
        return Files.newInputStream(file, StandardOpenOption.READ);
    }

    private static BasicFileAttributes attributes(Path file, LinkOption[] links) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, links);
        if (!attributes.isRegularFile()) {
            throw new NotRegular(file);
        }
        return attributes;
    }

    private static byte[] read(Path file, int maxBytes, LinkOption[] links) throws IOException {
        attributes(file, links);
        OpenOption[] options = links.length == 0 ? new OpenOption[] {StandardOpenOption.READ}
                : new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
        try (SeekableByteChannel channel = Files.newByteChannel(file, options)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(maxBytes, Math.max(0, channel.size())));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // keep reading: a channel may return fewer bytes than asked
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }
}
