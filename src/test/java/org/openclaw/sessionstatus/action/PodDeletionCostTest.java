package org.openclaw.sessionstatus.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.FakeKubernetes;

/** The pod's deletion cost, patched through a TLS API server that answers as Kubernetes does. */
class PodDeletionCostTest {
    @TempDir
    Path tmp;

    static Intent intent(Intent.State state) {
        return new Intent(state, state == Intent.State.PROTECT ? "extend" : "release_after_grace", 300_000,
                "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void busyAndIdleAreAMergePatchOfTheAnnotationWithTheServiceAccountsTokenAndCa() throws Exception {
        try (FakeKubernetes api = new FakeKubernetes(tmp)) {
            PodDeletionCost action = new PodDeletionCost(api.uri(), FakeKubernetes.NAMESPACE, FakeKubernetes.POD,
                    api.serviceAccount(), 1000, -1000, Duration.ofSeconds(5));
            action.apply(intent(Intent.State.PROTECT));
            assertEquals("1000", api.deletionCost());
            assertEquals("{\"metadata\":{\"annotations\":{\"controller.kubernetes.io/pod-deletion-cost\":\"1000\"}}}",
                    api.patches().get(0).body());
            action.apply(intent(Intent.State.RELEASE));
            assertEquals("-1000", api.deletionCost());
            assertFalse(action.actsOnLapse(), "an unknown lease leaves the annotation alone");
            assertTrue(action.renewAfter(intent(Intent.State.PROTECT)).isEmpty(), "only on transitions");

            api.forbid();
            CallFailed forbidden = assertThrows(CallFailed.class, () -> action.apply(intent(Intent.State.PROTECT)));
            assertTrue(forbidden.getMessage().contains("403 Forbidden") && forbidden.getMessage().contains("cannot patch"),
                    forbidden.getMessage());
            assertFalse(forbidden.getMessage().contains("test-service-account-token"), "the token never shows");
        }
    }

    @Test
    void aWrongPodOrAnUntrustedServerFails() throws Exception {
        try (FakeKubernetes api = new FakeKubernetes(tmp)) {
            PodDeletionCost wrongPod = new PodDeletionCost(api.uri(), FakeKubernetes.NAMESPACE, "no-such-pod",
                    api.serviceAccount(), 1000, -1000, Duration.ofSeconds(5));
            assertTrue(assertThrows(CallFailed.class, () -> wrongPod.apply(intent(Intent.State.PROTECT))).getMessage()
                    .contains("404 NotFound"));
            // Another CA: the server's certificate is not trusted, so nothing is sent.
            Path otherAccount = Files.createDirectories(tmp.resolve("other"));
            try (FakeKubernetes other = new FakeKubernetes(otherAccount)) {
                PodDeletionCost untrusting = new PodDeletionCost(api.uri(), FakeKubernetes.NAMESPACE, FakeKubernetes.POD,
                        other.serviceAccount(), 1000, -1000, Duration.ofSeconds(5));
                assertThrows(CallFailed.class, () -> untrusting.apply(intent(Intent.State.PROTECT)));
            }
            assertTrue(api.patches().isEmpty());
        }
    }
}
