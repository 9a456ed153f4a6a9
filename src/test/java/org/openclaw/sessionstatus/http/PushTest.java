package org.openclaw.sessionstatus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.SourceHealth;
import org.openclaw.sessionstatus.snapshot.ActionCounters;
import org.openclaw.sessionstatus.snapshot.MetricsPage;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.OneSession;
import org.openclaw.sessionstatus.testing.Await;

/** Long-polls and event streams on a real server, fed by a real model loop whose evidence the test sets. */
class PushTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LEASE = "/plugins/busy-state/lease";
    static final Limits LIMITS = new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(500), 64,
            4, Duration.ofMillis(300));

    ModelLoop loop;
    StatusServer server;
    final HttpClient client = HttpClient.newHttpClient();
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        // No periodic revision: here a new revision is always a change the test made.
        loop = new ModelLoop(Harness.settings(30_000, 60_000), Clock.systemUTC());
        loop.health(new SourceHealth("dirs", true, 1, 0, false, 0, 1, 0, 0));
        set(false);
        server = new StatusServer(new InetSocketAddress("127.0.0.1", 0), new Handler(StatusServer.routes(new MetricsPage("test", new ActionCounters())),
                Optional.empty(), loop::current, () -> true, Duration.ofSeconds(5)), loop::current, LIMITS,
                Clock.systemUTC());
        loop.addListener(snapshot -> server.published());
        loop.start();
        assertTrue(loop.await(s -> s.ready() && !s.busy().busy(), Harness.DEADLINE).ready());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        server.close();
        loop.close();
    }

    /** One session, in a tool call now (busy) or finished an hour ago (idle). */
    void set(boolean busy) {
        loop.accept(OneSession.busy(busy));
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLongPollIsAnsweredByTheNextRevisionOrA304WhenTheWaitEnds() throws Exception {
        String etag = get(LEASE).headers().firstValue("ETag").orElseThrow();
        assertEquals(200, get(LEASE + "?wait=5", "If-None-Match", "\"other-1\"").statusCode(), "stale tag: at once");
        assertEquals(200, get(LEASE + "?wait=5").statusCode(), "no tag: at once");
        assertEquals(400, get(LEASE + "?wait=soon", "If-None-Match", etag).statusCode());

        CompletableFuture<HttpResponse<String>> held = client.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + LEASE + "?wait=30")).header("If-None-Match", etag)
                .build(), HttpResponse.BodyHandlers.ofString());
        set(true);
        HttpResponse<String> answer = held.get();
        assertEquals(200, answer.statusCode());
        assertNotEquals(etag, answer.headers().firstValue("ETag").orElseThrow());
        assertEquals("extend", JSON.readTree(answer.body()).get("lease").get("recommendedAction").asText(),
                "the answer is the revision that woke it, or a later one: " + answer.body());

        String now = answer.headers().firstValue("ETag").orElseThrow();
        long start = System.nanoTime();
        HttpResponse<String> quiet = get(LEASE + "?wait=1", "If-None-Match", now);
        assertEquals(304, quiet.statusCode(), "nothing changed while it was held");
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(900).toNanos(), "it was held for its wait");
        HttpResponse<String> capped = get(LEASE + "?wait=3600", "If-None-Match", now);
        assertEquals(304, capped.statusCode(), "held at most the server's cap (5 s here), not an hour");
    }

    Socket stream(String lastEventId) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        socket.setSoTimeout((int) Harness.DEADLINE.toMillis());
        sockets.add(socket);
        socket.getOutputStream().write(("GET " + Handler.EVENTS + " HTTP/1.1\r\nHost: x\r\n"
                + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** The next block of lines up to a blank line: the head, an event, or a comment. */
    static Map<String, String> block(BufferedReader in) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            int colon = line.indexOf(':');
            fields.merge(colon < 0 ? line : line.substring(0, colon),
                    colon < 0 ? "" : line.substring(colon + 1).strip(), (a, b) -> a + "\n" + b);
        }
        return fields;
    }

    static Map<String, String> nextEvent(BufferedReader in) throws IOException {
        Map<String, String> block;
        do {
            block = block(in);
        } while (!block.containsKey("event"));
        return block;
    }

    @Test
    void anEventStreamSendsTheCurrentStateThenEachChangeWithHeartbeatsBetween() throws Exception {
        Socket socket = stream(null);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("HTTP/1.1 200 OK", in.readLine());
        Map<String, String> head = block(in);
        assertEquals("text/event-stream", head.get("Content-Type"));

        Map<String, String> first = nextEvent(in);
        assertEquals("snapshot", first.get("event"));
        assertEquals("1000", first.get("retry"));
        JsonNode state = JSON.readTree(first.get("data"));
        assertEquals("release_after_grace", state.get("lease").get("recommendedAction").asText());
        assertEquals(EventFrames.id(loop.current()), first.get("id"));

        set(true);
        Map<String, String> change = nextEvent(in);
        assertEquals("change", change.get("event"));
        JsonNode busy = JSON.readTree(change.get("data"));
        assertEquals("change", busy.get("event").asText(), "the log stream's line for it");
        assertTrue(busy.get("busy").asBoolean());
        assertNotEquals(first.get("id"), change.get("id"));

        // Nothing changes: a comment line within the heartbeat interval keeps proxies from closing the stream.
        assertTrue(block(in).containsKey(""), "a heartbeat comment");

        // A client that reconnects having seen the current revision is not sent it again.
        Socket again = stream(EventFrames.id(loop.current()));
        BufferedReader resumed = new BufferedReader(new InputStreamReader(again.getInputStream(), StandardCharsets.UTF_8));
        block(resumed);
        assertEquals(Map.of("retry", "1000"), block(resumed));
        set(false);
        assertEquals("change", nextEvent(resumed).get("event"));
    }

    @Test
    void pastTheLimitStreamsAndHeldPollsGet503AndPlainRequestsAreStillAnswered() throws Exception {
        for (int i = 0; i < LIMITS.pushClients(); i++) {
            BufferedReader in = new BufferedReader(new InputStreamReader(stream(null).getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
        }
        HttpResponse<String> refused = get(Handler.EVENTS);
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
        String etag = get(LEASE).headers().firstValue("ETag").orElseThrow();
        assertEquals(503, get(LEASE + "?wait=5", "If-None-Match", etag).statusCode(), "a held poll counts too");
        // HEAD gets the 503's head only: the next answer on the connection starts where it should.
        Socket socket = new Socket("127.0.0.1", server.port());
        sockets.add(socket);
        socket.getOutputStream().write(("HEAD " + Handler.EVENTS + " HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        BufferedReader pipelined = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("HTTP/1.1 503 Service Unavailable", pipelined.readLine());
        block(pipelined);
        assertEquals("HTTP/1.1 200 OK", pipelined.readLine());
        assertEquals(200, get(LEASE).statusCode());
        assertEquals(200, get("/healthz").statusCode());
    }

    @Test
    void aStreamThatReadsNothingIsDroppedAndTheOthersGetEveryChange() throws Exception {
        Socket stuck = new Socket();
        stuck.setReceiveBufferSize(1024);
        stuck.connect(new InetSocketAddress("127.0.0.1", server.port()));
        sockets.add(stuck);
        stuck.getOutputStream().write(("GET " + Handler.EVENTS + " HTTP/1.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream(null).getInputStream(),
                StandardCharsets.UTF_8));
        nextEvent(reader);
        for (int i = 0; i < 300; i++) {
            boolean busy = i % 2 == 0;
            set(busy);
            Map<String, String> change = nextEvent(reader);
            assertEquals(busy, JSON.readTree(change.get("data")).get("busy").asBoolean(), "change " + i);
        }
        Await.until("the stream nobody read was dropped at its write deadline", () -> server.openConnections() == 1);
    }
}
