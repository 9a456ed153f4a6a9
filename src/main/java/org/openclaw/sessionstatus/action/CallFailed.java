package org.openclaw.sessionstatus.action;

import java.util.Objects;

/** A call that did not do what it was for: what went wrong, without any secret; timed out or failed. */
final class CallFailed extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    CallFailed(String message, boolean timedOut) {
        super(message, null, false, false);
        this.timedOut = timedOut;
    }

    /** Never null: each failure is made with what went wrong. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    boolean timedOut() {
        return timedOut;
    }
}
