package org.openclaw.sessionstatus.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SessionKeysTest {

    @ParameterizedTest
    @CsvSource({
        "agent:main:main, , MAIN",
        "agent:ops:subagent:0b7e-11, , SUBAGENT",
        "agent:main:cron:nightly, , CRON",
        "agent:main:cron:nightly:run:abc, , CRON",
        "agent:main:hook:5f2e, , HOOK",
        "agent:main:acp:claude:1, , ACP",
        "node-7f3a, , NODE",
        "agent:main:telegram:group:-100123, , GROUP",
        "agent:main:discord:channel:991:thread:12, , GROUP",
        "agent:main:slack:room-7, channel, GROUP",
        "agent:main:direct:+15551234567, , DIRECT",
        "agent:main:whatsapp:direct:+15551234567, , DIRECT",
        "agent:main:whatsapp:biz:direct:+15551234567, , DIRECT",
        "agent:main:quick, , OTHER",
        "global, , OTHER",
    })
    void kindFollowsTheKey(String key, String chatType, Kind kind) {
        assertEquals(kind, SessionKeys.kind(key, chatType));
    }

    @Test
    void agentComesFromTheKeyOrTheDir() {
        assertEquals("ops", SessionKeys.agent("agent:ops:main", "main"));
        assertEquals("work", SessionKeys.agent("node-7f3a", "work"));
    }

    @Test
    void personalSegmentsAreHashedStably() {
        String key = "agent:main:whatsapp:biz-account-4477:direct:+15551234567";
        String redacted = SessionKeys.redact(key);
        assertFalse(redacted.contains("+15551234567"), redacted);
        assertFalse(redacted.contains("4477"), "account ids can be phone numbers too: " + redacted);
        assertTrue(redacted.matches("agent:main:whatsapp:#[0-9a-f]{8}:direct:#[0-9a-f]{8}"), redacted);
        assertEquals(redacted, SessionKeys.redact(key), "stable");
        assertEquals(SessionKeys.kind(key, null), SessionKeys.kind(redacted, null), "the kind survives redaction");
    }

    @Test
    void idsWithColonsAreHashedWholeAndMarkersStay() {
        String redacted = SessionKeys.redact("agent:main:matrix:group:!room:example.org:thread:$ev1");
        assertTrue(redacted.matches("agent:main:matrix:group:#[0-9a-f]{8}:thread:#[0-9a-f]{8}"), redacted);
        assertFalse(redacted.contains("example.org"), redacted);
    }

    @Test
    void runIdsAreHashedAndPlainKeysStayAsTheyAre() {
        assertTrue(SessionKeys.redact("agent:main:cron:nightly:run:5d1c").matches("agent:main:cron:#[0-9a-f]{8}:run:#[0-9a-f]{8}"));
        assertEquals("agent:main:main", SessionKeys.redact("agent:main:main"));
        assertEquals("agent:main:quick", SessionKeys.redact("agent:main:quick"));
        assertEquals("node-7f3a", SessionKeys.redact("node-7f3a"));
    }
}
