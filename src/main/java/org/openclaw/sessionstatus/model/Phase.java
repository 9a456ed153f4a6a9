package org.openclaw.sessionstatus.model;

/** Where the last transcript message leaves a run (docs/design.md §5). */
public enum Phase {
    /** The last message is from the user or a tool result: the model is being asked. */
    AWAITING_MODEL,
    /** The model asked for a tool and no result is back yet. */
    IN_TOOL_CALL,
    /** The model answered ({@code stop}, {@code length}). */
    FINISHED,
    /** The run ended in {@code error} or {@code aborted}. */
    FAILED,
    /** No message could be read. */
    UNKNOWN;

    public boolean inFlight() {
        return this == AWAITING_MODEL || this == IN_TOOL_CALL;
    }
}
