package org.openclaw.sessionstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.FakeEcsAgent;
import org.openclaw.sessionstatus.testing.FakeKubernetes;
import org.openclaw.sessionstatus.testing.Transcripts;

/**
 * The lease actions through the real daemon as its own process, driven by real file changes: an ECS agent and a
 * Kubernetes API server that answer as documented, and a real hook command. Each action fires once per transition,
 * a failing or hanging API never turns into a release while busy, and with no action configured nothing is called.
 */
class LeaseActionsIT {
    static final String SECRET = "lease-actions-secret-5e1d";

    @TempDir
    Path tmp;

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + ServeProcess.DEADLINE.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    Path sessions() throws Exception {
        return Files.createDirectories(tmp.resolve("state/agents/main/sessions"));
    }

    static void busy(Path sessions, String id) throws Exception {
        Files.writeString(sessions.resolve(id + ".jsonl"), Transcripts.IN_TOOL_CALL);
    }

    static void finish(Path sessions, String id) throws Exception {
        Files.writeString(sessions.resolve(id + ".jsonl"), Transcripts.FINISHED, StandardOpenOption.APPEND);
    }

    static List<String> puts(FakeEcsAgent agent) {
        return agent.calls().stream().filter(c -> c.method().equals("PUT")).map(FakeEcsAgent.Call::body).toList();
    }

    @Test
    void eachActionFiresOncePerTransitionAndNeverReleasesWhileBusy() throws Exception {
        Path sessions = sessions();
        Path hookLog = tmp.resolve("hook.log");
        Path hook = Files.writeString(tmp.resolve("hook.sh"), "#!/bin/sh\necho \"$OPENCLAW_SESSION_STATUS_LEASE_ACTION "
                + "${OPENCLAW_SESSION_STATUS_HTTP_SECRET:-no-secret} $(cat | head -c 40)\" >> " + hookLog + "\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
        try (FakeEcsAgent agent = new FakeEcsAgent(); FakeKubernetes api = new FakeKubernetes(tmp);
                ServeProcess daemon = new ServeProcess(tmp, Map.of("OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET,
                        "ECS_AGENT_URI", agent.uri().toString(), "KUBERNETES_SERVICE_HOST", "127.0.0.1",
                        "KUBERNETES_SERVICE_PORT", Integer.toString(api.port()), "POD_NAME", FakeKubernetes.POD),
                        "--state-dir", tmp.resolve("state").toString(), "--running-window-ms", "300",
                        "--actions-timeout-ms", "2000", // under load, a first call to a live agent can take 0.5 s
                        "--actions-ecs-task-protection-enabled", "true",
                        "--actions-pod-deletion-cost-enabled", "true",
                        "--actions-pod-deletion-cost-service-account-dir", api.serviceAccount().toString(),
                        "--actions-exec-command", hook.toString())) {
            // Idle at start: ECS is asked (not protected: nothing to do); the pod is marked cheap; the hook is told.
            await("the agent is asked at start", () -> agent.calls().size() == 1);
            assertEquals("GET", agent.calls().get(0).method());
            await("idle cost at start", () -> "-1000".equals(api.deletionCost()));
            await("the hook is told at start", () -> lines(hookLog).size() == 1);

            busy(sessions, "a");
            await("protected", () -> agent.protectionEnabled() && "1000".equals(api.deletionCost())
                    && lines(hookLog).size() == 2);
            assertEquals(List.of("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":5}"), puts(agent));
            finish(sessions, "a");
            await("released", () -> !agent.protectionEnabled() && "-1000".equals(api.deletionCost())
                    && lines(hookLog).size() == 3);
            assertEquals(2, puts(agent).size(), "once per transition");
            assertEquals(3, api.patches().size());
            List<String> told = lines(hookLog);
            assertTrue(told.get(0).startsWith("release_after_grace no-secret {\"marker\":\"openclaw-busy-state\""), told.get(0));
            assertTrue(told.get(1).startsWith("extend no-secret "), told.get(1));
            assertTrue(told.get(2).startsWith("release_after_grace no-secret "), told.get(2));

            // The agent hangs, then refuses: the protection is retried, and nothing is released while busy.
            agent.mode(FakeEcsAgent.Mode.HANG);
            busy(sessions, "b");
            await("a protection attempt hangs", () -> puts(agent).size() == 3);
            agent.mode(FakeEcsAgent.Mode.ERROR);
            await("then is refused", () -> puts(agent).size() >= 4);
            agent.mode(FakeEcsAgent.Mode.OK);
            await("then succeeds", agent::protectionEnabled);
            assertTrue(puts(agent).subList(2, puts(agent).size()).stream().allMatch(b -> b.contains("true")),
                    "never a release while busy: " + puts(agent));
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + daemon.port + "/metrics")).header("Authorization", "Bearer " + SECRET)
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("openclaw_session_status_action_calls_total{action=\"ecs_task_protection\",outcome=\"timeout\"} 1"),
                    metrics);
            assertTrue(metrics.contains("openclaw_session_status_action_protecting{action=\"ecs_task_protection\"} 1"), metrics);
            assertFalse(daemon.stderr.toString().contains(SECRET), "no secret in the log");
        }
    }

    @Test
    void withNoActionConfiguredNothingIsCalledWhateverTheEnvironmentOffers() throws Exception {
        Path sessions = sessions();
        try (FakeEcsAgent agent = new FakeEcsAgent(); FakeKubernetes api = new FakeKubernetes(tmp);
                ServeProcess daemon = new ServeProcess(tmp, Map.of("OPENCLAW_SESSION_STATUS_HTTP_SECRET", SECRET,
                        "ECS_AGENT_URI", agent.uri().toString(), "KUBERNETES_SERVICE_HOST", "127.0.0.1",
                        "KUBERNETES_SERVICE_PORT", Integer.toString(api.port()), "POD_NAME", FakeKubernetes.POD),
                        "--state-dir", tmp.resolve("state").toString(), "--running-window-ms", "300")) {
            busy(sessions, "a");
            String lease = "/plugins/busy-state/lease";
            HttpClient client = HttpClient.newHttpClient();
            await("busy", () -> get(client, daemon.port, lease).contains("\"extend\""));
            finish(sessions, "a");
            await("idle", () -> get(client, daemon.port, lease).contains("\"release_after_grace\""));
            assertEquals(List.of(), agent.calls());
            assertEquals(List.of(), api.patches());
        }
    }

    static String get(HttpClient client, int port, String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
