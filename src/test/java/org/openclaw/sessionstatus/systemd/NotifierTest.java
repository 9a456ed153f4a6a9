package org.openclaw.sessionstatus.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the notifier makes of the environment systemd gives; the protocol itself is tested in {@code NotifierIT}. */
class NotifierTest {

    @Test
    void withoutNotifySocketThereIsNoNotifierAndAPingForAnotherPidIsNotOurs() {
        assertTrue(Notifier.fromEnvironment(Map.of(), () -> true).isEmpty());
        assertTrue(Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", ""), () -> true).isEmpty());
        // Not a path systemd would give: warned about and ignored, the daemon runs on.
        assertTrue(Notifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative/notify.sock"), () -> true).isEmpty());
        assertEquals(0, Notifier.watchdogUsec(Map.of("WATCHDOG_USEC", "soon")));
        assertEquals(0, Notifier.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "1")));
        assertEquals(30_000_000, Notifier.watchdogUsec(Map.of("WATCHDOG_USEC", "30000000",
                "WATCHDOG_PID", Long.toString(ProcessHandle.current().pid()))));
    }
}
