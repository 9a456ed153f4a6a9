package org.openclaw.sessionstatus.source;

import java.nio.file.Path;
import java.util.List;

/** A source whose work runs on its own {@link SourceWorker}: the life cycle every such source shares. */
public abstract class WatchedSource implements Source, SourceWorker.Job {
    protected final SourceWorker worker;
    private final String name;

    /**
     * @param threadName the worker thread's name
     * @param name what the source's health is reported as ({@link org.openclaw.sessionstatus.model.SourceHealth#source()})
     */
    protected WatchedSource(String threadName, String name) {
        this.worker = new SourceWorker(threadName, this::roots, this);
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    /** The dirs to watch; asked again on every tick, so a root may appear later. */
    protected abstract List<Path> roots();

    @Override
    public final void scanOnce() {
        rescan(null);
    }

    @Override
    public final void start() {
        worker.start();
    }

    @Override
    public final boolean healthy() {
        return worker.healthy();
    }

    /** Checks at once what no event announces (a process that died), on its own thread. */
    public final void tickNow() {
        worker.tickNow();
    }

    @Override
    public final void requestRescan(String why) {
        worker.requestRescan(why);
    }

    @Override
    public final void close() {
        worker.close();
    }
}
