package org.openclaw.sessionstatus.systemd;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A unix datagram socket connected to {@code $NOTIFY_SOCKET}. The JDK has no unix datagrams, so this calls libc
 * through JNA (which directory-watcher already brings). Not thread-safe: the {@link Notifier} serialises sends.
 */
final class NotifySocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH_MAX = 108;

    /** The three libc calls needed; each throws {@link LastErrorException} (with errno) on failure. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private final LibC libc;
    private final byte[] address;
    private final int fd;

    /**
     * @param path {@code $NOTIFY_SOCKET}: a filesystem path, or {@code @name} for the abstract namespace
     * @throws IllegalArgumentException when the path is not one systemd would give
     * @throws LastErrorException when the socket cannot be created
     */
    NotifySocket(String path) {
        this.address = sockaddr(path);
        this.libc = Native.load("c", LibC.class);
        this.fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    }

    /** Sends one datagram without blocking: a full receive queue loses the message, never stalls the daemon. */
    void send(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        libc.sendto(fd, bytes, new NativeLong(bytes.length), MSG_DONTWAIT | MSG_NOSIGNAL, address, address.length);
    }

    @Override
    public void close() {
        libc.close(fd);
    }

    /** {@code struct sockaddr_un}: the family in native byte order, then the path (NUL-terminated unless abstract). */
    static byte[] sockaddr(String path) {
        boolean abstractName = path.startsWith("@");
        if (!abstractName && !path.startsWith("/")) {
            throw new IllegalArgumentException("NOTIFY_SOCKET must be an absolute path or start with @: " + path);
        }
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (abstractName) {
            name[0] = 0;
        }
        int pathLength = abstractName ? name.length : name.length + 1;
        if (pathLength > SUN_PATH_MAX) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is longer than a unix socket path may be: " + path);
        }
        ByteBuffer sockaddr = ByteBuffer.allocate(2 + pathLength).order(ByteOrder.nativeOrder());
        sockaddr.putShort((short) AF_UNIX).put(name);
        return sockaddr.array();
    }
}
