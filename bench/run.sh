#!/usr/bin/env bash
# The benchmarks: builds what is missing, generates synthetic state dirs under target/bench, runs the real daemon
# and the baselines as separate processes, and prints Markdown tables (also written to target/bench/results.md).
# Figures, not pass/fail. About 10 minutes on 2 cores; BENCH_CHANGES=100 for a quick look; BENCH_ONLY=sqlite or
# BENCH_ONLY=http for one part alone.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  # Installed for its binary only: keep Debian from starting the nginx service on port 80.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  rm -f /usr/sbin/policy-rc.d
fi
export PATH="$PATH:/usr/sbin"

# The jar, rebuilt when any source is newer: the figures must be of the code in this checkout.
if [ ! -f target/openclaw-session-status.jar ] || [ -n "$(find src/main pom.xml -newer target/openclaw-session-status.jar -print -quit)" ]; then
  mvn -q -B -ntp -Dstyle.color=never -DskipTests package >&2
fi
rm -rf target/bench-classes
javac -d target/bench-classes -cp target/openclaw-session-status.jar bench/src/bench/*.java
exec java -Xmx2g -cp target/bench-classes:target/openclaw-session-status.jar bench.Bench \
  bin/openclaw-session-status src/test/fixtures target/bench target/bench-classes
