package org.openclaw.sessionstatus.testing;

/** Transcript lines as OpenClaw writes them (2026.7.1 file era), for tests outside the transcript parser's package. */
public final class Transcripts {
    /** An assistant turn that ended: the session is done. */
    public static final String FINISHED = "{\"type\":\"message\",\"id\":\"a\",\"parentId\":null,"
            + "\"timestamp\":\"2026-11-22T04:04:24.617Z\",\"message\":{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"text\",\"text\":\"done\"}],\"stopReason\":\"stop\"}}\n";
    /** An assistant turn that called a tool: a run is in flight until its result. */
    public static final String IN_TOOL_CALL = "{\"type\":\"message\",\"id\":\"a\",\"parentId\":null,"
            + "\"timestamp\":\"2026-11-22T04:04:24.617Z\",\"message\":{\"role\":\"assistant\",\"content\":"
            + "[{\"type\":\"toolCall\",\"id\":\"t\",\"name\":\"exec\"}],\"stopReason\":\"toolUse\"}}\n";

    private Transcripts() {
    }
}
