package org.openclaw.sessionstatus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestHeadTest {

    static Request parse(String head) throws BadRequest {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        int end = RequestHead.end(bytes, 0, bytes.length);
        assertEquals(bytes.length, end, "the head ends with its blank line");
        return RequestHead.parse(bytes, end);
    }

    @Test
    void aHeadEndsAtItsBlankLineWhateverTheLineEnds() {
        byte[] partial = "GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(-1, RequestHead.end(partial, 0, partial.length));
        byte[] two = "GET /a HTTP/1.1\n\nGET /b HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(17, RequestHead.end(two, 0, two.length));
    }

    @Test
    void fieldsAreCaseInsensitiveAndKeepEveryValue() throws BadRequest {
        Request request = parse("GET http://host:1/plugins/x?a=1 HTTP/1.1\r\nIf-None-Match: \"a\"\r\n"
                + "if-none-match:\"b\"  \r\nAuthorization: Bearer t\r\n\r\n");
        assertEquals("/plugins/x", request.path());
        assertEquals(List.of("\"a\"", "\"b\""), request.all("if-none-match"));
        assertEquals("Bearer t", request.first("authorization"));
        assertTrue(request.keepAlive());
    }

    @Test
    void http10ClosesUnlessAskedAndAnnouncedBodiesClose() throws BadRequest {
        assertFalse(parse("GET / HTTP/1.0\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive());
        assertFalse(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive());
        assertFalse(parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n").keepAlive());
        assertFalse(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").keepAlive());
        assertTrue(parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").keepAlive());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "BLAH                                          | 400",
        "GET  / HTTP/1.1                               | 400",
        "GET / HTTP/2.0                                | 505",
        "PRI * HTTP/2.0                                | 505",
        "GET / SPDY/3                                  | 400",
        "GET / HTTP/1.1\\r\\n Folded: x                  | 400",
        "GET / HTTP/1.1\\r\\nBad Name: x                 | 400",
        "GET / HTTP/1.1\\r\\nNoColon                     | 400",
        "GET / HTTP/1.1\\r\\nContent-Length: -1          | 400",
        "GET / HTTP/1.1\\r\\nContent-Length: 1\\r\\nContent-Length: 2 | 400",
        "GET / HTTP/1.1\\r\\nContent-Length: 99999999999999999999 | 400",
        "GET / HTTP/1.1\\r\\nX: a\\rTransfer-Encoding: chunked | 400",
        "GET /\\u0000 HTTP/1.1                        | 400",
    })
    void malformedHeadsAreRefusedWithTheirStatus(String head, int status) {
        String unescaped = head.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\0");
        assertEquals(status, assertThrows(BadRequest.class, () -> parse(unescaped + "\r\n\r\n")).status());
    }
}
