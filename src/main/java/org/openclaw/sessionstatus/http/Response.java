package org.openclaw.sessionstatus.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An answer: status, fields beyond the ones every answer gets, and a prepared body (shared, never modified).
 *
 * @param fields extra header fields, in order (name, value)
 * @param sendBody false for HEAD and 304: the head still says what a GET would carry
 */
@SuppressWarnings("ArrayRecordComponent") // a prepared body, shared and never modified
record Response(int status, @Nullable String contentType, List<Map.Entry<String, String>> fields, byte[] body, boolean sendBody)
        implements Answer {
    private static final byte[] NONE = new byte[0];
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "OK"), Map.entry(304, "Not Modified"), Map.entry(400, "Bad Request"),
            Map.entry(401, "Unauthorized"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"),
Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(503, "Service Unavailable"), Map.entry(505, "HTTP Version Not Supported"));

    /**
     * The head of an event stream: no length, so the stream ends with the connection ({@code Connection: close});
     * {@code X-Accel-Buffering: no} keeps nginx from holding events back.
     */
    static byte[] eventStreamHead(String date) {
        return ("HTTP/1.1 200 OK\r\nDate: " + date + "\r\nContent-Type: text/event-stream\r\nCache-Control: no-store"
                + "\r\nX-Accel-Buffering: no\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A JSON answer with no extra field; the body is left out for HEAD. */
    static Response json(int status, byte[] body, Request request) {
        return new Response(status, Responses.JSON, List.of(), body, !request.head());
    }

    static Response notModified(List<Map.Entry<String, String>> fields) {
        return new Response(304, null, fields, NONE, false);
    }

    /**
     * The head as bytes: status line, {@code Date}, the content fields, {@code Cache-Control: no-store}, the extra
     * fields, and what becomes of the connection.
     *
     * @param keepAlive false adds {@code Connection: close}; for an HTTP/1.0 client, true adds {@code keep-alive}
     */
    byte[] head(String date, boolean keepAlive, boolean http10) {
        StringBuilder head = new StringBuilder(256)
                .append("HTTP/1.1 ").append(status).append(' ').append(REASONS.getOrDefault(status, "Unknown"))
                .append("\r\nDate: ").append(date);
        if (status != 304) {
            head.append("\r\nContent-Type: ").append(contentType)
                    .append("\r\nContent-Length: ").append(body.length);
        }
        head.append("\r\nCache-Control: no-store");
        for (Map.Entry<String, String> field : fields) {
            head.append("\r\n").append(field.getKey()).append(": ").append(field.getValue());
        }
        if (!keepAlive) {
            head.append("\r\nConnection: close");
        } else if (http10) {
            head.append("\r\nConnection: keep-alive");
        }
        return head.append("\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
