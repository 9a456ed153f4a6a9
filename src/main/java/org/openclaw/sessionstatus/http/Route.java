package org.openclaw.sessionstatus.http;

import java.util.function.Function;
import org.openclaw.sessionstatus.model.Snapshot;

/**
 * A read-only route serving one prepared document of the current snapshot.
 *
 * @param needsReady answer 503 until the first scan is done, rather than report what is not yet known
 */
record Route(String path, String contentType, boolean needsReady, Function<Snapshot, byte[]> body) {
}
