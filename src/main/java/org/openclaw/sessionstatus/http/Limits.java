package org.openclaw.sessionstatus.http;

import java.time.Duration;

/**
 * What a client may hold. Generous for any real client (which sends its request head at once and reads its answer
 * at once), tight enough that slow or silent ones cannot pile up.
 *
 * @param head from a connection's accept, or a request's first byte, to the end of its head
 * @param idle between requests on a kept-alive connection
 * @param write from an answer (or an event) queued to its last byte taken by the socket
 * @param connections open at once; past it, the connection quiet the longest is closed to admit the next
 * @param pushClients event streams and held long-polls open at once; past it, 503 with {@code Retry-After}
 * @param heartbeat how long an event stream may stay silent before it gets a comment line, so proxies keep it
 */
record Limits(Duration head, Duration idle, Duration write, int connections, int pushClients, Duration heartbeat) {
    static final int CONNECTIONS = 1024;

    /** The defaults, with the configured number of push clients. */
    static Limits withPushClients(int pushClients) {
        return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(10), CONNECTIONS,
                pushClients, Duration.ofSeconds(15));
    }
}
