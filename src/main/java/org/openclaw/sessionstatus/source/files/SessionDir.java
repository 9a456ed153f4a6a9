package org.openclaw.sessionstatus.source.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.openclaw.sessionstatus.io.RegularFiles;
import org.openclaw.sessionstatus.model.PartitionUpdate;
import org.openclaw.sessionstatus.model.SessionEvidence;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.source.AccessWarnings;
import org.openclaw.sessionstatus.source.LastMessage;
import org.openclaw.sessionstatus.source.ProcessTable;
import org.openclaw.sessionstatus.source.ReadCounters;

/**
 * One OpenClaw session dir: what its store, transcripts and locks say, joined into one {@link SessionEvidence} per
 * session (docs/design.md §3). A change to one file re-reads that file only and re-joins only the sessions it touches;
 * the evidence last sent is kept so only real changes reach the model. Used by one thread at a time.
 */
final class SessionDir {
    static final String STORE = "sessions.json";
    private static final String TRANSCRIPT_SUFFIX = ".jsonl";
    private static final String LOCK_SUFFIX = ".lock";
    private static final int MAX_LOCK_BYTES = 4096;

    private record TranscriptFile(long mtimeMs, long size, SessionEvidence.Transcript evidence) {
    }

    private record HeldLock(LockFile file, Liveness liveness, long deadSinceMs) {
        SessionEvidence.Lock evidence() {
            return new SessionEvidence.Lock(file.createdAtMs(), file.maxHoldMs(), liveness, deadSinceMs);
        }
    }

    private final Path dir;
    private final String agentId;
    private final ProcessTable processes;
    private final ReadCounters counters;
    private final Runnable progress;
    private final AccessWarnings warnings;
    private final Map<String, TranscriptFile> transcripts = new HashMap<>();
    private final Map<String, HeldLock> locks = new HashMap<>();
    private Map<String, StoreFile.Entry> store = Map.of();
    /** Transcript name → the entries that would use it. */
    private final Map<String, List<StoreFile.Entry>> entriesByCandidate = new HashMap<>();
    private final Map<String, SessionEvidence> sent = new HashMap<>();
    /** The store exists but may not be read: its sessions cannot be seen, so the dir counts as unreadable. */
    private boolean storeUnreadable;

    /**
     * @param progress marks progress while a large dir is read (the worker's stuck detection)
     * @param warnings where a store this user may not read is said, once
     */
    SessionDir(Path dir, String agentId, ProcessTable processes, ReadCounters counters, Runnable progress,
            AccessWarnings warnings) {
        this.dir = dir;
        this.warnings = warnings;
        this.agentId = agentId;
        this.processes = processes;
        this.counters = counters;
        this.progress = progress;
    }

    String partition() {
        return dir.toString();
    }

    boolean storeUnreadable() {
        return storeUnreadable;
    }

    static boolean isTranscript(String name) {
        return name.endsWith(TRANSCRIPT_SUFFIX) && name.length() > TRANSCRIPT_SUFFIX.length()
                && !name.endsWith(".trajectory" + TRANSCRIPT_SUFFIX);
    }

    static boolean isLock(String name) {
        return name.endsWith(LOCK_SUFFIX) && isTranscript(name.substring(0, name.length() - LOCK_SUFFIX.length()));
    }

