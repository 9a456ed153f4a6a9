package org.openclaw.sessionstatus.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The bearer secret. Its {@code toString} never reveals it, so it cannot leak through a log line or a record. */
public final class Secret {
    private final byte[] value;

    Secret(String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time comparison, so response timing does not reveal how much of a guess was right. */
    public boolean matches(String presented) {
        return MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code Authorization} header that presents it: for a client of the daemon ({@code wait --url}). */
    public String bearerHeader() {
        return "Bearer " + new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "****";
    }
}
