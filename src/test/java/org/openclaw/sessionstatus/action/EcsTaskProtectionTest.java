package org.openclaw.sessionstatus.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.testing.FakeEcsAgent;

/** The ECS agent's task-protection contract, against a server that answers as the documentation says. */
class EcsTaskProtectionTest {
    final FakeEcsAgent agent = new FakeEcsAgent();
    final EcsTaskProtection action = new EcsTaskProtection(agent.uri(), Duration.ofMillis(500));

    EcsTaskProtectionTest() throws Exception {
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    static Intent intent(Intent.State state, long extendForMs) {
        return new Intent(state, state == Intent.State.PROTECT ? "extend" : "release_after_grace", extendForMs,
                "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void protectsForTheLeasesExtensionInWholeMinutesAndReleases() throws Exception {
        assertEquals(Optional.of(Intent.State.RELEASE), action.current(), "GET at start: not protected");
        action.apply(intent(Intent.State.PROTECT, 300_000));
        FakeEcsAgent.Call put = agent.calls().get(1);
        assertEquals("PUT", put.method());
        assertTrue(put.path().endsWith("/task-protection/v1/state"), put.path());
        assertEquals("application/json", put.contentType());
        assertEquals("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":5}", put.body());
        assertTrue(agent.protectionEnabled());
        assertEquals(Optional.of(Duration.ofSeconds(150)), action.renewAfter(intent(Intent.State.PROTECT, 300_000)),
                "renewed at half its life");

        action.apply(intent(Intent.State.RELEASE, 0));
        assertEquals("{\"ProtectionEnabled\":false}", agent.calls().get(2).body());
        assertEquals(Optional.empty(), action.renewAfter(intent(Intent.State.RELEASE, 0)));

        assertEquals(1, EcsTaskProtection.minutes(intent(Intent.State.PROTECT, 1)), "at least a minute");
        assertEquals(2, EcsTaskProtection.minutes(intent(Intent.State.PROTECT, 60_001)), "rounded up");
        assertEquals(2_880, EcsTaskProtection.minutes(intent(Intent.State.PROTECT, Duration.ofDays(7).toMillis())),
                "at most 48 hours");
    }

    @Test
    void everyDocumentedRefusalIsAFailureThatSaysWhy() {
        agent.mode(FakeEcsAgent.Mode.FAILURE);
        CallFailed failure = assertThrows(CallFailed.class, () -> action.apply(intent(Intent.State.PROTECT, 60_000)));
        assertTrue(failure.getMessage().contains("TASK_NOT_VALID"), failure.getMessage());
        agent.mode(FakeEcsAgent.Mode.ERROR);
        CallFailed error = assertThrows(CallFailed.class, () -> action.apply(intent(Intent.State.PROTECT, 60_000)));
        assertTrue(error.getMessage().contains("400") && error.getMessage().contains("AccessDeniedException"),
                error.getMessage());
        agent.mode(FakeEcsAgent.Mode.NOT_JSON);
        assertTrue(assertThrows(CallFailed.class, action::current).getMessage().contains("502"));
        agent.mode(FakeEcsAgent.Mode.HANG);
        assertTrue(assertThrows(CallFailed.class, () -> action.apply(intent(Intent.State.RELEASE, 0))).timedOut(),
                "an agent that hangs is a timeout, within the action's bound");
        agent.mode(FakeEcsAgent.Mode.TRICKLE);
        long start = System.nanoTime();
        assertTrue(assertThrows(CallFailed.class, () -> action.apply(intent(Intent.State.RELEASE, 0))).timedOut());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(),
                "a body that trickles is bounded by the same timeout as the headers (500 ms), not 10 s");
    }
}
