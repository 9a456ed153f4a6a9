package org.openclaw.sessionstatus.model;

import java.util.List;
import java.util.Optional;

/**
 * What the gateway itself said last over its protocol, as plain values (SPEC §2c): its lanes and the sessions it runs
 * or has queued. The model trusts it while it is fresh: connected, and answered within {@link #FRESH_MS}.
 *
 * @param connected a connection is open and authenticated
 * @param answeredAtMs when the gateway last answered a poll (epoch ms), 0 if never
 * @param lanes every lane the gateway reported ({@code main}, {@code subagent}, {@code cron}, …)
 * @param runs the sessions with a run active or queued ({@code sessions.list} with {@code activeOnly})
 */
public record GatewayView(boolean connected, long answeredAtMs, List<Lane> lanes, List<Run> runs) {
    /** How long an answer stays the gateway's word: two missed polls at one a second. */
    public static final long FRESH_MS = 2_000;
    public static final String MAIN_LANE = "main";
    /** No gateway source, or it never connected. */
    public static final GatewayView NONE = new GatewayView(false, 0, List.of(), List.of());

    public GatewayView {
        lanes = List.copyOf(lanes);
        runs = List.copyOf(runs);
    }

    /** One of the gateway's command lanes: the runs holding a slot, those waiting for one, and its slots. */
    public record Lane(String name, int active, int queued, int maxConcurrent) {
    }

    /** A session the gateway runs ({@code queued} false) or has admitted and waits to run. */
    public record Run(String key, String agentId, boolean queued) {
    }

    /** The same view, no longer connected: what the source says when the connection goes. */
    public GatewayView disconnected() {
        return new GatewayView(false, answeredAtMs, lanes, runs);
    }

    boolean freshAt(long now) {
        return connected && answeredAtMs > 0 && now - answeredAtMs < FRESH_MS;
    }

    /** When a fresh view stops being fresh by the clock alone. */
    long staleAtMs() {
        return answeredAtMs + FRESH_MS;
    }

    Optional<Lane> lane(String name) {
        return lanes.stream().filter(lane -> lane.name().equals(name)).findFirst();
    }
}
