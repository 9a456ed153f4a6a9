package org.openclaw.sessionstatus.http;

import org.jspecify.annotations.Nullable;

/** What the handler decided for a request: an answer now, one when the revision changes, or a stream of events. */
sealed interface Answer permits Response, Answer.Hold, Answer.Events {

    /**
     * A long-poll: answer when a new revision is published, or when the wait ends (then with what is current, a
     * 304 if it is still the client's).
     */
    record Hold(Request request, long waitNanos) implements Answer {
    }

    /**
     * A {@code text/event-stream} of busy-state changes.
     *
     * @param lastEventId the id of the last event the client saw ({@code Last-Event-ID}), or null
     */
    record Events(Request request, @Nullable String lastEventId) implements Answer {
    }
}
