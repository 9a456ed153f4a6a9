#!/usr/bin/env bash
# Installs the .deb on this machine, runs what it installed, removes and purges it, and checks that nothing is
# left behind. Needs root (dpkg -i). Builds the .deb first if target/ has none.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test-deb: needs root for dpkg -i" >&2; exit 1; }
package=openclaw-session-status
if dpkg -s "$package" >/dev/null 2>&1; then
  echo "test-deb: $package is already installed here; not touching it" >&2
  exit 1
fi
debs=(target/${package}_*_all.deb)
[ -f "${debs[0]}" ] || { mvn -q -B -ntp -DskipTests package; debs=(target/${package}_*_all.deb); }
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
work=$(mktemp -d)
trap 'dpkg --purge "$package" >/dev/null 2>&1 || true; kill "${daemon:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }

installed_state() {
  find /etc /usr/bin /usr/share /lib/systemd -xdev -path /usr/share/man -prune -o -print 2>/dev/null | sort
}
installed_state > "$work/before"

echo "test-deb: dpkg -i $deb"
dpkg -i "$deb"
[ "$(openclaw-session-status --version)" = "$package $version" ] || fail "--version: $(openclaw-session-status --version)"
secret=/etc/$package/secret
[ "$(stat -c '%a %U' "$secret")" = "600 root" ] || fail "the secret is not 0600 root: $(stat -c '%a %U' "$secret")"
grep -Eqx '[0-9a-f]{64}' "$secret" || fail "the secret is not 64 hex digits"
dpkg-query -W -f='${Conffiles}\n' "$package" | grep -q "/etc/$package/config.json" || fail "config.json is not a conffile"

# The licence: Debian's machine-readable copyright file, the project's LICENSE and NOTICE, and the same in the jar.
doc=/usr/share/doc/$package
head -n 1 "$doc/copyright" | grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
  || fail "$doc/copyright is not in the machine-readable format"
cmp -s packaging/deb/copyright "$doc/copyright" || fail "$doc/copyright differs from packaging/deb/copyright"
cmp -s LICENSE "$doc/LICENSE" && cmp -s NOTICE "$doc/NOTICE" || fail "$doc/LICENSE or NOTICE differs from the repository's"
entries=$(jar tf "/usr/share/$package/$package.jar")
for entry in META-INF/LICENSE META-INF/NOTICE META-INF/licenses/jackson-core/LICENSE META-INF/licenses/jna/LICENSE; do
  grep -qx "$entry" <<<"$entries" || fail "$entry is missing from the installed jar"
done

# check: the installed config, the secret as systemd's LoadCredential= hands it over, nothing printed in clear.
CREDENTIALS_DIRECTORY=/etc/$package openclaw-session-status check > "$work/check" || fail "check exited $?"
grep -q '"port" *: *18780' "$work/check" || fail "check does not show the installed config: $(cat "$work/check")"
if grep -qF "$(cat "$secret")" "$work/check"; then fail "check printed the secret"; fi

# The unit as installed, with its ExecStart present.
verify=$(systemd-analyze verify "/lib/systemd/system/$package.service" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"

# Serve from the installed files on the recorded fixture, as the unit would (secret as a credential).
state="$work/state"
cp -r src/test/fixtures/openclaw-2026.7.1/after-runs "$state"
find "$state" -exec touch -d '20 minutes ago' {} +   # ended runs, not just-written files
CREDENTIALS_DIRECTORY=/etc/$package openclaw-session-status serve --state-dir "$state" --http-port 0 \
  > "$work/stdout" 2> "$work/stderr" &
daemon=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's|.*serving http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/stderr")
  [ -n "$port" ] && grep -q '"event":"startup"' "$work/stdout" && break
  sleep 0.1
done
[ -n "$port" ] || fail "the installed daemon did not start: $(cat "$work/stderr")"
lease=$(curl -fsS -H "Authorization: Bearer $(cat "$secret")" "http://127.0.0.1:$port/plugins/busy-state/lease")
echo "$lease" | grep -q '"recommendedAction":"release_after_grace"' || fail "lease: $lease"
kill -TERM "$daemon"
wait "$daemon" || fail "SIGTERM did not end in exit 0"
grep -q '"event":"shutdown"' "$work/stdout" || fail "no shutdown line"

# Enabled by the admin (offline: this works without a running systemd); removal must not leave the link behind.
systemctl --no-reload enable "$package.service" 2>&1
[ -L "/etc/systemd/system/multi-user.target.wants/$package.service" ] || fail "the unit cannot be enabled"

echo "test-deb: dpkg -r (the conffile and secret stay until purge)"
dpkg -r "$package"
[ -f "/etc/$package/config.json" ] && [ -f "$secret" ] || fail "remove dropped the admin's config"
[ ! -e /usr/bin/openclaw-session-status ] || fail "remove left the launcher"
echo "test-deb: dpkg --purge"
dpkg --purge "$package"
installed_state > "$work/after"
diff -u "$work/before" "$work/after" || fail "purge left files behind (above)"
echo "test-deb: OK: $package $version installed, checked, served, removed and purged cleanly"
