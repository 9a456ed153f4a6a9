package org.openclaw.sessionstatus.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * The event stream's frames ({@code text/event-stream}): a revision's {@code snapshot} and {@code change} events,
 * each the log stream's line for it, with the revision's id (its ETag unquoted, so an id from before a restart never
 * matches). Made once per revision, however many streams send them; the arrays are shared, never modified.
 */
final class EventFrames {
    /** A comment line: keeps proxies from closing a quiet stream. */
    static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
    /** How soon a client's {@code EventSource} reconnects after the stream ends (ms). */
    private static final String RETRY = "retry: 1000\n";
    /** The first frame of a stream whose client already saw the current revision: the reconnect delay only. */
    static final byte[] RESUMED = (RETRY + "\n").getBytes(StandardCharsets.US_ASCII);

    private @Nullable Snapshot framed;
    private byte @Nullable [] snapshotFrame;
    private byte @Nullable [] changeFrame;

    static String id(Snapshot snapshot) {
        String etag = snapshot.etag();
        return etag.substring(1, etag.length() - 1);
    }

    /** The first frame of a stream: the reconnect delay, then the current state as a {@code snapshot} event. */
    byte[] first(Snapshot snapshot) {
        frame(snapshot);
        return Objects.requireNonNull(snapshotFrame);
    }

    /** The revision as a {@code change} event. */
    byte[] change(Snapshot snapshot) {
        frame(snapshot);
        return Objects.requireNonNull(changeFrame);
    }

    @SuppressWarnings("ReferenceEquality") // frames are made once per revision object
    private void frame(Snapshot snapshot) {
        if (framed == snapshot) {
            return;
        }
        framed = snapshot;
        String id = id(snapshot);
        snapshotFrame = frame(RETRY, id, "snapshot", snapshot.busyJson());
        changeFrame = frame("", id, "change", snapshot.busyJson("change", snapshot.generatedAt()));
    }

    private static byte[] frame(String preface, String id, String event, byte[] json) {
        byte[] head = (preface + "id: " + id + "\nevent: " + event + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(json, 0, frame, head.length, json.length);
        frame[frame.length - 2] = '\n';
        frame[frame.length - 1] = '\n';
        return frame;
    }
}
