#!/usr/bin/env bash
# Builds target/openclaw-session-status-<version>.tar.gz: LICENSE, NOTICE, bin/, lib/ (the jar), etc/ (example config),
# the unit, docs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f target/openclaw-session-status.jar ] || mvn -q -B -DskipTests package
version=$(java -jar target/openclaw-session-status.jar --version | awk '{print $2}')
name=openclaw-session-status-$version
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name"/{bin,lib,etc,systemd,doc}
cp LICENSE NOTICE "$stage/$name/"
cp bin/openclaw-session-status "$stage/$name/bin/"
cp target/openclaw-session-status.jar "$stage/$name/lib/"
cp config.example.json "$stage/$name/etc/config.json"
cp systemd/openclaw-session-status.service "$stage/$name/systemd/"
cp README.md "$stage/$name/doc/"
[ -d docs ] && cp -r docs/. "$stage/$name/doc/"
tar -C "$stage" -czf "target/$name.tar.gz" "$name"
echo "target/$name.tar.gz"
