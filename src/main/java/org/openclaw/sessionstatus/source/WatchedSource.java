package org.openclaw.sessionstatus.source;

import java.nio.file.Path;
import java.util.List;

/** A source whose work runs on its own {@link SourceWorker}: the life cycle every such source shares. */
public abstract class WatchedSource implements Source, SourceWorker.Job {
    protected final SourceWorker worker;

    protected WatchedSource(String name) {
        this.worker = new SourceWorker(name, this::roots, this);
    }

    /** What the source's health is reported as ({@link org.openclaw.sessionstatus.model.SourceHealth#source()}). */
    public abstract String name();

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

    @Override
    public final void requestRescan(String why) {
        worker.requestRescan(why);
    }

    @Override
    public final void close() {
        worker.close();
    }
}
