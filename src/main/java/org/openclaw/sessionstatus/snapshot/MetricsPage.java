package org.openclaw.sessionstatus.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The {@code /metrics} body: the process's {@code build_info}, the revision's prepared figures, then the lease
 * actions' counters as they are when scraped. Joined once per revision and report, so a scrape copies bytes like
 * every other route.
 */
public final class MetricsPage implements Function<Snapshot, byte[]> {
    /** The body of one revision and one report. Replaced whole, so a reader sees a matching triple or the previous. */
    private record Joined(@Nullable Snapshot snapshot, Map<String, ActionStatus> actions, byte[] body) {
    }

    private final byte[] buildInfo;
    private final ActionCounters actions;
    private volatile Joined last = new Joined(null, Map.of(), new byte[0]);

    /** @param version the build's version, for the {@code build_info} metric */
    public MetricsPage(String version, ActionCounters actions) {
        String escaped = version.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        this.buildInfo = ("# HELP " + PrometheusText.PREFIX + "build_info The running build; the value is always 1.\n"
                + "# TYPE " + PrometheusText.PREFIX + "build_info gauge\n"
                + PrometheusText.PREFIX + "build_info{version=\"" + escaped + "\"} 1\n").getBytes(StandardCharsets.UTF_8);
        this.actions = actions;
    }

    @Override
    public byte[] apply(Snapshot snapshot) {
        Joined joined = last;
        Map<String, ActionStatus> reported = actions.current();
        if (joined.snapshot() != snapshot || joined.actions() != reported) {
            byte[] figures = snapshot.metricsText();
            byte[] counters = PrometheusText.actions(reported);
            byte[] body = new byte[buildInfo.length + figures.length + counters.length];
            System.arraycopy(buildInfo, 0, body, 0, buildInfo.length);
            System.arraycopy(figures, 0, body, buildInfo.length, figures.length);
            System.arraycopy(counters, 0, body, buildInfo.length + figures.length, counters.length);
            joined = new Joined(snapshot, reported, body);
            last = joined;
        }
        return joined.body();
    }
}
