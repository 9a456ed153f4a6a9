package org.openclaw.sessionstatus.action;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.config.Config;
import org.openclaw.sessionstatus.config.ConfigException;
import org.openclaw.sessionstatus.config.Setting;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.snapshot.ActionStatus;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * The lease actions the settings turn on, each on its own {@link ActionRunner}. With none configured there is
 * nothing here: no thread, no client, no outbound call.
 */
public final class Actions implements AutoCloseable {
    private final List<ActionRunner> runners;

    private Actions(List<ActionRunner> runners) {
        this.runners = List.copyOf(runners);
    }

    /**
     * @param report where each action's figures go after every call
     * @throws IOException when the pod-deletion-cost action cannot read its service account's CA
     */
    public static Actions of(ActionSettings settings, Consumer<ActionStatus> report) throws IOException {
        List<Action> actions = new ArrayList<>();
        settings.ecsAgent().ifPresent(agent -> actions.add(new EcsTaskProtection(agent, settings.timeout())));
        if (settings.podDeletionCost().isPresent()) {
            ActionSettings.PodCost pod = settings.podDeletionCost().get();
            actions.add(new PodDeletionCost(pod.apiServer(), pod.namespace(), pod.pod(), pod.serviceAccount(),
                    pod.busyCost(), pod.idleCost(), settings.timeout()));
        }
        if (!settings.exec().isEmpty()) {
            actions.add(new ExecHook(settings.exec(), settings.timeout()));
        }
        List<ActionRunner> runners = new ArrayList<>();
        actions.forEach(action -> runners.add(new ActionRunner(action, report)));
        return new Actions(runners);
    }

    /** Each runner, to be handed every revision (on the model's writer thread: they only take the newest intent). */
    public List<Consumer<Snapshot>> listeners() {
        return List.copyOf(runners);
    }

    public void start() {
        runners.forEach(ActionRunner::start);
    }

    @Override
    public void close() {
        runners.forEach(ActionRunner::close);
    }
}
