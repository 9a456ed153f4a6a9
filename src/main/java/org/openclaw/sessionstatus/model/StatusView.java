package org.openclaw.sessionstatus.model;

import java.util.List;

/**
 * The session status of docs/design.md §8, without its timestamp: two equal views are the same revision.
 *
 * @param partial some session source (a dir, a database) cannot be read, or a rescan is filling the table in: the
 *     counts are what can be seen
 * @param unreadable session sources that exist but cannot be read
 */
public record StatusView(int running, int idle, int total, int maxConcurrent, int available, List<Detail> details,
        boolean partial, int unreadable) {

    public StatusView {
        details = List.copyOf(details);
    }

    /** One recent or running session; {@code key} is redacted unless {@code redactKeys} is off. */
    public record Detail(String key, String status, String agent, String kind, long updatedAt) {
    }
}
