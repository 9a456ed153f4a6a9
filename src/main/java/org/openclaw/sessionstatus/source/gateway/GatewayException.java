package org.openclaw.sessionstatus.source.gateway;

/**
 * The gateway refused a request, or the connection failed. {@code code} is the protocol's error code
 * ({@code UNAVAILABLE}, {@code FORBIDDEN}, …; {@code details.code} when it gives one, such as
 * {@code AUTH_TOKEN_MISMATCH}), or one of this client's: {@link #CLOSED}, {@link #TIMEOUT}, {@link #PROTOCOL}.
 * The message never contains a credential.
 *
 * @param retryAfterMs how long the gateway asked the client to wait, 0 when it did not say
 */
public final class GatewayException extends Exception {
    public static final String CLOSED = "CLOSED";
    public static final String TIMEOUT = "TIMEOUT";
    public static final String PROTOCOL = "PROTOCOL";
    private static final long serialVersionUID = 1L;

    private final String code;
    private final boolean retryable;
    private final long retryAfterMs;

    public GatewayException(String code, String message, boolean retryable, long retryAfterMs) {
        super(code + ": " + message);
        this.code = code;
        this.retryable = retryable;
        this.retryAfterMs = retryAfterMs;
    }

    public String code() {
        return code;
    }

    /** Trying again later may work: the gateway is starting, busy, or went away. */
    public boolean retryable() {
        return retryable;
    }

    public long retryAfterMs() {
        return retryAfterMs;
    }
}
