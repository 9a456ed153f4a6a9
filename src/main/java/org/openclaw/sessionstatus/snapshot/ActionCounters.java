package org.openclaw.sessionstatus.snapshot;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What each lease action reported last, read by {@code /metrics} when it is scraped. Kept apart from the model's
 * revisions on purpose: an action's call changes nothing the lease or the status carries, so it must not mint a new
 * ETag and wake every held long-poll.
 */
public final class ActionCounters implements Consumer<ActionStatus> {
    /** Replaced whole on each report, so a scrape reads one consistent map without a lock. */
    private volatile Map<String, ActionStatus> last = Map.of();

    /** An action's figures after a call (its runner's thread; runners report one at a time here). */
    @Override
    public synchronized void accept(ActionStatus status) {
        Map<String, ActionStatus> next = new TreeMap<>(last);
        next.put(status.action(), status);
        last = Collections.unmodifiableMap(next);
    }

    /** Each action's latest figures, by name, in name order; the same map until the next report. */
    public Map<String, ActionStatus> current() {
        return last;
    }
}
