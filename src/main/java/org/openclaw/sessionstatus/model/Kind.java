package org.openclaw.sessionstatus.model;

import java.util.Locale;

/** What a session is for, from its key (SPEC §2). */
enum Kind {
    MAIN, SUBAGENT, CRON, HOOK, ACP, NODE, GROUP, DIRECT, OTHER;

    String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
