package org.openclaw.sessionstatus.action;

import java.time.Duration;
import java.util.Optional;

/**
 * One way of telling the orchestrator what the lease says. Called by its {@link ActionRunner} only, one call at a
 * time, each bounded in time by the action itself.
 */
interface Action {
    /** Its name in logs and metrics: {@code ecs_task_protection}. */
    String name();

    /** The state the orchestrator has now, if the action can ask (once, at start). */
    default Optional<Intent.State> current() throws CallFailed {
        return Optional.empty();
    }

    /** Whether the action acts on {@link Intent.State#LAPSE} too (a hook is told everything; an API is left alone). */
    default boolean actsOnLapse() {
        return false;
    }

    /** Makes the orchestrator's state the intent's. @throws CallFailed when it did not, with why */
    void apply(Intent intent) throws CallFailed;

    /** How soon after a successful call the same intent must be applied again (a protection that expires). */
    default Optional<Duration> renewAfter(Intent intent) {
        return Optional.empty();
    }
}
