package org.openclaw.sessionstatus.model;

import java.time.Instant;

/**
 * One immutable revision of everything the daemon says, with every document already serialised, so serving a
 * request copies bytes whatever the number of sessions.
 *
 * @param etag a strong entity tag unique to this revision of this process
 * @param ready the first scan is done; before that the status is not yet known
 */
public record Snapshot(long revision, String etag, Instant generatedAt, boolean ready, StatusView status,
        byte[] statusJson) {
}
