#!/usr/bin/env bash
# Builds the pieces of a real Kubernetes control plane for the integration tests from the Go
# module proxy, into a cache outside the repository:
#   ${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}/kube-apiserver-1.35.4/kube-apiserver
#   ${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}/etcd-3.6.5/etcd
#   ${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}/kube-state-metrics-2.18.0/kube-state-metrics
# Each part is skipped when its binary already exists. kube-apiserver cannot be `go install`ed:
# k8s.io/kubernetes replaces its staging modules (k8s.io/api, ...) with ./staging paths, which Go
# ignores in a dependency, so it builds in a small wrapper module that replaces each of them with
# its published tag instead. etcd and kube-state-metrics build from small wrapper modules too
# (etcd's server module replaces its sibling modules with ../ paths, ignored likewise; the
# published versions it requires are the same code).
# Go's module and build caches stay in their default places. Measured on 2 cores shared with other
# jobs (load ~8): cold 26 min (etcd ~3, kube-apiserver ~15.5, kube-state-metrics ~7.5), ~4.5 GB
# of cache; relinking all three from a warm cache ~30 s; with all three present, instant.
# Prints the three binary paths on stdout, one a line; build output goes to stderr. A part that
# fails says why on stderr; the others are still built, then the script exits 1.
set -euo pipefail

K8S_VERSION=1.35.4
STAGING_VERSION=v0.35.4 # the staging modules' tag published with kubernetes v1.35.4
# The commit the official v1.35.4 binaries report in /version (the module proxy records none for
# k8s.io/kubernetes; taken from a published /version capture, override if it turns out wrong).
K8S_GIT_COMMIT="${K8S_GIT_COMMIT:-7b8c6cf0edd376b3d7c2f255142977c7f93db258}"
ETCD_VERSION=3.6.5 # the etcd client version kube-apiserver 1.35.4 pins
ETCD_GIT_SHA="${ETCD_GIT_SHA:-a061450}" # what the official etcd 3.6.5 prints as "Git SHA"
# kube-state-metrics v2.18.0 (client-go v0.34.3; works against 1.35): the newest release this
# module proxy serves (it answers 403 for v2.17.0, v2.18.1 and v2.19.0 and for the version list).
KSM_VERSION=2.18.0

PEERS="${VIGIL_PEERS_DIR:-$HOME/.cache/vigil-peers}"
APISERVER_BIN="$PEERS/kube-apiserver-$K8S_VERSION/kube-apiserver"
ETCD_BIN="$PEERS/etcd-$ETCD_VERSION/etcd"
KSM_BIN="$PEERS/kube-state-metrics-$KSM_VERSION/kube-state-metrics"

log() { echo "build-k8s: $*" >&2; }

# Runs in a subshell with `set -e` active (see run_part): any failing command ends the part.
# $1 = part name, $2 = where the binary goes; sets up $work (removed on exit) and an ERR report.
part_setup() {
  part="$1"
  out="$2"
  work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-build-$1.XXXXXX")
  trap 'rm -rf "$work" "$out.tmp"' EXIT
  trap 'log "$part: command failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
  mkdir -p "$(dirname "$out")"
  export GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
}

# Prints field $2 ("Time", "GoMod", "Hash" (the tag's commit, when the proxy recorded it), ...)
# of `go list -m -json $1` ($1 = module@version), which fetches the version's .info and .mod.
mod_field() {
  local json
  json=$(go list -m -json "$1" 2>&1) || { printf '%s\n' "$json" >&2; log "$part: cannot look up $1 on the module proxy"; return 1; }
  printf '%s\n' "$json" | sed -n "s/^[[:space:]]*\"$2\": \"\\([^\"]*\\)\".*/\\1/p" | head -n 1
}

# Moves the freshly built "$out.tmp" into place.
part_install() {
  chmod +x "$out.tmp"
  mv -f "$out.tmp" "$out"
  log "$part: built $out ($(du -h "$out" | cut -f1))"
}

