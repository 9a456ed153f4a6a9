package org.openclaw.sessionstatus.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.snapshot.Snapshot;

/**
 * {@code /metrics}: the process's {@code build_info}, then the snapshot's prepared figures. Joined once per
 * revision, so a scrape copies bytes like every other route.
 */
final class MetricsBody implements Function<Snapshot, byte[]> {
    /** The body of one revision. Replaced whole, so a reader sees a matching pair or the previous one. */
    @SuppressWarnings("ArrayRecordComponent") // the body is built once and never modified
    private record Joined(@Nullable Snapshot snapshot, byte[] body) {
    }

    private final byte[] buildInfo;
    private volatile Joined last = new Joined(null, new byte[0]);

    MetricsBody(String version) {
        String escaped = version.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        buildInfo = ("# HELP openclaw_session_status_build_info The running build; the value is always 1.\n"
                + "# TYPE openclaw_session_status_build_info gauge\n"
                + "openclaw_session_status_build_info{version=\"" + escaped + "\"} 1\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    @SuppressWarnings("ReferenceEquality") // one body per revision object
    public byte[] apply(Snapshot snapshot) {
        Joined joined = last;
        if (joined.snapshot() != snapshot) {
            byte[] figures = snapshot.metricsText();
            byte[] body = new byte[buildInfo.length + figures.length];
            System.arraycopy(buildInfo, 0, body, 0, buildInfo.length);
            System.arraycopy(figures, 0, body, buildInfo.length, figures.length);
            joined = new Joined(snapshot, body);
            last = joined;
        }
        return joined.body();
    }
}
