#!/usr/bin/env bash
# Builds the tarball, unpacks it where nothing else lives, and runs it the way the README installs it: through a
# symlink on PATH, with the config and unit it ships.
set -euo pipefail
cd "$(dirname "$0")/.."
tarball=$(bash packaging/tarball.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "test-tarball: FAIL: $*" >&2; exit 1; }
tar -C "$work" -xzf "$tarball"
name=$(basename "$tarball" .tar.gz)
root="$work/$name"
for file in LICENSE NOTICE bin/openclaw-session-status lib/openclaw-session-status.jar etc/config.json \
            systemd/openclaw-session-status.service doc/README.md doc/kubernetes.md doc/controller.py; do
  [ -f "$root/$file" ] || fail "$file is missing from $tarball"
done
cmp -s LICENSE "$root/LICENSE" && cmp -s NOTICE "$root/NOTICE" || fail "LICENSE or NOTICE differs from the repository's"
# The jar carries the licence and notice too, and the bundled components' own under META-INF/licenses/.
entries=$(jar tf "$root/lib/openclaw-session-status.jar")
for entry in META-INF/LICENSE META-INF/NOTICE META-INF/licenses/jackson-core/LICENSE META-INF/licenses/jna/LICENSE; do
  grep -qx "$entry" <<<"$entries" || fail "$entry is missing from lib/openclaw-session-status.jar"
done
mkdir "$work/path"
ln -s "$root/bin/openclaw-session-status" "$work/path/openclaw-session-status"
[ "$(PATH="$work/path:$PATH" openclaw-session-status --version)" = "openclaw-session-status ${name#openclaw-session-status-}" ] \
  || fail "--version through the symlink"
PATH="$work/path:$PATH" openclaw-session-status check --config "$root/etc/config.json" >/dev/null \
  || fail "check with the shipped config"
echo "test-tarball: OK: $tarball"
