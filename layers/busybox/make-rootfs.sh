#!/usr/bin/env bash
# Builds the busybox base rootfs that strata embeds, as one deterministic tar:
#   bash layers/busybox/make-rootfs.sh OUT.tar
# From a static busybox: BUSYBOX=PATH (build.mjs passes the one build-busybox.sh makes), else /bin/busybox:
# /bin/busybox, a symlink per applet as `busybox --install -s` makes them, a minimal /etc, and
# the mount points a runtime fills in. Every entry is owned 0:0 with a fixed mtime and the entries
# are sorted, so two builds from the same busybox give the same bytes (and the same diff_id).
set -euo pipefail

out=${1:?usage: make-rootfs.sh OUT.tar}
busybox=${BUSYBOX:-/bin/busybox}
# The fixed time of every entry (2024-01-01T00:00:00Z), overridable the reproducible-builds way.
epoch=${SOURCE_DATE_EPOCH:-1704067200}
export LC_ALL=C

[[ -x $busybox ]] || { echo "make-rootfs: $busybox not found: apt-get install busybox-static" >&2; exit 1; }
# A dynamically linked busybox would need a libc the image does not have.
if ! "$busybox" --list-full >/dev/null 2>&1; then
  echo "make-rootfs: $busybox does not run" >&2; exit 1
fi
if readelf -l "$busybox" | grep -q 'program interpreter'; then
  echo "make-rootfs: $busybox is dynamically linked; the image needs a static one (busybox-static)" >&2; exit 1
fi
version=$("$busybox" 2>&1 | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')
[[ -n $version ]] || { echo "make-rootfs: cannot read the version of $busybox" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/rootfs

umask 022
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,home,root,tmp,var/tmp}
cp "$busybox" "$root/bin/busybox"

# One symlink per applet at the path busybox itself lists, pointing at /bin/busybox, which is what
# `busybox --install -s` does. linuxrc (an initrd's init, at /) has no place in a container image.
# (perl, which Debian always has, makes them in one process: a fork of ln per applet is seconds.)
"$busybox" --list-full | ROOT=$root perl -nle '
  next if $_ eq "bin/busybox" || $_ eq "linuxrc";
  symlink("/bin/busybox", "$ENV{ROOT}/$_") or die "symlink $_: $!\n";'

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:
users:x:100:
nogroup:x:65534:
GROUP
# Every account locked: nothing in the image can log in with a password.
cat >"$root/etc/shadow" <<'SHADOW'
root:*:19723:0:99999:7:::
daemon:*:19723:0:99999:7:::
bin:*:19723:0:99999:7:::
sys:*:19723:0:99999:7:::
nobody:*:19723:0:99999:7:::
SHADOW
cat >"$root/etc/os-release" <<OSRELEASE
NAME="BusyBox"
ID=busybox
VERSION_ID=$version
PRETTY_NAME="BusyBox v$version (strata base image)"
HOME_URL="https://busybox.net/"
OSRELEASE
# /etc/hostname, /etc/hosts and /etc/resolv.conf are provided by the runtime per sandbox.

find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root/bin/busybox"
chmod 0600 "$root/etc/shadow"
chmod 0700 "$root/root"
chmod 1777 "$root/tmp" "$root/var/tmp"

# The names, byte-sorted, come from a list (with --no-recursion, so the order is the list's). No "./"
# prefix and no entry for / itself, as in the layer tars docker and podman write. The pax options
# drop atime and ctime and give extended headers a fixed name, so nothing depends on the build.
mkdir -p "$(dirname "$out")"
tmp_out="$out.tmp.$$"
tar -C "$root" \
  --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  --no-recursion --files-from=<(cd "$root" && find . -mindepth 1 | sed 's,^\./,,' | sort) \
  -cf "$tmp_out"
mv "$tmp_out" "$out"