build_kube_apiserver() {
  part_setup kube-apiserver "$APISERVER_BIN"
  local major minor gomod build_date
  major="${K8S_VERSION%%.*}"
  minor="${K8S_VERSION#*.}"; minor="${minor%%.*}"
  cd "$work"
  printf 'module vigil.local/kube-apiserver-build\n\ngo 1.25.0\n' > go.mod

  log "kube-apiserver: fetching k8s.io/kubernetes@v$K8S_VERSION's go.mod"
  gomod=$(mod_field "k8s.io/kubernetes@v$K8S_VERSION" GoMod)
  [ -f "$gomod" ] || { log "kube-apiserver: go list -m gave no go.mod for k8s.io/kubernetes@v$K8S_VERSION"; return 1; }
  # The tag's time as the build date keeps the binary reproducible.
  build_date=$(mod_field "k8s.io/kubernetes@v$K8S_VERSION" Time)
  build_date=$(date -u -d "${build_date:-@0}" '+%Y-%m-%dT%H:%M:%SZ')

  # Staging modules: kubernetes's `replace X => ./staging/src/X` lines, kept when kubernetes also
  # requires X (sample-cli-plugin and sample-controller are only replaced, never required).
  local staging=() required=() mod
  mapfile -t staging < <(awk '{ sub(/^replace[ \t]+/, "") } $2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$gomod")
  [ "${#staging[@]}" -gt 0 ] || { log "kube-apiserver: no ./staging replace lines in $gomod"; return 1; }
  for mod in "${staging[@]}"; do
    if grep -Eq "^[[:space:]]*(require[[:space:]]+)?${mod//./\\.}[[:space:]]+v" "$gomod"; then
      required+=("$mod")
    else
      log "kube-apiserver: $mod is replaced but not required by k8s.io/kubernetes; leaving it out"
    fi
  done
  # Skip (and say so) any that has no published $STAGING_VERSION on the proxy.
  local queries=() path state replaced=()
  for mod in "${required[@]}"; do queries+=("$mod@$STAGING_VERSION"); done
  while IFS=$'\t' read -r path state; do
    if [ "$state" = ok ]; then
      replaced+=("$path")
      go mod edit -replace "$path=$path@$STAGING_VERSION"
    else
      log "kube-apiserver: skipping $path: no $STAGING_VERSION on the module proxy ($state)"
    fi
  done < <(go list -m -e -f '{{.Path}}{{"\t"}}{{if .Error}}{{printf "%q" .Error.Err}}{{else}}ok{{end}}' "${queries[@]}")
  [ "${#replaced[@]}" -gt 0 ] || { log "kube-apiserver: none of the staging modules is on the proxy at $STAGING_VERSION"; return 1; }
  log "kube-apiserver: replacing ${#replaced[@]} of ${#staging[@]} staging modules with $STAGING_VERSION"
  go mod edit -require "k8s.io/kubernetes@v$K8S_VERSION" -godebug default=go1.25

  # What upstream's cmd/kube-apiserver/apiserver.go does.
  cat > main.go <<'GO'
package main

import (
	"os"
	_ "time/tzdata" // for timeZone support in CronJob

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // for JSON log format registration
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // load all the prometheus client-go plugins
	_ "k8s.io/component-base/metrics/prometheus/version"  // for version metric registration
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	command := app.NewAPIServerCommand()
	code := cli.Run(command)
	os.Exit(code)
}
GO
  log "kube-apiserver: go mod tidy"
  go mod tidy >&2

  local ldflags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.buildDate=$build_date -X $pkg.gitTreeState=clean -X $pkg.gitCommit=$K8S_GIT_COMMIT"
  done
  log "kube-apiserver: go build (cold: ~15 min)"
  go build -trimpath -ldflags "$ldflags" -o "$out.tmp" . >&2
  "$out.tmp" --version >&2
  part_install
}

build_etcd() {
  part_setup etcd "$ETCD_BIN"
  cd "$work"
  # go.etcd.io/etcd/server/v3's root package is etcd's main (it calls etcdmain.Main(os.Args)).
  printf 'module vigil.local/etcd-build\n\ngo 1.24\n' > go.mod
  go mod edit -require "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  log "etcd: go get go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >&2
  log "etcd: go build"
  go build -trimpath -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_GIT_SHA" \
    -o "$out.tmp" go.etcd.io/etcd/server/v3 >&2
  "$out.tmp" --version >&2
  part_install
}

build_kube_state_metrics() {
  part_setup kube-state-metrics "$KSM_BIN"
  cd "$work"
  local mod=k8s.io/kube-state-metrics/v2 client_go ldflags rev date v="github.com/prometheus/common/version"
  printf 'module vigil.local/kube-state-metrics-build\n\ngo 1.24.5\n' > go.mod
  go mod edit -require "$mod@v$KSM_VERSION"
  log "kube-state-metrics: go get $mod@v$KSM_VERSION"
  go get "$mod@v$KSM_VERSION" >&2
  client_go=$(go list -m -f '{{.Version}}' k8s.io/client-go)
  rev=$(mod_field "$mod@v$KSM_VERSION" Hash)
  date=$(mod_field "$mod@v$KSM_VERSION" Time)
  date=$(date -u -d "${date:-@0}" '+%Y-%m-%dT%H:%M:%SZ')
  # As kube-state-metrics's Makefile stamps its release builds.
  ldflags="-s -w -X $v.Version=v$KSM_VERSION -X $v.Revision=${rev:0:7} -X $v.BuildDate=$date"
  ldflags+=" -X $v.Branch=release-${KSM_VERSION%.*} -X $v.BuildUser=vigil-ci"
  ldflags+=" -X $mod/pkg/app.ClientGoVersion=$client_go"
  log "kube-state-metrics: go build (client-go $client_go)"
  go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$mod" >&2
  "$out.tmp" version >&2
  part_install
}

failed=()
run_part() { # $1 = part name, $2 = its binary, $3 = its build function
  if [ -x "$2" ]; then log "$1: $2 exists, skipping"; return 0; fi
  local start=$SECONDS rc
  log "$1: building"
  # `set -e` stays in force inside the subshell only if it is not part of a condition.
  set +e
  ( set -eE; "$3" )
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    log "$1: FAILED (exit $rc) after $((SECONDS - start)) s; see the messages above"
    failed+=("$1")
  else
    log "$1: done in $((SECONDS - start)) s"
  fi
}

if ! command -v go >/dev/null; then
  log "go is not installed"
  exit 1
fi
run_part etcd "$ETCD_BIN" build_etcd
run_part kube-apiserver "$APISERVER_BIN" build_kube_apiserver
run_part kube-state-metrics "$KSM_BIN" build_kube_state_metrics

if [ "${#failed[@]}" -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
printf '%s\n' "$APISERVER_BIN" "$ETCD_BIN" "$KSM_BIN"
