package org.openclaw.sessionstatus.action;

import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.BusyView;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * What the lease asks of the orchestrator, from one revision: protect the workload (a run in flight, or doubt), let
 * it go (idle), or nothing (the daemon cannot tell: a protection is then left to expire by itself).
 *
 * @param recommendedAction the lease's action, as on the wire
 * @param extendForMs how long the lease asks to be protected for
 * @param leaseJson the lease document, for a hook's stdin
 */
// The lease document of a snapshot, shared and never modified; intents are never compared by value.
@SuppressWarnings("ArrayRecordComponent")
record Intent(State state, String recommendedAction, long extendForMs, byte[] leaseJson) {

    enum State {
        PROTECT, RELEASE, LAPSE
    }

    /** @return null before the first scan: nothing is known yet, so nothing is asked */
    static @Nullable Intent of(Snapshot snapshot) {
        if (!snapshot.ready()) {
            return null;
        }
        BusyView.Action action = snapshot.busy().action();
        State state = switch (action) {
            case EXTEND, HOLD -> State.PROTECT;
            case RELEASE_AFTER_GRACE -> State.RELEASE;
            case UNKNOWN -> State.LAPSE;
        };
        return new Intent(state, action.wireName(), snapshot.busy().extendForMs(), snapshot.leaseJson());
    }
}
