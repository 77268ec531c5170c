#!/usr/bin/env bash
# Installs what `npm run bench` runs beside strata (its peers) and makes its fixtures with:
# podman + runc and bubblewrap (sandbox peers), hyperfine (timing), openssl (the hashing
# yardstick), mmdebstrap (the Debian rootfs), e2fsprogs (the loop-mounted ext4), busybox-static.
# Idempotent; skips apt-get entirely when everything is there.
set -euo pipefail

packages=(podman runc bubblewrap hyperfine openssl mmdebstrap e2fsprogs busybox-static)

declare -A installed=()
while read -r name; do installed[$name]=1; done < <(
  dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true)
missing=()
for p in "${packages[@]}"; do
  [[ -n ${installed[$p]:-} ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

[[ $(id -u) -eq 0 ]] || { echo "install-peers: missing ${missing[*]} (run as root to install them)" >&2; exit 1; }
echo "install-peers: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get -q -o DPkg::Lock::Timeout=600 update &&
       apt-get -q -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-peers: apt-get failed" >&2
  exit 1
fi
