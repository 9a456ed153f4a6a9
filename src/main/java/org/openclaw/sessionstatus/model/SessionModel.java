package org.openclaw.sessionstatus.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The session table: evidence in, verdicts and views out. Not thread-safe by design: one writer thread owns it and
 * everyone else sees the immutable views it produces. Evaluation is a function of the table and {@code now}, so a
 * replay can drive it with any clock.
 *
 * <p>Incremental: each session's verdict is kept with the instant it next changes by the clock alone. An evaluation
 * re-classifies only the sessions whose evidence changed and those whose verdict expired, and keeps the totals as
 * running sums, so one change costs the same at 100 sessions as at 100 000.
 */
public final class SessionModel {

    /**
     * What the model says at one instant, and until when that holds without new evidence.
     *
     * @param health every source's health as one
     * @param sources each source's own health, by {@link SourceHealth#source()}
     */
    public record Evaluation(boolean ready, StatusView status, BusyView busy, SourceHealth health,
            Map<String, SourceHealth> sources, long nextChangeAtMs, GatewayReading gateway) {

        public Evaluation {
            sources = Collections.unmodifiableMap(new TreeMap<>(sources));
        }
    }

    /** A session: its evidence, what its key says (worked out once per change), and its current verdict. */
    private static final class Session {
        final String partition;
        final SessionEvidence evidence;
        final String displayKey;
        final String agent;
        final Kind kind;
        @SuppressWarnings("NullAway.Init") // set by classify() before the session is read
        Classifier.Verdict verdict;
        boolean listed;
        long dueAt = Long.MAX_VALUE;
        boolean removed;

        Session(String partition, SessionEvidence evidence, String displayKey, String agent, Kind kind) {
            this.partition = partition;
            this.evidence = evidence;
            this.displayKey = displayKey;
            this.agent = agent;
            this.kind = kind;
        }

        boolean running() {
            return verdict.state() == Classifier.State.RUNNING;
        }

        boolean background() {
            return evidence.background();
        }

        /** Running or stale when last classified, or not classified yet: it may be work in flight. */
        boolean mayBeInFlight() {
            return verdict == null || verdict.state() != Classifier.State.IDLE;
        }
    }

    /**
     * The gateway's part in an evaluation, for {@code /metrics}.
     *
     * @param authoritative the gateway answered within {@link GatewayView#FRESH_MS}: its word counts
     * @param lanes the lanes it reported last (empty when it never answered)
     * @param slotSource where {@code maxConcurrent} came from
     */
    public record GatewayReading(boolean connected, boolean authoritative, List<GatewayView.Lane> lanes,
            SlotSource slotSource) {

        public GatewayReading {
            lanes = List.copyOf(lanes);
        }
    }

    /** A session's verdict must be worked out again at this instant. Stale entries are skipped when they surface. */
    private record Due(long at, Session session) {
    }

    private static final Comparator<StatusView.Detail> NEWEST_FIRST =
            Comparator.comparingLong(StatusView.Detail::updatedAt).reversed().thenComparing(StatusView.Detail::key);

