package org.openclaw.sessionstatus.model;

/** What a session is for, from its key (docs/design.md §6). */
enum Kind implements WireName {
    MAIN, SUBAGENT, CRON, HOOK, ACP, NODE, GROUP, DIRECT, OTHER
}
