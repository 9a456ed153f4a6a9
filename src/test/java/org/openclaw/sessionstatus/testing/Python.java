package org.openclaw.sessionstatus.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Real peers written in Python: the sample controller, the Prometheus parser, a systemd notify socket. */
public final class Python {
    private Python() {
    }

    /**
     * A python3 that can import the module; if there is none the calling test is skipped, never failed: a missing peer
     * tool says nothing about the daemon. {@code .ci/run} installs the peers, so CI runs these tests.
     */
    public static String require(String module) throws InterruptedException {
        String python = withModule(module);
        Assumptions.assumeTrue(python != null, "skipped: no python3 that can import " + module
                + " (Debian: python3" + (module.equals("prometheus_client") ? "-prometheus-client" : "") + ")");
        return python;
    }

    /** A python3 that can import the module, or null: Debian's packages are not seen by a pyenv python3 on PATH. */
    public static String withModule(String module) throws InterruptedException {
        List<String> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            candidates.add(Path.of(dir, "python3").toString());
        }
        candidates.add("/usr/bin/python3");
        for (String candidate : candidates) {
            if (!Files.isExecutable(Path.of(candidate))) {
                continue;
            }
            try {
                Process probe = new ProcessBuilder(candidate, "-c", "import " + module).start();
                if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not runnable: try the next
            }
        }
        return null;
    }

    /** Copies a script from the test resources to a file, for {@code python3 <file>}. */
    public static Path script(String resource, Path dir) throws IOException {
        try (InputStream in = Python.class.getResourceAsStream("/" + resource)) {
            return Files.write(dir.resolve(resource), in.readAllBytes());
        }
    }
}
