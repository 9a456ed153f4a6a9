package org.openclaw.sessionstatus.source;

/** Turns one part of the outside world into evidence for the model's sink. */
public interface Source extends AutoCloseable {

    /** Reads everything once and delivers it, on the calling thread: for one-shot commands. */
    void scanOnce();

    /** Scans, then follows changes on its own thread until closed. */
    void start();

    /** What its health is reported as ({@link org.openclaw.sessionstatus.model.SourceHealth#source()}). */
    String name();

    /** Whether its thread is making progress. */
    boolean healthy();

    /** Delivers everything again, as a fresh scan would (the model started over). */
    void requestRescan(String why);

    @Override
    void close();
}
