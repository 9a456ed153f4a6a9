package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.cli.Cli;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigLoader;
import org.openclaw.sessionstatus.config.Secrets;
import org.openclaw.sessionstatus.logstream.LogStream;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.testing.Fixtures;
import org.openclaw.sessionstatus.testing.Harness;
import org.openclaw.sessionstatus.testing.PrometheusText;

/** docs/kubernetes.md: its manifests parse, agree with each other, and name paths the real daemon answers. */
class KubernetesManifestsIT {
    static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
    static final Pattern SELECTOR = Pattern.compile("([a-z_]+)\\{([a-z_]+)=\"([a-z_]+)\"}");

    @TempDir
    Path tmp;
    final HttpClient client = HttpClient.newHttpClient();

    @Test
    void theManifestsAgreeWithEachOtherAndWithRealResponses() throws Exception {
        List<JsonNode> manifests = manifests();
        JsonNode secret = one(manifests, "Secret");
        JsonNode deployment = one(manifests, "Deployment");
        JsonNode service = one(manifests, "Service");
        JsonNode auth = one(manifests, "TriggerAuthentication");
        List<JsonNode> scaledObjects = all(manifests, "ScaledObject");
        assertEquals(2, scaledObjects.size(), "one on the JSON, one on /metrics");

        JsonNode pod = deployment.at("/spec/template/spec");
        assertTrue(pod.get("shareProcessNamespace").asBoolean(), "lock pids must be visible to the sidecar");
        JsonNode sidecar = named(pod.get("containers"), "session-status");
        Map<String, String> flags = flags(sidecar.get("args"));
        List<String> args = new ArrayList<>();
        sidecar.get("args").forEach(arg -> args.add(arg.asText()));
        Cli.commandLine(Map.of(), Clock.systemUTC()).parseArgs(args.toArray(String[]::new)); // throws on an unknown flag
        int port = Integer.parseInt(flags.get("http-port"));
        JsonNode containerPort = named(sidecar.get("ports"), "session-status");
        assertEquals(port, containerPort.get("containerPort").asInt());
        JsonNode servicePort = named(service.at("/spec/ports"), "session-status");
        assertEquals(containerPort.get("name").asText(), servicePort.get("targetPort").asText());
        assertEquals(deployment.at("/spec/template/metadata/labels"), service.at("/spec/selector"));

        // The state volume is read-only in the sidecar, at the gateway's own path.
        JsonNode gateway = named(pod.get("containers"), "gateway");
        JsonNode stateMount = named(sidecar.get("volumeMounts"), "openclaw-state");
        assertTrue(stateMount.get("readOnly").asBoolean());
        assertEquals(named(gateway.get("volumeMounts"), "openclaw-state").get("mountPath"), stateMount.get("mountPath"));
        assertEquals(flags.get("state-dir"), stateMount.get("mountPath").asText());

        // The token: a Secret, mounted as the file the sidecar reads, and handed to KEDA by the TriggerAuthentication.
        String tokenKey = auth.at("/spec/secretTargetRef/0/key").asText();
        assertEquals("token", auth.at("/spec/secretTargetRef/0/parameter").asText(), "KEDA's bearer parameter");
        assertEquals(secret.at("/metadata/name"), auth.at("/spec/secretTargetRef/0/name"));
        JsonNode tokenVolume = named(pod.get("volumes"), "session-status-token");
        assertEquals(secret.at("/metadata/name"), tokenVolume.at("/secret/secretName"));
        assertEquals(named(sidecar.get("volumeMounts"), "session-status-token").get("mountPath").asText() + "/" + tokenKey,
                flags.get("http-secret-file"));
        String token = secret.at("/stringData/" + tokenKey).asText();

        Path state = Fixtures.copy("mid-tool-call", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now());
        Map<String, String> env = Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_HTTP_SECRET", token);
        Config config = new ConfigLoader(env, tmp.resolve("none.json")).load(Optional.empty(),
                Map.of("stateDir", state.toString(), "http.port", "0", "lockPidCheck", "false"));
        try (Daemon daemon = Daemon.start(config, new Secrets(env).resolve(config, false).secret(), env,
                Clock.systemUTC(), new LogStream(line -> { }, Clock.systemUTC()))) {
            daemon.model().await(Snapshot::ready, Harness.DEADLINE);
            URI base = URI.create("http://127.0.0.1:" + daemon.port());
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                assertEquals(containerPort.get("name"), sidecar.at("/" + probe + "/httpGet/port"));
                assertEquals(200, get(base.resolve(sidecar.at("/" + probe + "/httpGet/path").asText()), null).statusCode());
            }
            for (JsonNode scaledObject : scaledObjects) {
                assertEquals(deployment.at("/metadata/name"), scaledObject.at("/spec/scaleTargetRef/name"));
                JsonNode trigger = scaledObject.at("/spec/triggers/0");
                assertEquals("metrics-api", trigger.get("type").asText());
                assertEquals(auth.at("/metadata/name"), trigger.at("/authenticationRef/name"));
                JsonNode metadata = trigger.get("metadata");
                assertEquals("bearer", metadata.get("authMode").asText());
                URI url = URI.create(metadata.get("url").asText());
                // aggregateFromKubeServiceEndpoints takes the Service and namespace from the host's first two labels.
                assertEquals(service.at("/metadata/name").asText() + "." + service.at("/metadata/namespace").asText()
                        + ".svc.cluster.local", url.getHost());
                assertEquals(servicePort.get("port").asInt(), url.getPort());
                HttpResponse<String> response = get(base.resolve(url.getPath()), token);
                assertEquals(200, response.statusCode(), url.getPath());
                assertTrue(metadata.get("targetValue").asDouble() > 0);
                double value = valueAt(metadata.get("format").asText(), metadata.get("valueLocation").asText(),
                        response.body());
                assertEquals(daemon.model().current().status().running(), value, 0.0, "valueLocation reads running");
            }
        }
    }

    /** What KEDA's metrics-api scaler reads at valueLocation: a GJSON path, or a metric selector for Prometheus text. */
    private double valueAt(String format, String valueLocation, String body) throws Exception {
        if (format.equals("json")) {
            JsonNode value = new ObjectMapper().readTree(body).at("/" + valueLocation.replace('.', '/'));
            assertTrue(value.isNumber(), valueLocation + " is not a number in " + body);
            return value.asDouble();
        }
        assertEquals("prometheus", format);
        Matcher selector = SELECTOR.matcher(valueLocation);
        assertTrue(selector.matches(), valueLocation);
        return PrometheusText.parse(body, tmp)
                .get(selector.group(1) + "{" + selector.group(2) + "=" + selector.group(3) + "}");
    }

    private HttpResponse<String> get(URI uri, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<JsonNode> manifests() throws Exception {
        List<JsonNode> manifests = new ArrayList<>();
        Matcher block = YAML_BLOCK.matcher(Files.readString(Path.of("docs", "kubernetes.md")));
        YAMLMapper yaml = new YAMLMapper();
        while (block.find()) {
            for (JsonNode manifest : yaml.readerFor(JsonNode.class).readValues(block.group(1)).readAll()
                    .stream().map(JsonNode.class::cast).toList()) {
                assertFalse(manifest.at("/apiVersion").isMissingNode() || manifest.at("/metadata/name").isMissingNode(),
                        "a manifest has apiVersion and metadata.name: " + manifest);
                manifests.add(manifest);
            }
        }
        return manifests;
    }

    static List<JsonNode> all(List<JsonNode> manifests, String kind) {
        return manifests.stream().filter(m -> m.at("/kind").asText().equals(kind)).toList();
    }

    static JsonNode one(List<JsonNode> manifests, String kind) {
        List<JsonNode> found = all(manifests, kind);
        assertEquals(1, found.size(), kind);
        return found.get(0);
    }

    static JsonNode named(JsonNode list, String name) {
        for (JsonNode item : list) {
            if (item.path("name").asText().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("nothing named " + name + " in " + list);
    }

    /** {@code --key=value} arguments, by key. */
    static Map<String, String> flags(JsonNode args) {
        Map<String, String> flags = new HashMap<>();
        for (JsonNode arg : args) {
            String text = arg.asText();
            if (text.startsWith("--") && text.contains("=")) {
                flags.put(text.substring(2, text.indexOf('=')), text.substring(text.indexOf('=') + 1));
            }
        }
        return flags;
    }
}
