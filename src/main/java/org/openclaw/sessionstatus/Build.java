package org.openclaw.sessionstatus;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What was built: the version Maven wrote into {@code version.properties}. */
public final class Build {
    private Build() {
    }

    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = Build.class.getResourceAsStream("/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
