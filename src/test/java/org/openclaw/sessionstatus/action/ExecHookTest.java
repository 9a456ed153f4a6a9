package org.openclaw.sessionstatus.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.testing.Await;

/** A real command: what it is given, and what happens when it fails or runs too long (its secret-free environment: LeaseActionsIT). */
class ExecHookTest {
    @TempDir
    Path tmp;

    @Test
    void theCommandGetsTheLeaseOnStdinAndTheActionInItsEnvironment() throws Exception {
        Path seen = tmp.resolve("seen");
        ExecHook hook = new ExecHook(List.of("/bin/sh", "-c", "{ cat; echo \"action=$OPENCLAW_SESSION_STATUS_LEASE_ACTION "
                + "busy=$OPENCLAW_SESSION_STATUS_BUSY\"; } > " + seen),
                Duration.ofSeconds(10));
        hook.apply(new Intent(Intent.State.PROTECT, "hold", 120_000,
                "{\"lease\":{\"recommendedAction\":\"hold\"}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"lease\":{\"recommendedAction\":\"hold\"}}\naction=hold busy=true\n",
                Files.readString(seen));
        assertTrue(hook.actsOnLapse(), "a hook is told of an unknown lease too");
    }

    @Test
    void aFailingOrHangingCommandIsAFailureAndAHangingOneIsKilled() throws Exception {
        Intent idle = new Intent(Intent.State.RELEASE, "release_after_grace", 0, "{}".getBytes(StandardCharsets.UTF_8));
        CallFailed failed = assertThrows(CallFailed.class,
                () -> new ExecHook(List.of("/bin/sh", "-c", "exit 3"), Duration.ofSeconds(10)).apply(idle));
        assertTrue(failed.getMessage().contains("exited 3"), failed.getMessage());
        assertThrows(CallFailed.class, () -> new ExecHook(List.of(tmp.resolve("missing").toString()),
                Duration.ofSeconds(10)).apply(idle));

        Path pid = tmp.resolve("pid");
        long start = System.nanoTime();
        CallFailed hung = assertThrows(CallFailed.class, () -> new ExecHook(List.of("/bin/sh", "-c",
                "echo $$ > " + pid + "; exec sleep 60"), Duration.ofMillis(500)).apply(idle));
        assertTrue(hung.timedOut());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "bounded by its time limit");
        long hungPid = Long.parseLong(Files.readString(pid).strip());
        Await.until("the command was killed", () -> ProcessHandle.of(hungPid).map(p -> !p.isAlive()).orElse(true));
    }
}
