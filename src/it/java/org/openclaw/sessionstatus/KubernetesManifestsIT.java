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
import org.openclaw.sessionstatus.testing.FakeKubernetes;
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
        assertEquals(2, scaledObjects.size(), "one on running sessions, one to zero and back");

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

        // The pod-deletion cost: the pod's service account may patch pods, and the sidecar knows its pod.
        JsonNode account = one(manifests, "ServiceAccount");
        JsonNode role = one(manifests, "Role");
        JsonNode binding = one(manifests, "RoleBinding");
        assertEquals(account.at("/metadata/name"), pod.get("serviceAccountName"));
        assertEquals("true", flags.get("actions-pod-deletion-cost-enabled"));
        boolean mayPatchPods = false;
        for (JsonNode rule : role.get("rules")) {
            mayPatchPods |= rule.get("apiGroups").toString().equals("[\"\"]") && rule.get("resources").toString().contains("\"pods\"")
                    && rule.get("verbs").toString().contains("\"patch\"");
        }
        assertTrue(mayPatchPods, role.toString());
        assertEquals(role.at("/metadata/name"), binding.at("/roleRef/name"));
        assertEquals("Role", binding.at("/roleRef/kind").asText());
        assertEquals(account.at("/metadata/name"), binding.at("/subjects/0/name"));
        assertEquals(account.at("/metadata/namespace"), binding.at("/subjects/0/namespace"));
        assertEquals(deployment.at("/metadata/namespace"), role.at("/metadata/namespace"));
        assertEquals("metadata.name", named(sidecar.get("env"), "POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText());
        assertEquals("metadata.namespace",
                named(sidecar.get("env"), "POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText());

        Path state = Fixtures.copy("mid-tool-call", tmp.resolve("state"));
        Fixtures.touchAll(state, Instant.now());
        // The environment the pod gives the sidecar: the downward API's pod, the API server, the service account.
        FakeKubernetes api = new FakeKubernetes(tmp);
        Map<String, String> env = Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_HTTP_SECRET", token,
                "POD_NAME", FakeKubernetes.POD, "POD_NAMESPACE", FakeKubernetes.NAMESPACE,
                "KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", Integer.toString(api.port()));
        Config config = new ConfigLoader(env, tmp.resolve("none.json")).load(Optional.empty(),
                Map.of("stateDir", state.toString(), "http.port", "0", "lockPidCheck", "false",
                        "actions.podDeletionCost.enabled", flags.get("actions-pod-deletion-cost-enabled"),
                        "actions.podDeletionCost.serviceAccountDir", api.serviceAccount().toString()));
        try (api; Daemon daemon = Daemon.start(config, new Secrets(env).resolve(config, false).secret(), env,
                Clock.systemUTC(), new LogStream(line -> { }, Clock.systemUTC()))) {
            daemon.model().await(Snapshot::ready, Harness.DEADLINE);
            long deadline = System.nanoTime() + Harness.DEADLINE.toNanos();
            while (!"1000".equals(api.deletionCost()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("1000", api.deletionCost(), "a run is in flight: the pod is marked expensive to delete");
            URI base = URI.create("http://127.0.0.1:" + daemon.port());
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                assertEquals(containerPort.get("name"), sidecar.at("/" + probe + "/httpGet/port"));
                assertEquals(200, get(base.resolve(sidecar.at("/" + probe + "/httpGet/path").asText()), null).statusCode());
            }
            Snapshot current = daemon.model().current();
            for (JsonNode scaledObject : scaledObjects) {
                assertEquals(deployment.at("/metadata/name"), scaledObject.at("/spec/scaleTargetRef/name"));
                List<JsonNode> fromDaemon = new ArrayList<>();
                scaledObject.at("/spec/triggers").forEach(t -> {
                    if (t.get("type").asText().equals("metrics-api")) {
                        fromDaemon.add(t);
                    }
                });
                assertEquals(1, fromDaemon.size(), "one trigger on the daemon");
                JsonNode trigger = fromDaemon.get(0);
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
                String location = metadata.get("valueLocation").asText();
                double value = valueAt(metadata.get("format").asText(), location, response.body());
                boolean busyGauge = location.equals("openclaw_session_status_busy");
                assertEquals(busyGauge ? (current.busy().busy() ? 1 : 0) : current.status().running(), value, 0.0,
                        location);
                if (scaledObject.at("/spec/minReplicaCount").asInt() == 0) {
                    // To zero: active while busy, woken by a trigger that does not live in the pod, and no fallback
                    // (at zero the daemon's trigger always fails).
                    assertTrue(busyGauge, "scale to zero on the busy gauge");
                    assertEquals("0", metadata.get("activationTargetValue").asText());
                    assertEquals(2, scaledObject.at("/spec/triggers").size(), "a wake-up trigger beside it");
                    assertTrue(scaledObject.at("/spec/fallback").isMissingNode());
                } else {
                    assertEquals("currentReplicasIfHigher", scaledObject.at("/spec/fallback/behavior").asText());
                    assertTrue(scaledObject.at("/spec/fallback/failureThreshold").asInt() > 0);
                }
            }

            // The drain: the sidecar's preStop runs `wait idle` against its own port, then creates the file the
            // gateway's preStop waits for. Run as written (its port and token file made this test's), on a busy state.
            List<String> hook = new ArrayList<>();
            sidecar.at("/lifecycle/preStop/exec/command").forEach(part -> hook.add(part.asText()));
            assertEquals(List.of("/bin/sh", "-c"), hook.subList(0, 2));
            String[] steps = hook.get(2).split(";");
            String signal = steps[1].strip();
            assertTrue(signal.startsWith("touch /var/run/drain/"), signal);
            assertTrue(gateway.at("/lifecycle/preStop/exec/command/2").asText().contains(signal.substring(6)),
                    "the gateway's hook waits for the file the sidecar's creates");
            assertEquals(named(sidecar.get("volumeMounts"), "drain").get("mountPath"),
                    named(gateway.get("volumeMounts"), "drain").get("mountPath"));
            List<String> wait = new ArrayList<>(List.of(steps[0].strip().split("\\s+")));
            assertTrue(wait.remove(0).endsWith("/bin/openclaw-session-status"));
            Map<String, String> waitFlags = flags(new ObjectMapper().valueToTree(wait));
            long timeoutSeconds = Long.parseLong(wait.get(wait.indexOf("--timeout") + 1).replace("s", ""));
            assertTrue(timeoutSeconds < pod.get("terminationGracePeriodSeconds").asLong(),
                    "the gateway still has time to stop after the wait gives up");
            assertEquals(flags.get("http-secret-file"), waitFlags.get("http-secret-file"));
            Path tokenFile = Files.writeString(tmp.resolve("token"), token);
            wait.set(wait.indexOf("--url") + 1, base.toString());
            wait.set(wait.indexOf("--timeout") + 1, "1s");
            wait.replaceAll(arg -> arg.startsWith("--http-secret-file=") ? "--http-secret-file=" + tokenFile : arg);
            Path emptyConfig = Files.writeString(tmp.resolve("empty.json"), "{}");
            int exit = Cli.commandLine(Map.of("HOME", tmp.toString(), "OPENCLAW_SESSION_STATUS_CONFIG",
                    emptyConfig.toString()), Clock.systemUTC()).execute(wait.toArray(String[]::new));
            assertEquals(1, exit, "a run is in flight: the hook waits until its timeout");
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
        PrometheusText samples = PrometheusText.parse(body, tmp);
        if (valueLocation.matches("[a-z_]+")) {
            return samples.get(valueLocation);
        }
        Matcher selector = SELECTOR.matcher(valueLocation);
        assertTrue(selector.matches(), valueLocation);
        return samples.get(selector.group(1) + "{" + selector.group(2) + "=" + selector.group(3) + "}");
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
