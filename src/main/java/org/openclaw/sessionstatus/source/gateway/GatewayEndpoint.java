package org.openclaw.sessionstatus.source.gateway;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * Where the gateway listens and the token it takes. The token's {@code toString} is masked, so a record holding it
 * never leaks it into a log line.
 */
public record GatewayEndpoint(URI url, @Nullable Token token) {

    /** The gateway's shared token (or a scoped device token). */
    public static final class Token {
        private final String value;

        public Token(String value) {
            this.value = value;
        }

        String value() {
            return value;
        }

        @Override
        public String toString() {
            return "****";
        }
    }
}
