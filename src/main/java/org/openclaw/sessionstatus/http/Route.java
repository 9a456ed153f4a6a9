package org.openclaw.sessionstatus.http;

import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * A read-only route serving one prepared document of the current snapshot.
 *
 * @param needsReady answer 503 until the first scan is done, rather than report what is not yet known
 * @param status the answer's status: anything but 200 makes the body a JSON error
 */
record Route(String path, String contentType, boolean needsReady, ToIntFunction<Snapshot> status,
        Function<Snapshot, byte[]> body) {

    /** A route that always has an answer once it is ready. */
    static Route of(String path, String contentType, boolean needsReady, Function<Snapshot, byte[]> body) {
        return new Route(path, contentType, needsReady, snapshot -> 200, body);
    }
}
