#!/usr/bin/env bash
# Installs the Debian packages that the build and the tests need: the ONE place that lists them
# (and installs them: bench/install-peers.sh passes its peers as arguments, which are added).
# Idempotent and quick: when every package is already installed, apt-get is not run at all.
set -euo pipefail

packages=(
  binutils        # strip, for the single binary (build.mjs)
  busybox-static  # the embedded busybox base image (layers/busybox)
  musl            # the musl loader in the alpine-shaped fixture (layers/alpine)
  tar gzip xz-utils zstd  # deterministic layer tars; compressed rootfs fixtures
  umoci skopeo    # real OCI layouts and docker-archives for interop tests
  mmdebstrap      # real Debian rootfs tarballs
  tmux            # driving the TUI in end-to-end tests
  attr            # setfattr: opaque markers in layer tests (and `cp`, see runtime/changes/copy-in.ts)
  e2fsprogs       # mkfs.ext4 for loop-mounted test filesystems
  hyperfine       # timing (bench, performance smoke tests)
  uidmap          # newuidmap/newgidmap: rootless sandboxes map subordinate ids (run-rootless tests)
  strace          # signals injected at a chosen system call (interrupted-writes); the order of syncs and renames (durable-publish)
  zsh fish        # the completion scripts, loaded by the real shells (cli contract tests)
  "$@"            # more, from a caller (bench/install-peers.sh)
)

# One dpkg-query for all of them (it exits non-zero when one is unknown; the list still comes).
# "install ok installed" only: a removed package whose config files remain is listed too.
declare -A installed=()
while read -r name; do installed[$name]=1; done < <(
  dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true)
missing=()
for p in "${packages[@]}"; do
  [[ -n ${installed[$p]:-} ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
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
