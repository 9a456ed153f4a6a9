package org.openclaw.sessionstatus.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway that speaks the protocol as a real 2026.9.6 one does, over a real WebSocket (RFC 6455, written here on a
 * {@link ServerSocket}: the JDK has a client but no server). It sends {@code connect.challenge}, checks the token and
 * the device's Ed25519 signature over the v3 text exactly as {@code auth.md} says, answers {@code hello-ok} with the
 * requested scopes (those it {@link #grant grants}), then answers each method with the payload a test set — recorded
 * from a real gateway — and pushes the events a test gives it.
 */
public final class FakeGateway implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final ServerSocket server;
    private final String token;
    private final JsonNode hello;
    private final Map<String, JsonNode> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final Set<String> devices = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile Set<String> granted = Set.of("operator.read", "operator.write", "operator.admin");
    private volatile boolean silent;

    /** @param hello a recorded {@code hello-ok} payload; its {@code auth.scopes} are replaced by what is granted */
    public FakeGateway(String token, JsonNode hello) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.token = token;
        this.hello = hello;
        Thread accept = new Thread(this::accept, "fake-gateway");
        accept.setDaemon(true);
        accept.start();
    }

    public String url() {
        return "ws://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** What {@code method} answers from now on. */
    public void answer(String method, JsonNode payload) {
        answers.put(method, payload);
    }

    /** The next {@code n} connects are refused as a starting gateway refuses them: retryable {@code UNAVAILABLE}. */
    public void refuseConnects(int n) {
        refusals.set(n);
    }

    /** Which of the requested scopes {@code hello-ok} grants. */
    public void grant(Set<String> scopes) {
        granted = Set.copyOf(scopes);
    }

    /** Stops (or resumes) answering requests; the sockets stay open. */
    public void silent(boolean silent) {
        this.silent = silent;
    }

    /** Pushes an event frame to every authenticated client. */
    public void push(JsonNode event) {
        clients.stream().filter(client -> client.authenticated).forEach(client -> client.send(event.toString()));
    }

    /** Closes every connection abruptly, as a killed gateway's sockets close. */
    public void dropConnections() {
        clients.forEach(Client::close);
    }

    public int calls(String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    /** The device ids that authenticated. */
    public Set<String> devices() {
        return Set.copyOf(devices);
    }

    public int authenticatedClients() {
        return (int) clients.stream().filter(client -> client.authenticated && !client.socket.isClosed()).count();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Client client = new Client(server.accept());
                clients.add(client);
                Thread thread = new Thread(client::serve, "fake-gateway-client");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
    }

    private final class Client {
        final Socket socket;
        volatile boolean authenticated;
        private String nonce;

        Client(Socket socket) {
            this.socket = socket;
        }

        void serve() {
            try (socket) {
                InputStream in = socket.getInputStream();
                upgrade(in, socket.getOutputStream());
                nonce = Long.toHexString(System.nanoTime());
                ObjectNode challenge = JSON.createObjectNode().put("type", "event").put("event", "connect.challenge");
                challenge.putObject("payload").put("nonce", nonce).put("ts", System.currentTimeMillis());
                send(challenge.toString());
                DataInputStream frames = new DataInputStream(in);
                for (String text; (text = readText(frames)) != null; ) {
                    request(JSON.readTree(text));
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                clients.remove(this);
            }
        }

        private void request(JsonNode frame) throws IOException {
            String method = frame.path("method").asText();
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
            ObjectNode answer = JSON.createObjectNode().put("type", "res").put("id", frame.path("id").asText());
            if ("connect".equals(method)) {
                String refused = connect(frame.path("params"));
                if (refused != null) {
                    answer.put("ok", false).putObject("error").put("code", refused)
                            .put("message", "refused: " + refused).put("retryable", "UNAVAILABLE".equals(refused))
                            .put("retryAfterMs", 50);
                    send(answer.toString());
                    return;
                }
                ObjectNode payload = hello.deepCopy();
                ObjectNode auth = payload.putObject("auth").put("role", "operator");
                frame.path("params").path("scopes").forEach(scope -> {
                    if (granted.contains(scope.asText())) {
                        auth.withArray("scopes").add(scope.asText());
                    }
                });
                auth.withArray("scopes");
                answer.put("ok", true).set("payload", payload);
                authenticated = true;
            } else if (!authenticated) {
                close();
                return;
            } else if (silent) {
                return;
            } else if (answers.containsKey(method)) {
                answer.put("ok", true).set("payload", answers.get(method));
            } else {
                answer.put("ok", false).putObject("error").put("code", "INVALID_REQUEST").put("message", "unknown method");
            }
            send(answer.toString());
        }

        /** Null when the connect may go on; else the error code it is refused with. */
        private String connect(JsonNode params) {
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return "UNAVAILABLE";
            }
            if (!token.equals(params.path("auth").path("token").asText())) {
                return "AUTH_TOKEN_MISMATCH";
            }
            JsonNode device = params.path("device");
            try {
                byte[] raw = Base64.getUrlDecoder().decode(device.path("publicKey").asText());
                String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
                List<String> scopes = JSON.convertValue(params.path("scopes"),
                        JSON.getTypeFactory().constructCollectionType(List.class, String.class));
                String signed = String.join("|", "v3", id, params.path("client").path("id").asText(),
                        params.path("client").path("mode").asText(), params.path("role").asText(),
                        String.join(",", scopes), device.path("signedAt").asText(), token, nonce,
                        params.path("client").path("platform").asText(), "");
                byte[] spki = new byte[SPKI_PREFIX.length + raw.length];
                System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
                System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
                Signature verify = Signature.getInstance("Ed25519");
                verify.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
                verify.update(signed.getBytes(StandardCharsets.UTF_8));
                if (!id.equals(device.path("id").asText()) || !nonce.equals(device.path("nonce").asText())
                        || !verify.verify(Base64.getUrlDecoder().decode(device.path("signature").asText()))) {
                    return "DEVICE_AUTH_SIGNATURE_INVALID";
                }
                devices.add(id);
                return null;
            } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
                return "DEVICE_AUTH_PUBLIC_KEY_INVALID";
            }
        }

        synchronized void send(String text) {
            try {
                byte[] payload = text.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(0x81);
                if (payload.length < 126) {
                    out.write(payload.length);
                } else if (payload.length < 65_536) {
                    out.write(126);
                    out.write(payload.length >>> 8);
                    out.write(payload.length & 0xff);
                } else {
                    out.write(127);
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        out.write((int) ((long) payload.length >>> shift) & 0xff);
                    }
                }
                out.write(payload);
                out.flush();
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    /** The HTTP upgrade: read the request head, answer 101 with the accept key. */
    private static void upgrade(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the upgrade");
            }
            head.write(b);
        }
        String key = head.toString(StandardCharsets.ISO_8859_1).lines()
                .filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst()
                .orElseThrow(() -> new IOException("no Sec-WebSocket-Key"));
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The next text message (fragments joined; pings and pongs skipped), or null once the client closes. */
    private static String readText(DataInputStream in) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] mask = new byte[4];
            if ((second & 0x80) != 0) {
                in.readFully(mask);
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            int opcode = first & 0x0f;
            if (opcode == 8) {
                return null;
            }
            if (opcode == 0 || opcode == 1) {
                message.write(payload);
                if ((first & 0x80) != 0) {
                    return message.toString(StandardCharsets.UTF_8);
                }
            }
        }
    }
}
