package org.openclaw.sessionstatus.http;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed request head. The daemon never reads request bodies: a request that announces one is answered, then its
 * connection is closed, so what follows can never be mistaken for the next request.
 *
 * @param path the target's path, without query; an absolute-form target is reduced to its path
 * @param query what follows the target's {@code ?}, undecoded; empty if none
 * @param headers field names in lower case, each with its values in the order received
 * @param keepAlive whether the client may send another request on this connection after the answer
 * @param http10 whether the client spoke HTTP/1.0 (it then needs {@code Connection: keep-alive} to stay open)
 */
record Request(String method, String path, String query, Map<String, List<String>> headers, boolean keepAlive,
        boolean http10) {

    /** The first value of a query parameter ({@code wait=30}), or null; the daemon's own are plain ASCII. */
    @Nullable String param(String name) {
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return pair.substring(equals + 1);
            }
        }
        return null;
    }

    /** A HEAD request: every answer is the GET's head, without its body. */
    boolean head() {
        return method.equals("HEAD");
    }

    @Nullable String first(String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    List<String> all(String name) {
        return headers.getOrDefault(name, List.of());
    }
}