    private final ModelSettings settings;
    private final Classifier classifier;
    private final Map<String, Map<String, Session>> partitions = new HashMap<>();
    private final Set<Session> unclassified = new LinkedHashSet<>();
    private final PriorityQueue<Due> due = new PriorityQueue<>(Comparator.comparingLong(Due::at));
    private final Set<Session> listed = new HashSet<>();
    /** Sessions out of their source's sight (see {@link PartitionUpdate#lostAtMs()}), held until their hold passes. */
    private final Set<Session> lost = new HashSet<>();
    /** Last-activity instants of all classified sessions, with counts: the newest is the snapshot's lastObservedAt. */
    private final TreeMap<Long, Integer> activity = new TreeMap<>();
    /** Sessions of the status route; background runs are not among them. */
    private int sessions;
    private int sessionsRunning;
    /** Everything running, background runs included: what makes the gateway busy. */
    private int running;
    private int queued;
    private int stale;
    private int completedRecently;
    private int failures;
    private int agentRuns;
    private int toolCalls;
    private int subagentRuns;
    private int cronRuns;
    private int recentActivity;
    /** Sessions of the status route running only by the mtime window: not running while the gateway says so. */
    private int sessionsRecentOnly;
    /** Sessions of the status route in flight by evidence that take a {@code main} lane slot (not subagent, cron). */
    private int mainInFlight;
    /** Background runs in flight by evidence other than the mtime window. */
    private int backgroundInFlight;
    private GatewayView gateway = GatewayView.NONE;
    private final Map<String, SourceHealth> health = new TreeMap<>();
    /** Each source's earliest scheduled run, by source: a source that knows none has no entry. */
    private final Map<String, Long> wakes = new TreeMap<>();
    /** Sources that stopped making progress: what they said last may no longer hold. */
    private Set<String> stalled = Set.of();
    private SlotLimit slotLimit;

    public SessionModel(ModelSettings settings) {
        this.settings = settings;
        this.classifier = new Classifier(settings);
        this.slotLimit = new SlotLimit(settings.maxConcurrent(),
                settings.maxConcurrentAuto() ? SlotSource.RELEASE_DEFAULT : SlotSource.CONFIGURED);
    }

    /**
     * A new, empty table for the same settings that remembers what the sources said of themselves, each now assumed
     * to be rescanning (so the lease holds) until it says otherwise: for starting over after a failure.
     */
    public SessionModel startOver() {
        SessionModel fresh = new SessionModel(settings);
        health.values().forEach(h -> fresh.health.put(h.source(), h.asRescanning()));
        fresh.slotLimit = slotLimit;
        fresh.gateway = gateway;
        fresh.stalled = stalled;
        fresh.wakes.putAll(wakes);
        return fresh;
    }

    public void apply(PartitionUpdate update) {
        String partition = update.partition();
        Map<String, Session> sessions = partitions.computeIfAbsent(partition, p -> new HashMap<>());
        List<Session> gone = new ArrayList<>();
        if (update.replaceAll()) {
            sessions.values().forEach(this::forget);
            gone.addAll(sessions.values());
            sessions.clear();
        }
        for (String key : update.removedKeys()) {
            Session removed = sessions.remove(key);
            if (removed != null) {
                forget(removed);
                gone.add(removed);
            }
        }
        if (update.lostAtMs() > 0) {
            // Seen in flight a moment ago, then out of sight: held as stale work, not taken for finished.
            for (Session session : gone) {
                if (session.mayBeInFlight()) {
                    sessions.put(session.evidence.key(), track(partition, session.evidence.lostSince(update.lostAtMs())));
                }
            }
        }
        for (SessionEvidence evidence : update.upserts()) {
            Session previous = sessions.put(evidence.key(), track(partition, evidence));
            if (previous != null) {
                forget(previous);
            }
        }
        if (sessions.isEmpty()) {
            partitions.remove(partition);
        }
    }

    private Session track(String partition, SessionEvidence evidence) {
        String key = evidence.key();
        // A transcript without a store entry is kind "other" whatever its name (docs/design.md §6).
        Kind kind = evidence.store() == null ? Kind.OTHER : SessionKeys.kind(key, evidence.chatType());
        Session session = new Session(partition, evidence, settings.redactKeys() ? SessionKeys.redact(key) : key,
                SessionKeys.agent(key, evidence.agentId()), kind);
        sessions += session.background() ? 0 : 1;
        unclassified.add(session);
        if (evidence.lostSinceMs() > 0) {
            lost.add(session);
        }
        return session;
    }

    private void forget(Session session) {
        sessions -= session.background() ? 0 : 1;
        session.removed = true;
        lost.remove(session);
        if (!unclassified.remove(session)) {
            count(session, -1);
        }
    }

