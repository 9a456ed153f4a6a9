package org.openclaw.sessionstatus.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.snapshot.ActionCounters;
import org.openclaw.sessionstatus.snapshot.MetricsPage;
import org.openclaw.sessionstatus.snapshot.ModelLoop;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.Await;

/**
 * Clients that misbehave, on real sockets, against a server with short limits: none of them may keep the others
 * from being answered, and each is let go of by a deadline, not by its own good will.
 */
class HttpAbuseTest {
    static final Limits LIMITS = new Limits(Duration.ofMillis(300), Duration.ofMillis(500), Duration.ofMillis(300), 16, 4,
            Duration.ofMillis(200));
    /** Far more than the socket buffers on both sides hold. */
    static final byte[] BIG = new byte[16 << 20];
    static final Duration DEADLINE = Harness.DEADLINE;

    StatusServer server;
    final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        start(LIMITS);
    }

    void start(Limits limits) throws IOException {
        if (server != null) {
            server.close();
        }
        ModelLoop neverStarted = new ModelLoop(Harness.settings(30_000), Clock.systemUTC());
        List<Route> routes = new ArrayList<>(StatusServer.routes(new MetricsPage("test", new ActionCounters())));
        routes.add(Route.of("/big", Responses.JSON, false, snapshot -> BIG));
        server = new StatusServer(new InetSocketAddress("127.0.0.1", 0),
                new Handler(routes, Optional.empty(), neverStarted::current, () -> true, Duration.ofSeconds(60)),
                neverStarted::current, limits, Clock.systemUTC());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        socket.setSoTimeout((int) DEADLINE.toMillis());
        sockets.add(socket);
        return socket;
    }

    static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one answer (head and Content-Length bytes of body, none for HEAD or 304). */
    static String answer(Socket socket, boolean head) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + bytes);
            }
            bytes.write(b);
        }
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("Content-Length: (\\d+)").matcher(text);
        if (!head && length.find()) {
            text += new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.ISO_8859_1);
        }
        return text;
    }

    /** Reads until the server closes: what it sent, however it closed. */
    static long drainUntilClosed(Socket socket) throws IOException {
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) >= 0;) {
                total += n;
            }
        } catch (SocketException reset) {
            // A close with unsent data resets the connection: closed all the same.
        }
        return total;
    }

    String healthz() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            return answer(socket, false);
        }
    }

    @Test
    void clientsThatSendHalfARequestHoldUpNobodyAndAreClosedAtTheirDeadline() throws Exception {
        // A head deadline long enough that they are all still open while the others are answered.
        start(new Limits(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(30), 16, 4,
                Duration.ofSeconds(15)));
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket socket = connect();
            send(socket, "GET /healthz HTTP/1.1\r\n");
            slow.add(socket);
        }
        Socket silent = connect();
        for (int i = 0; i < 20; i++) {
            assertTrue(healthz().startsWith("HTTP/1.1 200 OK\r\n"));
        }
        assertTrue(awaitOpen(11), "answered while the 11 were still open: " + server.openConnections());
        for (Socket socket : slow) {
            assertEquals(0, drainUntilClosed(socket), "closed without an answer once the head deadline passed");
        }
        assertEquals(0, drainUntilClosed(silent), "a client that says nothing is closed too");
    }

    @Test
    void pastTheLimitTheConnectionQuietTheLongestMakesRoom() throws Exception {
        // No deadline would close them within the test: only eviction can make room.
        start(new Limits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), 16, 4,
                Duration.ofSeconds(15)));
        Socket quietest = connect();
        for (int i = 1; i < 16; i++) {
            connect();
        }
        assertTrue(awaitOpen(16));
        assertTrue(healthz().startsWith("HTTP/1.1 200 OK\r\n"), "the newcomer is answered");
        assertTrue(awaitOpen(15), "one made room, the newcomer left: " + server.openConnections());
        assertEquals(0, drainUntilClosed(quietest), "the quietest was the one closed");
    }

    @Test
    void clientsThatAskAndDoNotReadCannotHoldMoreThanTheLimitEither() throws Exception {
        start(new Limits(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), 4, 4,
                Duration.ofSeconds(15)));
        List<Socket> hogs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket hog = connect();
            send(hog, "GET /big HTTP/1.1\r\n\r\n");
            hogs.add(hog);
        }
        // Each hog is being answered (the server wrote what the socket took) before the newcomer arrives.
        for (Socket hog : hogs) {
            assertTrue(hog.getInputStream().read() >= 0);
        }
        assertTrue(healthz().startsWith("HTTP/1.1 200 OK\r\n"), "the newcomer is answered");
        assertTrue(awaitOpen(3), "one hog made room and the newcomer left: " + server.openConnections() + " open");
    }

    boolean awaitOpen(int connections) throws InterruptedException {
        return Await.within(() -> server.openConnections() == connections);
    }

    @Test
    void aClientThatDoesNotReadItsAnswerIsLetGoAndOthersAreServedMeanwhile() throws Exception {
        Socket hog = connect();
        // Pipelined behind the big answer: not read while it is being written.
        send(hog, "GET /big HTTP/1.1\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n");
        assertTrue(healthz().startsWith("HTTP/1.1 200 OK\r\n"));
        // The hog reads nothing until the server has let go of it.
        assertTrue(awaitOpen(0), "the hog was closed at its write deadline");
        long received = drainUntilClosed(hog);
        assertTrue(received < BIG.length, "the server gave up after " + received + " bytes");
        assertTrue(healthz().startsWith("HTTP/1.1 200 OK\r\n"));
    }

    @Test
    void keptAliveConnectionsAnswerPipelinedRequestsInOrderAndHttp10Closes() throws IOException {
        Socket socket = connect();
        send(socket, "GET /healthz HTTP/1.1\r\n\r\nHEAD /readyz HTTP/1.1\r\n\r\nGET /nowhere HTTP/1.1\r\n\r\n");
        assertTrue(answer(socket, false).startsWith("HTTP/1.1 200 OK\r\n"));
        String head = answer(socket, true);
        assertTrue(head.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), head);
        assertTrue(head.contains("Content-Length: " + Responses.error("starting: the first scan is not done yet").length),
                "HEAD says how long the body would be: " + head);
        assertTrue(answer(socket, false).startsWith("HTTP/1.1 404 Not Found\r\n"));
        assertEquals(0, drainUntilClosed(socket), "an idle kept-alive connection is closed after its deadline");

        Socket old = connect();
        send(old, "GET /healthz HTTP/1.0\r\n\r\n");
        assertTrue(answer(old, false).contains("Connection: close\r\n"));
        assertEquals(0, drainUntilClosed(old));
    }

    @Test
    void badRequestsGetTheirStatusAndTheConnectionCloses() throws IOException {
        for (String request : List.of("POST /healthz HTTP/1.1\r\nContent-Length: 5\r\n\r\nGET /", "NONSENSE\r\n\r\n",
                "GET /healthz HTTP/1.1\r\nX: " + "a".repeat(RequestHead.MAX_BYTES) + "\r\n\r\n")) {
            Socket socket = connect();
            send(socket, request);
            String answer = answer(socket, false);
            assertTrue(answer.matches("(?s)HTTP/1.1 (405|400|431) .*Connection: close\r\n.*\\{\"ok\":false,.*"),
                    answer);
            assertFalse(answer.contains("200 OK"));
            drainUntilClosed(socket);
        }
    }
}
