package org.openclaw.sessionstatus.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.openclaw.sessionstatus.model.Snapshot;

/** {@code /metrics}: the process's {@code build_info}, then the snapshot's prepared figures. */
final class MetricsBody implements Function<Snapshot, byte[]> {
    private final byte[] buildInfo;

    MetricsBody(String version) {
        String escaped = version.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        buildInfo = ("# HELP openclaw_session_status_build_info The running build; the value is always 1.\n"
                + "# TYPE openclaw_session_status_build_info gauge\n"
                + "openclaw_session_status_build_info{version=\"" + escaped + "\"} 1\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] apply(Snapshot snapshot) {
        byte[] figures = snapshot.metricsText();
        byte[] body = new byte[buildInfo.length + figures.length];
        System.arraycopy(buildInfo, 0, body, 0, buildInfo.length);
        System.arraycopy(figures, 0, body, buildInfo.length, figures.length);
        return body;
    }
}
