#!/usr/bin/env bash
# Builds a test fixture shaped like Alpine's minirootfs tarball, from local Debian packages only
# (busybox-static, musl), since nothing can be downloaded here:
#   bash layers/alpine/make-minirootfs.sh OUT.tar.gz
# Shape, as in alpine-minirootfs-*-x86_64.tar.gz: gzip; every entry "./"-prefixed, "./" itself
# first; musl's loader at /lib/ld-musl-x86_64.so.1 with the libc.musl-x86_64.so.1 link to it;
# busybox applets as absolute symlinks; /etc/alpine-release, /etc/os-release -> ../usr/lib/os-release;
# apk's dirs (/etc/apk, /lib/apk/db); /etc/shadow owned root:shadow (gid 42) mode 0640; /var/run
# and /var/lock relative symlinks into /run; /var/empty 0555; /tmp and /var/tmp 1777.
# Deterministic: fixed mtime, sorted entries, 0:0 except shadow, gzip without a name or time.
set -euo pipefail

out=${1:?usage: make-minirootfs.sh OUT.tar.gz}
busybox=${BUSYBOX:-/bin/busybox}
musl=/usr/lib/x86_64-linux-musl/libc.so
epoch=${SOURCE_DATE_EPOCH:-1704067200}
release=3.20.0
export LC_ALL=C

[[ -x $busybox ]] || { echo "make-minirootfs: $busybox not found: apt-get install busybox-static" >&2; exit 1; }
[[ -f $musl ]] || musl=/lib/x86_64-linux-musl/libc.so
[[ -f $musl ]] || { echo "make-minirootfs: musl's libc.so not found: apt-get install musl" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/rootfs

umask 022
mkdir -p "$root"/{bin,sbin,dev,home,proc,root,run/lock,srv,sys,tmp,mnt,opt} \
  "$root"/etc/{apk/keys,apk/protected_paths.d,crontabs,profile.d} \
  "$root"/lib/apk/db "$root"/media/{cdrom,floppy,usb} \
  "$root"/usr/{bin,sbin,lib,share,local/bin,local/lib,local/share} \
  "$root"/var/{cache/apk,empty,lib,local,log,mail,opt,spool/cron,tmp}

cp "$busybox" "$root/bin/busybox"
# Applets as busybox --install -s links them (perl, always on Debian: one process, not a fork per link).
"$busybox" --list-full | ROOT=$root perl -nle '
  next if $_ eq "bin/busybox" || $_ eq "linuxrc";
  symlink("/bin/busybox", "$ENV{ROOT}/$_") or die "symlink $_: $!\n";'

cp "$musl" "$root/lib/ld-musl-x86_64.so.1"
ln -s ld-musl-x86_64.so.1 "$root/lib/libc.musl-x86_64.so.1"

echo "$release" >"$root/etc/alpine-release"
cat >"$root/usr/lib/os-release" <<OSRELEASE
NAME="Alpine Linux"
ID=alpine
VERSION_ID=$release
PRETTY_NAME="Alpine Linux v${release%.*} (strata test fixture from Debian packages)"
HOME_URL="https://alpinelinux.org/"
OSRELEASE
ln -s ../usr/lib/os-release "$root/etc/os-release"
echo localhost >"$root/etc/hostname"
printf 'x86_64\n' >"$root/etc/apk/arch"
printf 'alpine-baselayout\nbusybox\nmusl\n' >"$root/etc/apk/world"
: >"$root/etc/apk/repositories"
: >"$root/lib/apk/db/installed"
: >"$root/lib/apk/db/lock"
: >"$root/lib/apk/db/triggers"
printf '/bin/sh\n/bin/ash\n' >"$root/etc/shells"
cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
shadow:x:42:
nogroup:x:65533:
nobody:x:65534:
GROUP
cat >"$root/etc/shadow" <<'SHADOW'
root:*::0:::::
bin:!::0:::::
daemon:!::0:::::
nobody:!::0:::::
SHADOW
ln -s ../run "$root/var/run"
ln -s ../run/lock "$root/var/lock"
ln -s /etc/crontabs "$root/var/spool/cron/crontabs"

find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root/bin/busybox" "$root/lib/ld-musl-x86_64.so.1"
chmod 0700 "$root/root"
chmod 0600 "$root/lib/apk/db/lock"
chmod 0640 "$root/etc/shadow"
chmod 0555 "$root/var/empty"
chmod 1777 "$root/tmp" "$root/var/tmp"

# Owners come from the staging files themselves (root needed to chown): all 0:0 but /etc/shadow,
# which gets group 42 (alpine's "shadow"), so the fixture checks that owners survive an import.
chown -hR 0:0 "$root" 2>/dev/null || { echo "make-minirootfs: needs root (to chown the staging tree)" >&2; exit 1; }
chgrp 42 "$root/etc/shadow"

mkdir -p "$(dirname "$out")"
tmp_out="$out.tmp.$$"
tar -C "$root" \
  --sort=name --numeric-owner --mtime="@$epoch" \
  --format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  --no-recursion --files-from=<(cd "$root" && find . | sort) \
  -cf - | gzip -n -9 >"$tmp_out"
mv "$tmp_out" "$out"
