package org.openclaw.sessionstatus.model;

/** Where {@code maxConcurrent} came from (SPEC §2c): a number configured here, or the {@code auto} chain's step. */
public enum SlotSource implements WireName {
    /** {@code maxConcurrent} set to a number in this daemon's config. */
    CONFIGURED,
    /** The gateway's {@code main} lane, while connected. */
    GATEWAY_LANE,
    /** {@code agents.defaults.maxConcurrent} in the gateway's {@code openclaw.json}. */
    GATEWAY_CONFIG,
    /** OpenClaw's own default for the release on disk. */
    RELEASE_DEFAULT
}
