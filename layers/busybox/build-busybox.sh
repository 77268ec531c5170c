#!/usr/bin/env bash
# Builds the busybox that strata embeds: Debian's busybox source package, configured as Debian's
# busybox-static is, compiled against musl (musl-gcc from musl-tools) instead of glibc.
#   bash layers/busybox/build-busybox.sh CACHE_DIR      prints the path of the built binary
# Why musl: layers/README.md. The result is cached as CACHE_DIR/VERSION-RECIPE/busybox, keyed by the
# source package's version and this script, so only the first build (≈ 1 min of CPU) pays for it.
# Reproducible: the same source version gives the same bytes (fixed version string, no timestamps,
# build paths mapped away, stripped).
set -euo pipefail

cache=${1:?usage: build-busybox.sh CACHE_DIR}
export LC_ALL=C KCONFIG_NOTIMESTAMP=1 SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}

command -v musl-gcc >/dev/null || { echo "build-busybox: musl-gcc not found: run test/install-deps.sh (musl-tools)" >&2; exit 1; }
# The version apt would fetch; deb-src lines are added by test/install-deps.sh.
version=$(apt-cache showsrc --only-source busybox 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[[ -n $version ]] || { echo "build-busybox: no busybox source package known to apt: run test/install-deps.sh (deb-src lines)" >&2; exit 1; }
# Keyed by the source version and this recipe: a change to either builds again.
recipe=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
out=$cache/${version//:/_}-$recipe/busybox
if [[ -x $out ]]; then echo "$out"; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt's sandbox user cannot write into a root-owned temporary directory; it is only a download.
# apt checks the files against the signed Release; dpkg-source's own warning about the .dsc's
# signature (no Debian keyring installed) is noise, shown only when it fails.
(cd "$work" && apt-get -q -o APT::Sandbox::User=root source --download-only "busybox=$version" >/dev/null)
dpkg-source -x "$work"/busybox_*.dsc "$work/src" >"$work/unpack.log" 2>&1 || { cat "$work/unpack.log" >&2; exit 1; }
src=$work/src

# musl-tools has no kernel headers: the applets' <linux/…> and <asm/…> come from linux-libc-dev,
# alone on the include path (glibc's own headers must not mix with musl's).
mkdir -p "$work/kernel-headers"
for d in linux asm-generic mtd; do ln -s "/usr/include/$d" "$work/kernel-headers/$d"; done
ln -s "/usr/include/$(gcc -dumpmachine)/asm" "$work/kernel-headers/asm"

# Debian's configuration for busybox-static (debian/rules: the OS part, then the flavour), with
# three changes: wget's -T timeout is compiled in (Debian leaves it out), and two GNU regex
# extensions musl does not have are left out (vi's regex search, grep's GNU syntax via EXTRA_COMPAT).
b=$src/b/static
mkdir -p "$b"
cat "$src/debian/config/os/linux" "$src/debian/config/pkg/static" >"$b/.config"
sed -i -e 's/^# CONFIG_FEATURE_WGET_TIMEOUT is not set$/CONFIG_FEATURE_WGET_TIMEOUT=y/' \
  -e 's/^CONFIG_FEATURE_VI_REGEX_SEARCH=y$/# CONFIG_FEATURE_VI_REGEX_SEARCH is not set/' \
  -e 's/^CONFIG_EXTRA_COMPAT=y$/# CONFIG_EXTRA_COMPAT is not set/' "$b/.config"
make_args=(-C "$b" -f "$src/Makefile" KBUILD_SRC="$src" CC=musl-gcc V=0)
# (New options take their defaults; `yes` ends by SIGPIPE, which pipefail must not see.)
{ yes "" || true; } | make "${make_args[@]}" oldconfig >/dev/null
make "${make_args[@]}" -j"$(nproc)" all SKIP_STRIP=y \
  BB_EXTRA_VERSION="Debian $version, musl" \
  CONFIG_EXTRA_CFLAGS="-isystem $work/kernel-headers -ffile-prefix-map=$work=." >"$work/build.log" 2>&1 \
  || { tail -n 30 "$work/build.log" >&2; echo "build-busybox: the build failed" >&2; exit 1; }
strip --strip-all -o "$work/busybox" "$b/busybox"

mkdir -p "$(dirname "$out")"
mv "$work/busybox" "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$out"
