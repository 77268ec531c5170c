#!/usr/bin/env bash
# Installs the Debian packages that the build and the tests need: the ONE place that lists them
# (and installs them: bench/install-peers.sh passes its peers as arguments, which are added).
# Idempotent and quick: when every package is already installed, apt-get is not run at all.
set -euo pipefail

packages=(
  binutils        # strip, for the single binary (build.mjs)
  busybox-static  # Debian's static busybox: the applet list tests compare against
  musl-tools gcc make dpkg-dev bzip2  # the embedded busybox, built from Debian's source against musl (layers/busybox)
  musl            # the musl loader in the alpine-shaped fixture (layers/alpine)
  tar gzip xz-utils zstd  # deterministic layer tars; compressed rootfs fixtures
  umoci skopeo    # real OCI layouts and docker-archives for interop tests; skopeo: the other registry client
  podman runc oci-image-tool  # round trips through podman (interop, build-debian tests), `podman diff` as the diff oracle, and the OCI validator
  docker-registry # the CNCF distribution registry the push/pull tests start on loopback
  apache2-utils   # htpasswd -B: the registry's Basic auth file in the login tests
  mmdebstrap      # real Debian rootfs tarballs
  tmux            # driving the TUI in end-to-end tests
  attr            # setfattr: opaque markers in layer tests (and `cp`, see runtime/changes/copy-in.ts)
  e2fsprogs       # mkfs.ext4 for loop-mounted test filesystems
  hyperfine       # timing (bench, performance smoke tests)
  uidmap          # newuidmap/newgidmap: rootless sandboxes map subordinate ids (run-rootless tests)
  strace          # signals injected at a chosen system call (interrupted-writes); the order of syncs and renames (durable-publish)
  golang-github-openshift-imagebuilder-dev  # the Dockerfile parser's expected results (test/dockerfile/parse-imagebuilder: kept equal to the copy in test/dockerfile/fixtures)
  parallel        # GNU parallel: a batch file split across runs, as docs/batch.md shows (batch-parallel)
  zsh fish        # the completion scripts, loaded by the real shells (cli contract tests)
  "$@"            # more, from a caller (bench/install-peers.sh)
)

# The embedded busybox is built from Debian's busybox source package (layers/busybox/build-busybox.sh):
# apt must know deb-src lines. Debian's images ship only "deb" ones, so when apt knows no busybox
# source, a deb-src twin of each Debian "deb" source is added (deb822 stanzas and one-line form).
deb_src=/etc/apt/sources.list.d/strata-deb-src.sources
needs_sources=
if ! apt-cache showsrc --only-source busybox 2>/dev/null | grep -q '^Version:'; then
  needs_sources=1
fi

# One dpkg-query for all of them (it exits non-zero when one is unknown; the list still comes).
# "install ok installed" only: a removed package whose config files remain is listed too.
declare -A installed=()
while read -r name; do installed[$name]=1; done < <(
  dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true)
missing=()
for p in "${packages[@]}"; do
  [[ -n ${installed[$p]:-} ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 && -z $needs_sources ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  [[ ${#missing[@]} -eq 0 ]] || echo "install-deps: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  [[ -z $needs_sources ]] || echo "install-deps: apt has no deb-src lines for busybox (run as root to add them)" >&2
  exit 1
fi

if [[ -n $needs_sources ]]; then
  echo "install-deps: adding deb-src lines ($deb_src)" >&2
  {
    # deb822 files: each stanza of Types "deb" from a Debian archive, as "deb-src".
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -f $f && $f != "$deb_src" ]] || continue
      awk 'BEGIN { RS = ""; ORS = "\n\n" }
        /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ && /(^|\n)URIs:[^\n]*debian/ && !/(^|\n)Enabled: *no/ {
          sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }' "$f"
    done
    # One-line form: "deb [opts] URI SUITE COMPONENTS…" from a Debian archive becomes a stanza.
    { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } | awk '
      $1 == "deb" && /debian/ {
        i = 2; opts = ""
        if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
        comps = ""; for (j = i + 2; j <= NF; j++) comps = comps " " $j
        signed = ""; if (match(opts, /signed-by=[^] ]+/)) signed = "Signed-By: " substr(opts, RSTART + 10, RLENGTH - 10) "\n"
        printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:%s\n%s\n", $i, $(i + 1), comps, signed }'
  } >"$deb_src.tmp"
  if ! grep -q '^Types: deb-src' "$deb_src.tmp"; then
    rm -f "$deb_src.tmp"
    echo "install-deps: no Debian \"deb\" source in /etc/apt to add a deb-src line for" >&2
    exit 1
  fi
  mv "$deb_src.tmp" "$deb_src"
fi

echo "install-deps: installing ${missing[*]:-nothing new (apt-get update for deb-src)}" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt (an unattended upgrade, a concurrent install) may hold the dpkg lock: wait for it.
apt_opts=(-o DPkg::Lock::Timeout=600 -q)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get "${apt_opts[@]}" update && apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-deps: apt-get failed" >&2
  exit 1
fi
