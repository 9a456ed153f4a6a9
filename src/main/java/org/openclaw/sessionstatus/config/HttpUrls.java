package org.openclaw.sessionstatus.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The one test of an http(s) URL: the URL keys of the configuration, the environment's, the daemon {@code wait} asks. */
public final class HttpUrls {
    public static final Set<String> HTTP_OR_HTTPS = Set.of("http", "https");

    private HttpUrls() {
    }

    /** @return the value as a URI when it is one, with one of the schemes and a host; empty for anything else */
    public static Optional<URI> parse(@Nullable String value, Set<String> schemes) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            return uri.getScheme() != null && schemes.contains(uri.getScheme()) && uri.getHost() != null
                    ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
