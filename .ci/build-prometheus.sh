#!/usr/bin/env bash
# Builds the reference Prometheus v3.14.0 (Go module github.com/prometheus/prometheus v0.314.0)
# `prometheus` and `promtool` from the Go module proxy, into a cache outside the repository:
#   ${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}/prometheus-3.14.0/{prometheus,promtool}
# Prometheus's go.mod has replace/exclude directives, which Go ignores in dependencies, so the
# build runs in a small wrapper module that repeats them. The web UI's compiled assets are not in
# the module, so the binaries serve the API only (that is all the tests use).
# Prints the directory on success; exits non-zero with the reason otherwise.
set -euo pipefail
VERSION=3.14.0
MODVER=v0.314.0
DEST="${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}/prometheus-$VERSION"
if [ -x "$DEST/prometheus" ] && [ -x "$DEST/promtool" ]; then echo "$DEST"; exit 0; fi
command -v go >/dev/null || { echo "build-prometheus: go is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/go.mod" <<MOD
module vigil.local/prometheus-build

go 1.26

require github.com/prometheus/prometheus $MODVER

exclude github.com/linode/linodego v1.0.0

exclude (
	github.com/grpc-ecosystem/grpc-gateway v1.14.7
	google.golang.org/api v0.30.0
)

replace cloud.google.com/go => cloud.google.com/go v0.123.0
MOD
cd "$work"
export GOFLAGS="-mod=mod -buildvcs=false"
go get "github.com/prometheus/prometheus/cmd/prometheus@$MODVER" "github.com/prometheus/prometheus/cmd/promtool@$MODVER" >&2
mkdir -p "$DEST.tmp"
LDFLAGS="-s -w -X github.com/prometheus/common/version.Version=$VERSION -X github.com/prometheus/common/version.Branch=release-3.14 -X github.com/prometheus/common/version.Revision=$MODVER"
go build -trimpath -ldflags "$LDFLAGS" -o "$DEST.tmp/prometheus" github.com/prometheus/prometheus/cmd/prometheus >&2
go build -trimpath -ldflags "$LDFLAGS" -o "$DEST.tmp/promtool" github.com/prometheus/prometheus/cmd/promtool >&2
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
echo "$DEST"