    /** A source's own health replaces what it said before; a source that never spoke counts as starting. */
    public void health(SourceHealth sourceHealth) {
        health.put(sourceHealth.source(), sourceHealth);
    }

    /** These sources stopped making progress: each counts as rescanning (partial) until it is off the list. */
    public void stalled(Set<String> sources) {
        stalled = Set.copyOf(sources);
    }

    /** For {@code maxConcurrent: "auto"}: the gateway's config or OpenClaw's default; ignored for a fixed number. */
    public void maxConcurrent(SlotLimit limit) {
        if (settings.maxConcurrentAuto()) {
            this.slotLimit = limit;
        }
    }

    /** What the gateway said last; it replaces what it said before. */
    public void gateway(GatewayView view) {
        this.gateway = view;
    }

    /** A source's earliest scheduled run replaces what it said before; empty: it knows of none. */
    public void nextWake(String source, OptionalLong atMs) {
        if (atMs.isPresent()) {
            wakes.put(source, atMs.getAsLong());
        } else {
            wakes.remove(source);
        }
    }

    public Evaluation evaluate(long now) {
        for (Session session : unclassified) {
            classify(session, now);
        }
        unclassified.clear();
        while (!due.isEmpty() && due.peek().at() <= now) {
            Due next = due.poll();
            if (!next.session().removed && next.session().dueAt == next.at()) {
                count(next.session(), -1);
                classify(next.session(), now);
            }
        }
        dropExpired(now);
        while (!due.isEmpty() && (due.peek().session().removed || due.peek().session().dueAt != due.peek().at())) {
            due.poll();
        }
        boolean fresh = gateway.freshAt(now);
        Overlay overlay = fresh ? overlay() : null;
        List<StatusView.Detail> details = new ArrayList<>(listed.size());
        for (Session session : listed) {
            boolean running = overlay == null ? session.running() : overlay.running(session);
            details.add(new StatusView.Detail(session.displayKey, running ? "running" : "idle",
                    session.agent, session.kind.wireName(), session.verdict.updatedAtMs()));
        }
        if (overlay != null) {
            details.addAll(overlay.unlisted);
        }
        details.sort(NEWEST_FIRST);
        List<SourceHealth> sources = new ArrayList<>();
        health.values().forEach(h -> sources.add(stalled.contains(h.source()) ? h.asRescanning() : h));
        SourceHealth combined = SourceHealth.combine(sources);
        long lastObserved = activity.isEmpty() ? 0 : activity.lastKey();
        DecisionTable.Tally tally;
        StatusView status;
        Optional<GatewayView.Lane> main = fresh ? gateway.lane(GatewayView.MAIN_LANE) : Optional.empty();
        int maxConcurrent = settings.maxConcurrentAuto() && main.isPresent() ? main.get().maxConcurrent()
                : slotLimit.slots();
        SlotSource slotSource = settings.maxConcurrentAuto() && main.isPresent() ? SlotSource.GATEWAY_LANE
                : slotLimit.source();
        if (overlay == null) {
            tally = new DecisionTable.Tally(running, queued, stale, completedRecently, failures, agentRuns > 0,
                    toolCalls > 0, subagentRuns > 0, cronRuns > 0, recentActivity > 0, lastObserved, false, false);
            status = new StatusView(sessionsRunning, sessions - sessionsRunning, sessions, maxConcurrent,
                    Math.max(0, maxConcurrent - sessionsRunning), details, combined.partial(), combined.unreadable());
        } else {
            tally = new DecisionTable.Tally(overlay.running, overlay.queued, stale, completedRecently, failures,
                    overlay.agentRuns, toolCalls > 0, overlay.subagentRuns, overlay.cronRuns, false, lastObserved,
                    overlay.disagree, true);
            // What holds or will hold a main slot: the lane's count lags admission by seconds, the sessions do not.
            int holders = Math.max(overlay.mainSessions, main.map(lane -> lane.active() + lane.queued()).orElse(0));
            int total = sessions + overlay.unknownToDisk;
            status = new StatusView(overlay.sessionsRunning, total - overlay.sessionsRunning, total, maxConcurrent,
                    Math.max(0, maxConcurrent - holders), details, combined.partial(), combined.unreadable());
        }
        BusyView busy = DecisionTable.decide(tally, combined,
                wakes.values().stream().mapToLong(Long::longValue).min().orElse(0), settings);
        long nextChange = due.isEmpty() ? Long.MAX_VALUE : due.peek().at();
        if (fresh) {
            nextChange = Math.min(nextChange, gateway.staleAtMs());
        }
        return new Evaluation(combined.scanned(), status, busy, combined, health, nextChange,
                new GatewayReading(gateway.connected(), fresh, gateway.lanes(), slotSource));
    }

