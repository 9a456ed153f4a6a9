package org.openclaw.sessionstatus.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openclaw.sessionstatus.model.BusyView.Action;
import org.openclaw.sessionstatus.snapshot.Snapshot;
import org.openclaw.sessionstatus.source.StateLayout.Entry;
import org.openclaw.sessionstatus.source.StateLayout.Era;
import org.openclaw.sessionstatus.testing.Harness;

/**
 * What is at a path, as far as the daemon can tell: "may not be looked at" is never "absent". Root may look at
 * anything, so the cases of a dir it may not enter run only as another user (UnreadablePathsIT runs them as
 * {@code nobody} under root, through the real daemon).
 */
class StateLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void whatIsThereIsWhatItIs() throws Exception {
        Path agent = Files.createDirectories(tmp.resolve("agents/main"));
        assertEquals(Era.NONE, StateLayout.era(agent));
        Files.createDirectories(agent.resolve("sessions"));
        assertEquals(Era.FILES, StateLayout.era(agent));
        Files.createDirectories(agent.resolve("agent"));
        Files.writeString(StateLayout.agentDatabase(agent), "");
        assertEquals(Era.DATABASE, StateLayout.era(agent), "a database wins: its sessions dir is history");
        assertEquals(Entry.OTHER, StateLayout.probe(StateLayout.agentDatabase(agent)));
        assertEquals(Entry.ABSENT, StateLayout.probe(StateLayout.agentDatabase(agent).resolve("below-a-file")),
                "a file where a dir would be: nothing there");
        assertEquals(Entry.ABSENT, StateLayout.probe(tmp.resolve("none")));
    }

    @Test
    void aDirThisUserMayNotEnterIsDeniedNeverAbsent() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")),
                "root may enter any dir; UnreadablePathsIT runs this as nobody");
        Path agent = Files.createDirectories(tmp.resolve("state/agents/main/sessions")).getParent();
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("---------"));
        try {
            assertEquals(Entry.DENIED, StateLayout.probe(agent.resolve("sessions")));
            assertEquals(Era.DENIED, StateLayout.era(agent));
            assertEquals(agent, AccessWarnings.blocker(StateLayout.agentDatabase(agent)));
            try (Harness harness = new Harness(tmp.resolve("state"), 30_000, List.of())) {
                Snapshot snapshot = harness.awaitSnapshot("unreadable", s -> s.health().unreadable() > 0);
                assertEquals(503, snapshot.statusCode(), "nothing else to read: no free slot it cannot see");
                assertEquals(Action.UNKNOWN, snapshot.busy().action());
            }
        } finally {
            Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
