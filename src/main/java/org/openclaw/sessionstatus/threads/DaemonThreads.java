package org.openclaw.sessionstatus.threads;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads: none of the daemon's own threads may keep the JVM alive after {@code main} returns. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** Threads called {@code name}, for executors. */
    public static ThreadFactory factory(String name) {
        return runnable -> create(name, runnable);
    }

    /** A thread called {@code name}, not yet started. */
    public static Thread create(String name, Runnable runnable) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
