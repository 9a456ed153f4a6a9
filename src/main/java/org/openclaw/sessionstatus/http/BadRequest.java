package org.openclaw.sessionstatus.http;

/** A request head the server will not serve: answered with {@code status} and the connection closed. */
final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    BadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
