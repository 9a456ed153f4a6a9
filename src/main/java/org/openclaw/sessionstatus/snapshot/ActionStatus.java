package org.openclaw.sessionstatus.snapshot;

/**
 * What a lease action has done since start, for {@code /metrics}: its calls by outcome, and whether the protection
 * it manages is on as far as it knows.
 *
 * @param action the action's name in metrics ({@code ecs_task_protection}, {@code pod_deletion_cost}, {@code exec})
 * @param protecting the last call that succeeded asked for protection (busy)
 */
public record ActionStatus(String action, long ok, long failed, long timedOut, boolean protecting) {
}
