#!/usr/bin/env bash
# Installs what `npm run bench` runs beside strata (its peers) and makes its fixtures with:
# podman + runc and bubblewrap (sandbox peers), hyperfine (timing), openssl (the hashing
# yardstick), mmdebstrap (the Debian rootfs), e2fsprogs (the loop-mounted ext4), busybox-static.
# Through the project's one installer, which also brings what the build needs; idempotent.
set -euo pipefail
exec bash "$(dirname "$0")/../test/install-deps.sh" podman runc bubblewrap hyperfine openssl mmdebstrap e2fsprogs busybox-static