    /** Reads the whole dir and returns its complete content. */
    PartitionUpdate scan(long now) throws IOException {
        Set<String> names = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        }
        transcripts.keySet().retainAll(names);
        locks.keySet().removeIf(name -> !names.contains(name + LOCK_SUFFIX));
        readStore(now);
        for (String name : names) {
            progress.run();
            if (isTranscript(name)) {
                readTranscript(name, now);
            } else if (isLock(name)) {
                readLock(transcriptOf(name), now);
            }
        }
        sent.clear();
        rejoin(allNames(), new ArrayList<>(), new HashSet<>());
        return PartitionUpdate.replace(partition(), List.copyOf(sent.values()));
    }

    /** One entry of the dir changed (created, modified, deleted): the sessions it touched, if any changed. */
    Optional<PartitionUpdate> changed(String name, long now) {
        if (name.equals(STORE)) {
            Optional<Set<String>> removedKeys = readStore(now);
            return removedKeys.isEmpty() ? Optional.empty() : patch(allNames(), removedKeys.get());
        } else if (isTranscript(name)) {
            readTranscript(name, now);
            return patch(Set.of(name), Set.of());
        } else if (isLock(name)) {
            readLock(transcriptOf(name), now);
            return patch(Set.of(transcriptOf(name)), Set.of());
        }
        return Optional.empty();
    }

    /** Checks every held lock's holder again: a gateway killed mid-run leaves its lock behind and sends no event. */
    Optional<PartitionUpdate> recheckLocks(long now) {
        Set<String> touched = new HashSet<>();
        for (Map.Entry<String, HeldLock> held : locks.entrySet()) {
            HeldLock lock = held.getValue();
            Liveness liveness = processes.liveness(lock.file().pid(), lock.file().starttime());
            if (liveness != lock.liveness()) {
                held.setValue(new HeldLock(lock.file(), liveness, liveness == Liveness.DEAD ? now : 0));
                touched.add(held.getKey());
            }
        }
        return touched.isEmpty() ? Optional.empty() : patch(touched, Set.of());
    }

    private Optional<PartitionUpdate> patch(Set<String> touchedNames, Set<String> removedKeys) {
        List<SessionEvidence> upserts = new ArrayList<>();
        Set<String> removed = new HashSet<>(removedKeys);
        rejoin(touchedNames, upserts, removed);
        return upserts.isEmpty() && removed.isEmpty() ? Optional.empty()
                : Optional.of(PartitionUpdate.patch(partition(), upserts, removed));
    }

    /**
     * Reads the store again; its timestamps from the future are taken as now. A torn or invalid store keeps the last
     * good one; one that exists but may not be read makes the dir unreadable; a FIFO or dir in its place is skipped.
     *
     * @return the keys that left the store, or empty when it could not be read: the last good one stays
     */
    private Optional<Set<String>> readStore(long now) {
        StoreFile.Parsed parsed;
        try (InputStream in = RegularFiles.stream(dir.resolve(STORE))) {
            parsed = StoreFile.parse(in);
        } catch (NoSuchFileException e) {
            parsed = new StoreFile.Parsed(Map.of(), 0);
        } catch (RegularFiles.NotRegular | AccessDeniedException e) {
            // A store that is there but cannot be read may list sessions the daemon cannot see: never a free slot.
            if (e instanceof RegularFiles.NotRegular) {
                counters.skipped();
            } else {
                warnings.denied(dir.resolve(STORE));
            }
            storeUnreadable = true;
            return Optional.empty();
        } catch (IOException e) {
            counters.skipped();
            return Optional.empty();
        }
        if (storeUnreadable) {
            warnings.readable(dir.resolve(STORE));
        }
        storeUnreadable = false;
        counters.skipped(parsed.skipped());
        Set<String> removedKeys = new HashSet<>();
        Set<String> previousKeys = store.keySet();
        Map<String, StoreFile.Entry> entries = new LinkedHashMap<>();
        parsed.entries().forEach((key, entry) -> entries.put(key, new StoreFile.Entry(key, entry.sessionId(),
                counters.notInFuture(entry.updatedAtMs(), now), entry.sessionFile(), entry.status(),
                counters.notInFuture(entry.endedAtMs(), now), entry.chatType())));
        store = entries;
        entriesByCandidate.clear();
        for (StoreFile.Entry entry : store.values()) {
            for (String candidate : entry.transcriptCandidates()) {
                entriesByCandidate.computeIfAbsent(candidate, c -> new ArrayList<>(1)).add(entry);
            }
        }
        for (String key : previousKeys) {
            if (!store.containsKey(key) && sent.remove(key) != null) {
                removedKeys.add(key);
            }
        }
        return Optional.of(removedKeys);
    }

    /** Reads a transcript's tail if it changed; its mtime and last message's time, if in the future, as now. */
    private void readTranscript(String name, long now) {
        Path file = dir.resolve(name);
        BasicFileAttributes attributes;
        try {
            attributes = RegularFiles.attributes(file);
        } catch (RegularFiles.NotRegular e) {
            counters.skipped();
            transcripts.remove(name);
            return;
        } catch (IOException e) {
            transcripts.remove(name);
            return;
        }
        long mtime = attributes.lastModifiedTime().toMillis();
        long size = attributes.size();
        TranscriptFile known = transcripts.get(name);
        if (known != null && known.mtimeMs() == mtime && known.size() == size) {
            return;
        }
        LastMessage.Result tail;
        try (SeekableByteChannel channel = RegularFiles.open(file)) {
            tail = TranscriptTail.read(channel);
        } catch (NoSuchFileException e) {
            transcripts.remove(name);
            return;
        } catch (IOException e) {
            counters.skipped();
            tail = LastMessage.Result.UNKNOWN;
        }
        transcripts.put(name, new TranscriptFile(mtime, size, new SessionEvidence.Transcript(
                counters.notInFuture(mtime, now), size, tail.phase(), counters.notInFuture(tail.lastMessageAtMs(), now))));
    }

    /**
     * Reads a lock. One that exists but may not be read is still a lock: held by a process that cannot be checked, so
     * the session runs until the lock's maximum hold — never idle. A FIFO or dir in its place is skipped.
     */
    private void readLock(String transcriptName, long now) {
        Path file = dir.resolve(transcriptName + LOCK_SUFFIX);
        long mtime;
        try {
            mtime = counters.notInFuture(RegularFiles.attributes(file).lastModifiedTime().toMillis(), now);
        } catch (RegularFiles.NotRegular e) {
            counters.skipped();
            locks.remove(transcriptName);
            return;
        } catch (IOException e) {
            locks.remove(transcriptName);
            return;
        }
        LockFile lock;
        try {
            lock = LockFile.parse(RegularFiles.read(file, MAX_LOCK_BYTES), mtime);
        } catch (NoSuchFileException e) {
            locks.remove(transcriptName);
            return;
        } catch (IOException e) {
            lock = LockFile.parse(new byte[0], mtime);
        }
        lock = new LockFile(lock.pid(), lock.starttime(), counters.notInFuture(lock.createdAtMs(), now), lock.maxHoldMs());
        Liveness liveness = processes.liveness(lock.pid(), lock.starttime());
        HeldLock previous = locks.get(transcriptName);
        long deadSince = liveness != Liveness.DEAD ? 0
                : previous != null && previous.file().equals(lock) && previous.liveness() == Liveness.DEAD
                        ? previous.deadSinceMs() : now;
        locks.put(transcriptName, new HeldLock(lock, liveness, deadSince));
    }

    private static String transcriptOf(String lockName) {
        return lockName.substring(0, lockName.length() - LOCK_SUFFIX.length());
    }

    private Set<String> allNames() {
        Set<String> names = new HashSet<>(transcripts.keySet());
        names.addAll(locks.keySet());
        names.addAll(entriesByCandidate.keySet());
        return names;
    }

    /**
     * Recomputes the evidence of every session that involves one of these transcript names: the entries that may
     * use them, and the names' own orphan sessions (a transcript or lock no entry claims).
     */
    private void rejoin(Set<String> names, List<SessionEvidence> upserts, Set<String> removed) {
        Map<String, StoreFile.Entry> entries = new HashMap<>();
        Set<String> affectedNames = new HashSet<>(names);
        for (String name : names) {
            for (StoreFile.Entry entry : entriesByCandidate.getOrDefault(name, List.of())) {
                entries.put(entry.key(), entry);
                affectedNames.addAll(entry.transcriptCandidates());
            }
        }
        Set<String> keys = entries.keySet();
        Set<String> claimed = new HashSet<>();
        for (StoreFile.Entry entry : entries.values()) {
            String key = entry.key();
            String name = resolve(entry);
            claimed.add(name);
            TranscriptFile transcript = transcripts.get(name);
            HeldLock lock = locks.get(name);
            send(SessionEvidence.session(key, agentId, entry.chatType(),
                    transcript == null ? null : transcript.evidence(), lock == null ? null : lock.evidence(),
                    new SessionEvidence.Store(entry.updatedAtMs(), entry.status(), entry.endedAtMs())), upserts);
        }
        for (String name : affectedNames) {
            String orphanKey = "agent:" + agentId + ":" + name.substring(0, name.length() - TRANSCRIPT_SUFFIX.length());
            TranscriptFile transcript = transcripts.get(name);
            HeldLock lock = locks.get(name);
            boolean orphan = !claimed.contains(name) && !isClaimedElsewhere(name, keys)
                    && (transcript != null || lock != null) && !store.containsKey(orphanKey);
            if (orphan) {
                send(SessionEvidence.session(orphanKey, agentId, null, transcript == null ? null : transcript.evidence(),
                        lock == null ? null : lock.evidence(), null), upserts);
            } else if (!store.containsKey(orphanKey) && sent.remove(orphanKey) != null) {
                removed.add(orphanKey);
            }
        }
    }

    private boolean isClaimedElsewhere(String name, Set<String> alreadyChecked) {
        for (StoreFile.Entry entry : entriesByCandidate.getOrDefault(name, List.of())) {
            if (!alreadyChecked.contains(entry.key()) && resolve(entry).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** {@code sessionFile}'s name if that transcript (or its lock) exists here, else {@code <sessionId>.jsonl}. */
    private String resolve(StoreFile.Entry entry) {
        List<String> candidates = entry.transcriptCandidates();
        for (String candidate : candidates) {
            if (transcripts.containsKey(candidate) || locks.containsKey(candidate)) {
                return candidate;
            }
        }
        return candidates.get(candidates.size() - 1);
    }

    private void send(SessionEvidence evidence, List<SessionEvidence> upserts) {
        if (!Objects.equals(sent.put(evidence.key(), evidence), evidence)) {
            upserts.add(evidence);
        }
    }
}
