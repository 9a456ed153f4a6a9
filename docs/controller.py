#!/usr/bin/env python3
"""Sample lease controller for openclaw-session-status (stdlib only).

Polls GET /plugins/busy-state/lease (or reads the JSON log stream on stdin with --stdin) and keeps a container
lease the way docs/controller.md describes:

  extend               lease_until = now + extendForMs; any idle grace is cancelled
  hold                 lease_until = max(lease_until, now + extendForMs); grace is cancelled
  release_after_grace  start the grace timer (idleGraceMs) once; release when it and the lease have both run out
  unknown / no answer  controller policy: keep the lease for --unknown-hold-ms, never release on it

On release it runs --release-command (default: print only) and exits 0. The daemon itself never stops anything.
"""
import argparse
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fetch_lease(url, secret, timeout):
    request = urllib.request.Request(url + "/plugins/busy-state/lease")
    if secret:
        request.add_header("Authorization", "Bearer " + secret)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        print(f"controller: no answer ({error}); treating as unknown", file=sys.stderr)
        return None


def stdin_snapshots():
    for line in sys.stdin:
        try:
            snapshot = json.loads(line)
        except ValueError:
            continue
        # Parse only the lines of this contract: marker and version.
        if snapshot.get("marker") == "openclaw-busy-state" and snapshot.get("version") == 1:
            yield snapshot


class Lease:
    def __init__(self, unknown_hold_ms):
        self.unknown_hold_ms = unknown_hold_ms
        self.until = 0.0
        self.grace_until = None

    def apply(self, snapshot, now):
        """Returns the decision taken: extend, hold, grace, release or wait."""
        lease = (snapshot or {}).get("lease") or {}
        action = lease.get("recommendedAction", "unknown")
        if action == "extend":
            self.until = now + lease["extendForMs"] / 1000
            self.grace_until = None
            return "extend"
        if action == "hold":
            self.until = max(self.until, now + lease["extendForMs"] / 1000)
            self.grace_until = None
            return "hold"
        if action == "release_after_grace":
            if self.grace_until is None:
                self.grace_until = now + lease["idleGraceMs"] / 1000
                return "grace"
            if now >= self.grace_until and now >= self.until:
                return "release"
            return "wait"
        self.until = max(self.until, now + self.unknown_hold_ms / 1000)
        self.grace_until = None
        return "hold"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:18780")
    parser.add_argument("--secret-file", help="file holding the bearer secret")
    parser.add_argument("--stdin", action="store_true", help="read the JSON log stream from stdin instead of polling")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between polls")
    parser.add_argument("--iterations", type=int, default=0, help="stop after this many decisions (0: run until release)")
    parser.add_argument("--unknown-hold-ms", type=int, default=120000)
    parser.add_argument("--release-command", help="shell command run on release, e.g. 'docker stop openclaw'")
    args = parser.parse_args()
    secret = open(args.secret_file).read().strip() if args.secret_file else None

    lease = Lease(args.unknown_hold_ms)
    source = stdin_snapshots() if args.stdin else None
    decisions = 0
    while True:
        snapshot = next(source, None) if source else fetch_lease(args.url, secret, timeout=args.interval)
        if source and snapshot is None:
            return 0  # the stream ended: the daemon stopped; policy decides, this sample just exits
        now = time.time()
        decision = lease.apply(snapshot, now)
        action = (snapshot or {}).get("lease", {}).get("recommendedAction", "unknown")
        print(f"{time.strftime('%H:%M:%S')} recommended={action} decision={decision} "
              f"lease_left_s={max(0, lease.until - now):.0f}", flush=True)
        decisions += 1
        if decision == "release":
            if args.release_command:
                subprocess.run(args.release_command, shell=True, check=False)
            return 0
        if args.iterations and decisions >= args.iterations:
            return 0
        if not source:
            time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main())
