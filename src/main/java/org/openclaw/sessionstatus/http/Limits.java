package org.openclaw.sessionstatus.http;

import java.time.Duration;

/**
 * What a client may hold. Generous for any real client (which sends its request head at once and reads its answer
 * at once), tight enough that slow or silent ones cannot pile up.
 *
 * @param head from a connection's accept, or a request's first byte, to the end of its head
 * @param idle between requests on a kept-alive connection
 * @param write from an answer queued to its last byte taken by the socket
 * @param connections open at once; past it, the connection quiet the longest is closed to admit the next
 */
record Limits(Duration head, Duration idle, Duration write, int connections) {
    static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10), 1024);
}
