package org.openclaw.sessionstatus.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.testing.Await;

/** Liveness as the sources see it, against this machine's real {@code /proc}. */
class ProcessTableTest {
    final ProcessTable processes = new ProcessTable(Path.of("/proc"), true);

    @Test
    void aKilledProcessItsParentHasNotReapedYetIsDead() throws Exception {
        // sh starts a child that exits at once, then becomes a sleep that never reaps it: a zombie for 30 s.
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 30").start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            long zombie = Long.parseLong(out.readLine().strip());
            Path stat = Path.of("/proc", Long.toString(zombie), "stat");
            Await.until("the child is a zombie", () -> {
                try {
                    return ProcessTable.zombie(Files.readString(stat));
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertEquals(Liveness.DEAD, processes.liveness(OptionalLong.of(zombie), OptionalLong.empty()));
            assertEquals(Liveness.ALIVE, processes.liveness(OptionalLong.of(parent.pid()), OptionalLong.empty()));
        } finally {
            parent.destroyForcibly();
        }
    }
}
