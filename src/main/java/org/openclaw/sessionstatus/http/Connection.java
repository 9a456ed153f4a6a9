package org.openclaw.sessionstatus.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * One client connection on the server's selector, never blocking: it reads what has arrived, answers each complete
 * request head in order (pipelining included), and writes what the socket takes. While an answer is being written
 * it reads nothing more, so a client that sends without reading gets no further than the socket's buffers. Every
 * state has a deadline ({@link Limits}); the server closes the connection when it passes ({@link #expired}).
 *
 * <p>After its last answer, a connection whose client may still be sending (a body the server does not read, a head
 * it refused) shuts its output and reads on, discarding, until the client closes or a short linger ends: closing
 * with unread input would reset the connection, and the client could lose the answer it was sent.
 */
final class Connection {
    private static final byte[] NO_BODY = new byte[0];
    /** How long, and how much, a closing connection reads on so its answer is not reset away. */
    private static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    private static final int LINGER_BYTES = 64 * 1024;

    /** Which deadline passed, when the server closes a connection before its client did. */
    enum Expiry {
        HEAD, IDLE, WRITE, LINGER
    }

    private final SocketChannel channel;
    private final SelectionKey key;
    private final Function<Request, Response> handler;
    private final long headNanos;
    private final long idleNanos;
    private final long writeNanos;
    private byte[] in = new byte[512];
    private int inLength;
    private int scannedTo;
    private ByteBuffer[] out;
    private boolean closeAfterWrite;
    private boolean inputEnded;
    private int lingered = -1;
    private long deadlineNanos;
    private Expiry expiry;

    Connection(SocketChannel channel, SelectionKey key, Function<Request, Response> handler, Limits limits,
            long nowNanos) {
        this.channel = channel;
        this.key = key;
        this.handler = handler;
        this.headNanos = limits.head().toNanos();
        this.idleNanos = limits.idle().toNanos();
        this.writeNanos = limits.write().toNanos();
        deadline(nowNanos + headNanos, Expiry.HEAD);
    }

    /** Reads what has arrived and answers what is complete. @return false when the connection is done */
    boolean readable(long nowNanos, String date) throws IOException {
        if (lingered >= 0) {
            return discard();
        }
        if (inLength == in.length) {
            in = Arrays.copyOf(in, Math.min(in.length * 2, RequestHead.MAX_BYTES));
        }
        int read = channel.read(ByteBuffer.wrap(in, inLength, in.length - inLength));
        if (read < 0) {
            // The client sent all it will: answer what is complete, then close.
            inputEnded = true;
        } else if (read > 0 && inLength == 0 && expiry == Expiry.IDLE) {
            // A new request on a kept-alive connection; a new connection's deadline already counts from its accept.
            deadline(nowNanos + headNanos, Expiry.HEAD);
        }
        inLength += Math.max(0, read);
        return pump(nowNanos, date);
    }

    /** Writes what the socket takes, then answers what is complete. @return false when the connection is done */
    boolean writable(long nowNanos, String date) throws IOException {
        return pump(nowNanos, date);
    }

    /** @return the reason to close, if its deadline passed */
    Expiry expired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0 ? expiry : null;
    }

    /** Whether an answer is being written: such a connection is busy, not quiet. */
    boolean writing() {
        return out != null;
    }

    /** Reads and drops what a closing client still sends. @return false once it is done or has sent too much */
    private boolean discard() throws IOException {
        ByteBuffer sink = ByteBuffer.wrap(in);
        int read = channel.read(sink);
        lingered += Math.max(0, read);
        return read >= 0 && lingered < LINGER_BYTES;
    }

    void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }

    /**
     * Writes what is queued, then answers the next complete request head, as far as it gets without blocking.
     *
     * @return false when the connection is done: its last answer is written, or its client will send no more
     */
    private boolean pump(long nowNanos, String date) throws IOException {
        while (true) {
            if (out != null) {
                channel.write(out);
                if (out[0].hasRemaining() || out[1].hasRemaining()) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    return true;
                }
                out = null;
                if (inputEnded && (closeAfterWrite || inLength == 0)) {
                    return false;
                }
                if (closeAfterWrite) {
                    channel.shutdownOutput();
                    lingered = 0;
                    key.interestOps(SelectionKey.OP_READ);
                    deadline(nowNanos + LINGER_NANOS, Expiry.LINGER);
                    return true;
                }
                key.interestOps(SelectionKey.OP_READ);
                deadline(nowNanos + (inLength == 0 ? idleNanos : headNanos), inLength == 0 ? Expiry.IDLE : Expiry.HEAD);
            }
            int end = RequestHead.end(in, scannedTo - 3, inLength);
            if (end < 0) {
                scannedTo = inLength;
                if (inLength < RequestHead.MAX_BYTES) {
                    return !inputEnded;
                }
                queue(error(431, "the request head is larger than " + RequestHead.MAX_BYTES + " bytes"), false, false,
                        nowNanos, date);
                continue;
            }
            try {
                Request request = RequestHead.parse(in, end);
                queue(handler.apply(request), request.keepAlive(), request.http10(), nowNanos, date);
            } catch (BadRequest e) {
                queue(error(e.status(), e.getMessage()), false, false, nowNanos, date);
            }
            System.arraycopy(in, end, in, 0, inLength - end);
            inLength -= end;
            scannedTo = 0;
        }
    }

    private void queue(Response response, boolean keepAlive, boolean http10, long nowNanos, String date) {
        byte[] head = response.head(date, keepAlive, http10);
        out = new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(response.sendBody() ? response.body() : NO_BODY)};
        closeAfterWrite = !keepAlive;
        deadline(nowNanos + writeNanos, Expiry.WRITE);
    }

    private void deadline(long atNanos, Expiry why) {
        deadlineNanos = atNanos;
        expiry = why;
    }

    private static Response error(int status, String message) {
        return new Response(status, Responses.JSON, List.of(), Responses.error(message), true);
    }
}
