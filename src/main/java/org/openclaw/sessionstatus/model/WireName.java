package org.openclaw.sessionstatus.model;

import java.util.Locale;

/** An enum written on the wire as its constant's name in lower case: {@code RELEASE_AFTER_GRACE} → {@code release_after_grace}. */
public interface WireName {
    String name();

    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
