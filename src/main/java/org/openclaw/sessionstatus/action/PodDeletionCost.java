package org.openclaw.sessionstatus.action;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.openclaw.sessionstatus.io.RegularFiles;

/**
 * Kubernetes pod-deletion cost: the daemon's own pod's annotation {@code controller.kubernetes.io/pod-deletion-cost}
 * patched (JSON merge patch) through the in-cluster API, with the service account's token and CA — a high cost
 * while busy, a low one while idle, so a ReplicaSet scaling in removes idle pods first. Only on busy ↔ idle changes:
 * the Kubernetes docs warn against frequent updates. An unknown lease leaves the annotation as it is.
 */
final class PodDeletionCost implements Action {
    static final String ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";
    private static final int MAX_TOKEN_BYTES = 64 * 1024;

    private final URI pod;
    private final Path tokenFile;
    private final int busyCost;
    private final int idleCost;
    private final Http http;

    /**
     * @param apiServer an https URL: the token is a credential
     * @param serviceAccount the dir with {@code token} (read on each call: projected tokens rotate) and {@code ca.crt}
     * @throws IOException when the CA cannot be read: the action cannot start
     */
    PodDeletionCost(URI apiServer, String namespace, String podName, Path serviceAccount, int busyCost, int idleCost,
            Duration timeout) throws IOException {
        this.pod = URI.create(apiServer.toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + namespace + "/pods/"
                + podName);
        this.tokenFile = serviceAccount.resolve("token");
        this.busyCost = busyCost;
        this.idleCost = idleCost;
        this.http = new Http(HttpClient.newBuilder().sslContext(trusting(serviceAccount.resolve("ca.crt"))), timeout);
    }

    @Override
    public String name() {
        return "pod_deletion_cost";
    }

    @Override
    public void apply(Intent intent) throws CallFailed {
        String cost = Integer.toString(intent.state() == Intent.State.PROTECT ? busyCost : idleCost);
        String token;
        try {
            token = new String(RegularFiles.readConfigured(tokenFile, MAX_TOKEN_BYTES), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CallFailed("cannot read the service account token " + tokenFile + ": " + e, false);
        }
        if (token.isEmpty() || !token.chars().allMatch(c -> c > ' ' && c < 127)) {
            // Never let a malformed token reach a header: its error would repeat it in the log.
            throw new CallFailed("the service account token in " + tokenFile + " is not a bearer token", false);
        }
        Http.Answer answer = http.send(HttpRequest.newBuilder(pod)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/merge-patch+json")
                .header("Accept", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(
                        "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":\"" + cost + "\"}}}")));
        JsonNode body = answer.body();
        if (answer.status() == 200 && body != null
                && cost.equals(body.path("metadata").path("annotations").path(ANNOTATION).asText(null))) {
            return;
        }
        if (body != null && "Status".equals(body.path("kind").asText())) {
            // A Status says why (no secret in it): Forbidden is a missing RBAC rule, NotFound a wrong pod name.
            throw new CallFailed("Kubernetes answered " + answer.status() + " " + body.path("reason").asText() + ": "
                    + body.path("message").asText(), false);
        }
        throw new CallFailed("unexpected answer (" + answer.status() + "): " + answer.raw(), false);
    }

    /** TLS that trusts the cluster's CA (the service account's {@code ca.crt}) and nothing else. */
    private static SSLContext trusting(Path caFile) throws IOException {
        try (InputStream pem = RegularFiles.streamConfigured(caFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the CA in " + caFile + ": " + e.getMessage(), e);
        }
    }
}
