package org.openclaw.sessionstatus.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses a request head (request line and header fields, RFC 9112) from raw bytes: strict where leniency could be
 * abused (folded lines, spaces before a colon, conflicting lengths, bare CRs and other controls), lenient where
 * clients differ harmlessly (bare LF line ends). Bytes are read as ISO-8859-1, as the RFC says of field values.
 */
final class RequestHead {
    /** Request line and fields together; a longer head is answered 431. */
    static final int MAX_BYTES = 8 * 1024;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern LINE_END = Pattern.compile("\r?\n");
    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,18}");

    private RequestHead() {
    }

    /**
     * Where the head ends: the index just past its blank line in {@code bytes[0, length)}, or -1 if it has not
     * ended yet. {@code from} lets a caller resume the search where the last one stopped.
     */
    static int end(byte[] bytes, int from, int length) {
        for (int i = Math.max(0, from); i < length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (i >= 1 && bytes[i - 1] == '\n') {
                return i + 1;
            }
            if (i >= 2 && bytes[i - 1] == '\r' && bytes[i - 2] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** @param head the bytes up to and including the blank line that ends the head */
    static Request parse(byte[] head, int length) throws BadRequest {
        String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(List.of(LINE_END.split(text, -1)));
        // A bare CR, or any control but tab, is where parsers disagree (a proxy may end a line there): refuse it.
        for (String line : lines) {
            if (line.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                throw new BadRequest(400, "control character in the request head");
            }
        }
        // Clients may send empty lines before a request (RFC 9112 §2.2): skip them.
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        if (lines.isEmpty()) {
            throw new BadRequest(400, "empty request");
        }
        String[] requestLine = lines.get(0).split(" ", -1);
        if (requestLine.length != 3 || !TOKEN.matcher(requestLine[0]).matches() || requestLine[1].isEmpty()) {
            throw new BadRequest(400, "malformed request line");
        }
        String version = requestLine[2];
        boolean http10 = version.equals("HTTP/1.0");
        if (!http10 && !version.equals("HTTP/1.1")) {
            throw new BadRequest(version.startsWith("HTTP/") ? 505 : 400, "only HTTP/1.0 and HTTP/1.1 are served");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(line.substring(0, colon)).matches()) {
                throw new BadRequest(400, "malformed header field");
            }
            headers.computeIfAbsent(line.substring(0, colon).toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).strip());
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        String connection = String.join(",", headers.getOrDefault("connection", List.of())).toLowerCase(Locale.ROOT);
        boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
        // A body is never read: one that is announced ends the connection after the answer.
        if (headers.containsKey("transfer-encoding") || announcesBody(headers.get("content-length"))) {
            keepAlive = false;
        }
        String target = withoutAuthority(requestLine[1]);
        int query = target.indexOf('?');
        return new Request(requestLine[0], query < 0 ? target : target.substring(0, query),
                query < 0 ? "" : target.substring(query + 1), Map.copyOf(headers), keepAlive, http10);
    }

    private static boolean announcesBody(@Nullable List<String> contentLength) throws BadRequest {
        if (contentLength == null) {
            return false;
        }
        String first = contentLength.get(0);
        for (String value : contentLength) {
            if (!value.equals(first) || !LENGTH.matcher(value).matches()) {
                throw new BadRequest(400, "invalid Content-Length");
            }
        }
        return Long.parseLong(first) > 0;
    }

    /** An absolute-form target ({@code http://host/path?q}) reduced to origin form ({@code /path?q}). */
    private static String withoutAuthority(String target) {
        int scheme = target.indexOf("://");
        if (scheme <= 0 || target.startsWith("/")) {
            return target;
        }
        int slash = target.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : target.substring(slash);
    }
}
