package org.openclaw.sessionstatus.source.sqlite;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.openclaw.sessionstatus.model.SessionEvidence.Liveness;
import org.openclaw.sessionstatus.model.SessionEvidence.Owner;
import org.openclaw.sessionstatus.source.ProcessTable;

/**
 * Whether the processes behind the databases' claims still run (docs/design.md §5): the gateway — by its lock files,
 * else by its {@code gateway-owner} lease — and each running task's execution owner. A pid counts with its start time,
 * as OpenClaw checks it; where pids cannot be checked, a lease whose heartbeat is older than 90 s means the gateway is
 * gone. Remembers when each process was first seen dead, so a stale claim is held from that moment.
 */
final class Owners {
    /** OpenClaw heartbeats every 30 s; three missed beats and the owner is gone. */
    static final long HEARTBEAT_STALE_MS = 90_000;

    private record Process(long pid, long startTime) {
    }

    private final ProcessTable processes;
    private Map<Process, Long> deadSince = new HashMap<>();
    private Map<Process, Long> seenDeadNow = new HashMap<>();

    Owners(ProcessTable processes) {
        this.processes = processes;
    }

    /** Starts one evaluation at {@code now}: processes not asked about in it are forgotten afterwards. */
    void begin() {
        seenDeadNow = new HashMap<>();
    }

    void end() {
        deadSince = seenDeadNow;
    }

    /** The gateway: alive while one of its lock files' pids runs; else what its lease says; null when nothing says. */
    @Nullable Owner gateway(List<GatewayLocks.Holder> locks, Optional<StateRows.Lease> lease, long now) {
        Owner byLocks = null;
        for (GatewayLocks.Holder lock : locks) {
            if (!lock.embedded()) {
                byLocks = either(byLocks, process(lock.pid(), lock.startTime(), now));
            }
        }
        if (byLocks != null && byLocks.liveness() != Liveness.UNCHECKED) {
            return byLocks;
        }
        if (lease.isEmpty()) {
            return byLocks;
        }
        Owner byPid = lease.get().pid() > 0 ? process(lease.get().pid(), lease.get().startTime(), now) : null;
        if (byPid != null && byPid.liveness() != Liveness.UNCHECKED) {
            return byPid;
        }
        long heartbeat = lease.get().heartbeatAt();
        if (heartbeat <= 0) {
            return new Owner(Liveness.UNCHECKED, 0);
        }
        long staleAt = heartbeat + HEARTBEAT_STALE_MS;
        return now < staleAt ? new Owner(Liveness.ALIVE, 0) : new Owner(Liveness.DEAD, staleAt);
    }

    /** A task's execution owner, or the gateway when the task names none that can be checked. */
    @Nullable Owner task(StateRows.Task task, @Nullable Owner gateway, long now) {
        if (task.ownerPid() <= 0) {
            return gateway;
        }
        Owner owner = process(task.ownerPid(), task.ownerStartTime(), now);
        return owner.liveness() == Liveness.UNCHECKED && gateway != null ? gateway : owner;
    }

    /** One process, checked against the process table. */
    Owner process(long pid, long startTime, long now) {
        Liveness liveness = processes.liveness(OptionalLong.of(pid),
                startTime > 0 ? OptionalLong.of(startTime) : OptionalLong.empty());
        if (liveness != Liveness.DEAD) {
            return new Owner(liveness, 0);
        }
        Process process = new Process(pid, startTime);
        long since = deadSince.getOrDefault(process, now);
        seenDeadNow.put(process, since);
        return new Owner(Liveness.DEAD, since);
    }

    /** Two owners of claims on one session: alive if either is; else dead if either is (since the first); else either. */
    static @Nullable Owner either(@Nullable Owner a, @Nullable Owner b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        if (a.liveness() == Liveness.ALIVE || b.liveness() == Liveness.ALIVE) {
            return new Owner(Liveness.ALIVE, 0);
        }
        if (a.liveness() == Liveness.DEAD && b.liveness() == Liveness.DEAD) {
            return new Owner(Liveness.DEAD, Math.min(a.deadSinceMs(), b.deadSinceMs()));
        }
        return a.liveness() == Liveness.DEAD ? a : b;
    }
}