    /**
     * The sessions' totals with a fresh gateway's word laid over them (docs/design.md §4). A run either side shows counts,
     * except that the mtime window alone no longer makes a session running, and a run the gateway has queued is
     * queued, not running. Costs one lookup per run the gateway reports, not one per session.
     */
    private Overlay overlay() {
        Overlay overlay = new Overlay();
        overlay.running = running - recentActivity;
        overlay.sessionsRunning = sessionsRunning - sessionsRecentOnly;
        overlay.queued = queued;
        overlay.mainSessions = mainInFlight;
        overlay.agentRuns = agentRuns > 0;
        overlay.subagentRuns = subagentRuns > 0;
        overlay.cronRuns = cronRuns > 0;
        int matched = 0;
        for (GatewayView.Run run : gateway.runs()) {
            Session session = find(run.key());
            boolean onDisk = session != null && inFlight(session);
            Kind kind = session != null ? session.kind : SessionKeys.kind(run.key(), null);
            boolean mainLane = takesMainSlot(kind);
            matched += onDisk ? 1 : 0;
            if (run.queued()) {
                overlay.queued++;
                overlay.queuedKeys.add(run.key());
                if (onDisk) {
                    overlay.running--;
                    overlay.sessionsRunning--;
                } else {
                    overlay.mainSessions += mainLane ? 1 : 0;
                }
            } else {
                overlay.runningKeys.add(run.key());
                if (!onDisk) {
                    overlay.running++;
                    overlay.sessionsRunning++;
                    overlay.mainSessions += mainLane ? 1 : 0;
                    overlay.agentRuns |= kind != Kind.SUBAGENT && kind != Kind.CRON;
                    overlay.subagentRuns |= kind == Kind.SUBAGENT;
                    overlay.cronRuns |= kind == Kind.CRON;
                }
                if (session == null || !session.listed) {
                    overlay.unlisted.add(new StatusView.Detail(settings.redactKeys() ? SessionKeys.redact(run.key())
                            : run.key(), "running", SessionKeys.agent(run.key(), run.agentId()), kind.wireName(),
                            session == null ? gateway.answeredAtMs() : session.verdict.updatedAtMs()));
                }
            }
            overlay.unknownToDisk += session == null ? 1 : 0;
        }
        boolean lanesIdle = gateway.lanes().stream().allMatch(lane -> lane.active() + lane.queued() == 0);
        overlay.disagree = sessionsRunning - sessionsRecentOnly > matched || backgroundInFlight > 0 && lanesIdle;
        return overlay;
    }

    /** The totals of {@link #overlay()}, and which sessions the gateway runs or has queued. */
    private static final class Overlay {
        int running;
        int sessionsRunning;
        int queued;
        int mainSessions;
        int unknownToDisk;
        boolean agentRuns;
        boolean subagentRuns;
        boolean cronRuns;
        boolean disagree;
        final Set<String> runningKeys = new HashSet<>();
        final Set<String> queuedKeys = new HashSet<>();
        final List<StatusView.Detail> unlisted = new ArrayList<>();

