package org.openclaw.sessionstatus.action;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The lease actions to run and what each needs, resolved by the daemon from the configuration and the environment:
 * the actions read neither. Each action is off when its part is empty.
 *
 * @param timeout the bound on each call, as a whole
 * @param ecsAgent the ECS agent's base URI: ECS task scale-in protection
 * @param podDeletionCost the pod whose deletion cost follows the lease
 * @param exec the hook's command and arguments, run without a shell
 */
public record ActionSettings(Duration timeout, Optional<URI> ecsAgent, Optional<PodCost> podDeletionCost,
        List<String> exec) {

    public ActionSettings {
        exec = List.copyOf(exec);
    }

    /**
     * @param apiServer an https URL: the service account's token is a credential
     * @param serviceAccount the dir with the service account's {@code token} and {@code ca.crt}
     */
    public record PodCost(URI apiServer, String namespace, String pod, Path serviceAccount, int busyCost, int idleCost) {
    }
}
