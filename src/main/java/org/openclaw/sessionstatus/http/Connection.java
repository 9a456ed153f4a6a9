package org.openclaw.sessionstatus.http;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * One client connection on the server's selector, never blocking: it reads what has arrived, answers each complete
 * request head in order (pipelining included), and writes what the socket takes. While an answer is being written
 * it reads nothing more, so a client that sends without reading gets no further than the socket's buffers. Every
 * state has a deadline ({@link Limits}); the server acts when it passes ({@link #deadlinePassed}).
 *
 * <p>A connection may also be held (a long-poll waiting for the next revision) or turned into an event stream; the
 * server tells it of each new revision ({@link #revision}). A stream whose client reads slower than changes come
 * skips to the newest change; one that reads nothing is closed at the write deadline.
 *
 * <p>After its last answer, a connection whose client may still be sending (a body the server does not read, a head
 * it refused) shuts its output and reads on, discarding, until the client closes or a short linger ends: closing
 * with unread input would reset the connection, and the client could lose the answer it was sent.
 */
final class Connection {
    /** How long, and how much, a closing connection reads on so its answer is not reset away. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int LINGER_BYTES = 64 * 1024;
    private static final int EVENT_SEND_BUFFER = 32 * 1024;

    /** Which deadline passed. The first four close the connection; the others are its own timers. */
    enum Expiry {
        HEAD, IDLE, WRITE, LINGER, HOLD, HEARTBEAT
    }

    private enum Mode {
        REQUESTS, HELD, EVENTS, LINGER
    }

    /** What the connection needs of its server. */
    interface Host {
        Answer handle(Request request, boolean mayHold);

        /** Whether this connection may become an event stream or a held request now. */
        boolean admitPush(Connection connection);

        Snapshot current();

        EventFrames frames();
    }

    private final SocketChannel channel;
    private final SelectionKey key;
    private final Host host;
    private final Limits limits;
    private Mode mode = Mode.REQUESTS;
    private byte[] in = new byte[512];
    private int inLength;
    private int scannedTo;
    private ByteBuffer @Nullable [] out;
    private boolean closeAfterWrite;
    private boolean inputEnded;
    private int lingered;
    private long deadlineNanos;
    private @Nullable Expiry expiry;
    /** While held: the request to answer on the next revision. */
    private Answer.@Nullable Hold held;
    /** While streaming: what the client was last sent, or is being sent. */
    private @Nullable BusyView written;
    /** While streaming: the newest change not yet written, and its state (the client's once it is). */
    private byte @Nullable [] nextFrame;
    private @Nullable BusyView lastSent;

    Connection(SocketChannel channel, SelectionKey key, Host host, Limits limits, long nowNanos) {
        this.channel = channel;
        this.key = key;
        this.host = host;
        this.limits = limits;
        deadline(nowNanos + limits.head().toNanos(), Expiry.HEAD);
    }

    /** Reads what has arrived and answers what is complete. @return false when the connection is done */
    boolean readable(long nowNanos, String date) throws IOException {
        if (mode == Mode.LINGER || mode == Mode.EVENTS) {
            return discard();
        }
        if (inLength == in.length) {
            if (in.length == RequestHead.MAX_BYTES) {
                // Held, with a full buffer of pipelined bytes: read no more until the held request is answered.
                key.interestOps(0);
                return true;
            }
            in = Arrays.copyOf(in, Math.min(in.length * 2, RequestHead.MAX_BYTES));
        }
        int read = channel.read(ByteBuffer.wrap(in, inLength, in.length - inLength));
        if (read < 0) {
            // The client sent all it will: answer what is complete, then close; a held one is gone.
            inputEnded = true;
            if (mode == Mode.HELD) {
                return false;
            }
        } else if (read > 0 && inLength == 0 && expiry == Expiry.IDLE) {
            // A new request on a kept-alive connection; a new connection's deadline already counts from its accept.
            deadline(nowNanos + limits.head().toNanos(), Expiry.HEAD);
        }
        inLength += Math.max(0, read);
        return pump(nowNanos, date);
    }

    /** Writes what the socket takes, then answers what is complete. @return false when the connection is done */
    boolean writable(long nowNanos, String date) throws IOException {
        return pump(nowNanos, date);
    }

    /** A new revision was published. @return false when the connection is done */
    boolean revision(Snapshot snapshot, long nowNanos, String date) throws IOException {
        if (mode == Mode.HELD && held != null) {
            Answer answer = host.handle(held.request(), true);
            if (answer instanceof Response response) {
                answerHeld(response, nowNanos, date);
                return pump(nowNanos, date);
            }
        } else if (mode == Mode.EVENTS && snapshot.busy().changedFrom(lastSent)) {
            lastSent = snapshot.busy();
            if (out == null) {
                written = lastSent;
                send(host.frames().change(snapshot), nowNanos);
                return pump(nowNanos, date);
            }
            // Behind: skip to the newest change, or to none if it is back to what is being written.
            nextFrame = lastSent.changedFrom(written) ? host.frames().change(snapshot) : null;
        }
        return true;
    }

    /** @return which deadline passed, or null while none has */
    @Nullable Expiry due(long nowNanos) {
        return nowNanos - deadlineNanos >= 0 ? expiry : null;
    }

    /**
     * Acts on the deadline that passed: a held request is answered with what is current, a quiet stream gets a
     * heartbeat; anything else is over. @return false when the connection is done
     */
    boolean deadlinePassed(long nowNanos, String date) throws IOException {
        if (expiry == Expiry.HOLD && held != null) {
            answerHeld((Response) host.handle(held.request(), false), nowNanos, date);
        } else if (expiry == Expiry.HEARTBEAT) {
            send(EventFrames.HEARTBEAT, nowNanos);
        } else {
            return false;
        }
        return pump(nowNanos, date);
    }

    /** Whether an answer is being written: such a connection is busy, not quiet. */
    boolean writing() {
        return out != null;
    }

    /** Whether it is an event stream or a held request: it counts against {@link Limits#pushClients()}. */
    boolean pushing() {
        return mode == Mode.HELD || mode == Mode.EVENTS;
    }

    void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is all that is left to do with it.
        }
    }

    /** Reads and drops what the client still sends. @return false once it is done or has sent too much */
    private boolean discard() throws IOException {
        int read = channel.read(ByteBuffer.wrap(in));
        if (mode == Mode.EVENTS) {
            return read >= 0;
        }
        lingered += Math.max(0, read);
        return read >= 0 && lingered < LINGER_BYTES;
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
                if (remaining(out)) {
                    key.interestOps(SelectionKey.OP_WRITE);
                    return true;
                }
                out = null;
                if (mode == Mode.EVENTS) {
                    if (closeAfterWrite) {
                        return false;
                    }
                    if (nextFrame != null) {
                        written = lastSent;
                        send(nextFrame, nowNanos);
                        nextFrame = null;
                        continue;
                    }
                    key.interestOps(SelectionKey.OP_READ);
                    deadline(nowNanos + limits.heartbeat().toNanos(), Expiry.HEARTBEAT);
                    return true;
                }
                if (inputEnded && (closeAfterWrite || inLength == 0)) {
                    return false;
                }
                if (closeAfterWrite) {
                    channel.shutdownOutput();
                    mode = Mode.LINGER;
                    key.interestOps(SelectionKey.OP_READ);
                    deadline(nowNanos + LINGER_NANOS, Expiry.LINGER);
                    return true;
                }
                key.interestOps(SelectionKey.OP_READ);
                boolean idle = inLength == 0;
                deadline(nowNanos + (idle ? limits.idle() : limits.head()).toNanos(), idle ? Expiry.IDLE : Expiry.HEAD);
            }
            if (mode != Mode.REQUESTS) {
                return true;
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
            Request request = null;
            try {
                request = RequestHead.parse(in, end);
            } catch (BadRequest e) {
                queue(error(e.status(), String.valueOf(e.getMessage())), false, false, nowNanos, date);
            }
            System.arraycopy(in, end, in, 0, inLength - end);
            inLength -= end;
            scannedTo = 0;
            if (request != null) {
                start(request, host.handle(request, true), nowNanos, date);
            }
        }
    }

    /** Starts on what the handler decided: queue the answer, hold the request, or open the stream. */
    private void start(Request request, Answer answer, long nowNanos, String date) throws IOException {
        if (answer instanceof Response response) {
            queue(response, request.keepAlive(), request.http10(), nowNanos, date);
        } else if (!host.admitPush(this)) {
            queue(new Response(503, Responses.JSON, List.of(Map.entry("Retry-After", "1")), Responses.PUSH_FULL,
                    !request.head()), request.keepAlive(), request.http10(), nowNanos, date);
        } else if (answer instanceof Answer.Hold hold) {
            mode = Mode.HELD;
            held = hold;
            key.interestOps(SelectionKey.OP_READ);
            deadline(nowNanos + hold.waitNanos(), Expiry.HOLD);
        } else {
            startEvents((Answer.Events) answer, nowNanos, date);
        }
    }

    /**
     * The stream's head, then the current state unless the client saw this very revision last. It is closed
     * by the client or the server: its length is not known, so the connection ends it.
     */
    private void startEvents(Answer.Events events, long nowNanos, String date) throws IOException {
        // Events are small and frequent at most: a small send buffer bounds what a stalled reader pins in the kernel
        // (autotuning would grow it to megabytes), and lets the write deadline find a reader that stopped.
        channel.setOption(StandardSocketOptions.SO_SNDBUF, EVENT_SEND_BUFFER);
        Snapshot current = host.current();
        mode = Mode.EVENTS;
        lastSent = current.busy();
        written = lastSent;
        byte[] head = Response.eventStreamHead(date);
        if (events.request().head()) {
            out = new ByteBuffer[] {ByteBuffer.wrap(head)};
            closeAfterWrite = true;
        } else {
            byte[] first = EventFrames.id(current).equals(events.lastEventId()) ? EventFrames.RESUMED : host.frames().first(current);
            out = new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(first)};
        }
        deadline(nowNanos + limits.write().toNanos(), Expiry.WRITE);
    }

    private void answerHeld(Response response, long nowNanos, String date) {
        Request request = Objects.requireNonNull(held).request();
        held = null;
        mode = Mode.REQUESTS;
        queue(response, request.keepAlive(), request.http10(), nowNanos, date);
    }

    private void send(byte[] frame, long nowNanos) {
        out = new ByteBuffer[] {ByteBuffer.wrap(frame)};
        deadline(nowNanos + limits.write().toNanos(), Expiry.WRITE);
    }

    private void queue(Response response, boolean keepAlive, boolean http10, long nowNanos, String date) {
        byte[] head = response.head(date, keepAlive, http10);
        out = response.sendBody() && response.body().length > 0
                ? new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(response.body())}
                : new ByteBuffer[] {ByteBuffer.wrap(head)};
        closeAfterWrite = !keepAlive;
        deadline(nowNanos + limits.write().toNanos(), Expiry.WRITE);
    }

    private static boolean remaining(ByteBuffer[] buffers) {
        return buffers[buffers.length - 1].hasRemaining();
    }

    private void deadline(long atNanos, Expiry why) {
        deadlineNanos = atNanos;
        expiry = why;
    }

    /** An answer to a head that could not be read as a request: never HEAD's, so always with its body. */
    private static Response error(int status, String message) {
        return new Response(status, Responses.JSON, List.of(), Responses.error(message), true);
    }
}