        boolean running(Session session) {
            String key = session.evidence.key();
            return runningKeys.contains(key) || inFlight(session) && !queuedKeys.contains(key);
        }
    }

    /** Running by evidence of a run in flight, not only by the mtime window. */
    private static boolean inFlight(Session session) {
        return session.running() && !session.verdict.recentOnly();
    }

    /** Subagents run on the {@code subagent} lane, cron jobs on {@code cron}/{@code cron-nested}; the rest on main. */
    private static boolean takesMainSlot(Kind kind) {
        return kind != Kind.SUBAGENT && kind != Kind.CRON;
    }

    /** A session of the status route by its key, in whichever partition holds it. */
    private @Nullable Session find(String key) {
        for (Map<String, Session> partition : partitions.values()) {
            Session session = partition.get(key);
            if (session != null && !session.background()) {
                return session;
            }
        }
        return null;
    }

    /** Sessions out of their source's sight whose hold has passed (the source did not see them again): gone. */
    private void dropExpired(long now) {
        if (lost.isEmpty()) {
            return;
        }
        for (Session session : List.copyOf(lost)) {
            if (now - session.evidence.lostSinceMs() >= settings.cautiousLeaseMs()) {
                Map<String, Session> sessions = partitions.get(session.partition);
                if (sessions != null && sessions.remove(session.evidence.key()) != null && sessions.isEmpty()) {
                    partitions.remove(session.partition);
                }
                forget(session);
            }
        }
    }

    /** Works out the session's verdict at {@code now}, counts it, and schedules the next instant it changes. */
    private void classify(Session session, long now) {
        Classifier.Verdict verdict = classifier.classify(session.evidence, now);
        session.verdict = verdict;
        boolean recent = verdict.updatedAtMs() > 0 && now - verdict.updatedAtMs() < settings.detailsWindowMs();
        session.listed = !session.background() && (session.running() || recent);
        count(session, +1);
        // Leaving the details window is a change too; a running session's own verdict says when it stops.
        long leavesDetails = session.listed && !session.running() ? verdict.updatedAtMs() + settings.detailsWindowMs()
                : Long.MAX_VALUE;
        session.dueAt = Math.min(verdict.nextChangeAtMs(), leavesDetails);
        if (session.dueAt != Long.MAX_VALUE) {
            due.add(new Due(session.dueAt, session));
        }
    }

    /** Adds ({@code +1}) or takes back ({@code -1}) a classified session's part in the totals. */
    private void count(Session session, int sign) {
        Classifier.Verdict verdict = session.verdict;
        if (session.running()) {
            running += sign;
            sessionsRunning += session.background() ? 0 : sign;
            queued += sign * verdict.queued();
            toolCalls += verdict.toolCall() ? sign : 0;
            recentActivity += verdict.recentOnly() ? sign : 0;
            if (session.background()) {
                backgroundInFlight += verdict.recentOnly() ? 0 : sign;
            } else {
                sessionsRecentOnly += verdict.recentOnly() ? sign : 0;
                mainInFlight += !verdict.recentOnly() && takesMainSlot(session.kind) ? sign : 0;
            }
            if (!verdict.recentOnly()) {
                subagentRuns += session.kind == Kind.SUBAGENT ? sign : 0;
                cronRuns += session.kind == Kind.CRON ? sign : 0;
                agentRuns += session.kind != Kind.SUBAGENT && session.kind != Kind.CRON ? sign : 0;
            }
        }
        stale += verdict.state() == Classifier.State.STALE ? sign : 0;
        completedRecently += verdict.completedRecently() ? sign : 0;
        failures += verdict.failedRecently() ? sign : 0;
        if (verdict.updatedAtMs() > 0) {
            activity.merge(verdict.updatedAtMs(), sign, (a, b) -> a + b == 0 ? null : a + b);
        }
        if (session.listed) {
            if (sign > 0) {
                listed.add(session);
            } else {
                listed.remove(session);
            }
        }
    }
}
