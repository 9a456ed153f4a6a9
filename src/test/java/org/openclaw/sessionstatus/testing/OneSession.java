package org.openclaw.sessionstatus.testing;

import java.util.List;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.Phase;
import org.openclaw.sessionstatus.model.SessionEvidence;

/** Evidence of one session, for tests that drive a model loop by hand: mid tool call now, or done an hour ago. */
public final class OneSession {
    private OneSession() {
    }

    /** The whole of a source's partition: the session busy (in a tool call, written now) or idle. */
    public static List<PartitionUpdate> busy(boolean busy) {
        long now = System.currentTimeMillis();
        long at = busy ? now : now - 3_600_000;
        return List.of(PartitionUpdate.replace("/dir", List.of(SessionEvidence.session("agent:main:a", "main", null,
                new SessionEvidence.Transcript(at, 10, busy ? Phase.IN_TOOL_CALL : Phase.FINISHED, at), null, null))));
    }
}
