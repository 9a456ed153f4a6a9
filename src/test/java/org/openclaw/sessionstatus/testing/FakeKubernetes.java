package org.openclaw.sessionstatus.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A Kubernetes API server on loopback, over TLS with its own CA, serving one pod: a JSON merge patch of its
 * annotations ({@code PATCH /api/v1/namespaces/<ns>/pods/<name>}, {@code application/merge-patch+json}) with the
 * service account's bearer token; a {@code Status} with 401, 403 or 404 otherwise, as the API server answers. It also
 * writes the service account dir a pod would have: {@code token}, {@code ca.crt}, {@code namespace}.
 */
public final class FakeKubernetes implements AutoCloseable {
    public static final String NAMESPACE = "openclaw";
    public static final String POD = "openclaw-gateway-7d9f8-x2k4q";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.test-service-account-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One patch it received. */
    public record Patch(String contentType, String body) {
    }

    private final HttpsServer server;
    private final Path serviceAccount;
    private final List<Patch> patches = new CopyOnWriteArrayList<>();
    private final ObjectNode annotations = JSON.createObjectNode();
    private volatile boolean forbidden;

    /** @param dir where the key store and the service account dir are made */
    public FakeKubernetes(Path dir) throws Exception {
        Path keyStore = dir.resolve("api-server.p12");
        keytool("-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "2", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit");
        // As the kubelet mounts it: the files in a timestamped dir, "..data" a link to it, each name a link into it.
        serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
        Path data = Files.createDirectories(serviceAccount.resolve("..2026_11_22_04_00_00.123456789"));
        keytool("-exportcert", "-rfc", "-alias", "api", "-keystore", keyStore.toString(), "-storepass", "changeit",
                "-file", data.resolve("ca.crt").toString());
        Files.writeString(data.resolve("token"), TOKEN + "\n");
        Files.writeString(data.resolve("namespace"), NAMESPACE);
        Files.createSymbolicLink(serviceAccount.resolve("..data"), data.getFileName());
        for (String name : List.of("ca.crt", "token", "namespace")) {
            Files.createSymbolicLink(serviceAccount.resolve(name), Path.of("..data", name));
        }

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", this::handle);
        server.start();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    /** What a pod's {@code https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT} would be. */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Path serviceAccount() {
        return serviceAccount;
    }

    public List<Patch> patches() {
        return List.copyOf(patches);
    }

    /** The pod's deletion cost as it stands, or null. */
    public synchronized String deletionCost() {
        return annotations.path("controller.kubernetes.io/pod-deletion-cost").asText(null);
    }

    /** From now on, answer as if the role lacked {@code patch} on pods. */
    public void forbid() {
        forbidden = true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status(exchange, 401, "Unauthorized", "Unauthorized");
                return;
            }
            if (!path.equals("/api/v1/namespaces/" + NAMESPACE + "/pods/" + POD)) {
                status(exchange, 404, "NotFound", "pods \"" + path.substring(path.lastIndexOf('/') + 1) + "\" not found");
                return;
            }
            if (forbidden) {
                status(exchange, 403, "Forbidden", "pods \"" + POD + "\" is forbidden: User "
                        + "\"system:serviceaccount:openclaw:default\" cannot patch resource \"pods\" in API group \"\" "
                        + "in the namespace \"openclaw\"");
                return;
            }
            if (!exchange.getRequestMethod().equals("PATCH")
                    || !"application/merge-patch+json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                status(exchange, 415, "UnsupportedMediaType", "the body of the request was in an unknown format");
                return;
            }
            patches.add(new Patch(exchange.getRequestHeaders().getFirst("Content-Type"), body));
            ObjectNode pod = JSON.createObjectNode();
            synchronized (this) {
                annotations.setAll((ObjectNode) JSON.readTree(body).path("metadata").path("annotations"));
                pod.put("kind", "Pod").put("apiVersion", "v1").putObject("metadata").put("name", POD)
                        .put("namespace", NAMESPACE).set("annotations", annotations.deepCopy());
            }
            Exchanges.sendJson(exchange, 200, JSON.writeValueAsString(pod));
        }
    }

    private static void status(HttpExchange exchange, int code, String reason, String message) throws IOException {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
        status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        Exchanges.sendJson(exchange, code, JSON.writeValueAsString(status));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
