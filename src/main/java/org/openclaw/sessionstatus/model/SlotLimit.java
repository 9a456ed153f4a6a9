package org.openclaw.sessionstatus.model;

/**
 * The slot count {@code maxConcurrent: "auto"} falls back on while no gateway lane is known: the gateway's configured
 * {@code agents.defaults.maxConcurrent}, else OpenClaw's default for the release on disk.
 */
public record SlotLimit(int slots, SlotSource source) {
}
