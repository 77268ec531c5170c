/*
 * strata-helper: the filesystem operations — mounts, the directories and nodes they need, masks,
 * read-only paths, and the pivot into the new root.
 *
 * Paths inside the new root. Before `pivot`, a path under the program's new root (NEWROOT/etc/
 * hosts) names a place in an untrusted tree: an image, or a writable layer that a previous run of
 * the same container could fill with symlinks. The kernel would follow an absolute symlink there
 * to the HOST's path, and a relative one out through "..". So every such path is resolved with
 * openat2(RESOLVE_IN_ROOT) — symlinks and ".." resolve inside the new root exactly as the sandbox
 * will see them after the pivot — and the operation acts on the object found (mount(2) on
 * /proc/self/fd/N, mkdirat/symlinkat/mknodat in the resolved parent). This is the class of bug
 * behind runc's CVE-2021-30465 (mount targets swapped for symlinks). After the pivot, "/" is the
 * new root and the kernel confines resolution itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helper.h"

bool g_pivoted = false;

/* The part of `path` below the pivot root, or NULL when `path` is not strictly below it (or the
 * pivot is done). */
static const char *below_root(const struct program *prog, const char *path)
{
	if (g_pivoted || !prog->pivot_root) return NULL;
	const char *root = prog->pivot_root;
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/') n--;
	if (strncmp(path, root, n) != 0 || path[n] != '/') return NULL;
	const char *rest = path + n;
	while (*rest == '/') rest++;
	return *rest ? rest : NULL;
}

/* open(path, flags | O_CLOEXEC), resolved inside the new root when it lies there. -1 + errno. */
static int open_in_root(const struct program *prog, const char *path, int flags)
{
	const char *rest = below_root(prog, path);
	if (!rest) return open(path, flags | O_CLOEXEC);
	int root = open(prog->pivot_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) return -1;
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		/* IN_ROOT: "/" and ".." stop at the new root. NO_MAGICLINKS: /proc/<pid>/root and
		 * the like inside the tree (a /proc mounted earlier) lead nowhere. */
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root, rest, &how, sizeof how);
	int err = errno;
	close(root);
	errno = err;
	return fd;
}

/* The name to give mount(2) for `path`: the path itself, or /proc/self/fd/N of the object it
 * resolves to inside the new root (see the top of this file). */
struct place {
	int fd;
	char name[64];
};

static const char *place_of(const struct program *prog, const char *step, const char *path, struct place *p)
{
	p->fd = -1;
	if (!below_root(prog, path)) return path;
	p->fd = open_in_root(prog, path, O_PATH);
	if (p->fd < 0) die_errno(step, "%s", path);
	snprintf(p->name, sizeof p->name, "/proc/self/fd/%d", p->fd);
	return p->name;
}

static void release(struct place *p)
{
	if (p->fd >= 0) close(p->fd);
	p->fd = -1;
}

/* The per-mount flags a bind remount must carry over. In a user namespace the kernel refuses a
 * remount that would clear a flag the mount was locked with (nosuid, nodev, noexec, ro, atime);
 * and without one, "add ro" must not silently drop nosuid. */
static unsigned long current_flags(const char *step, const char *name, const char *path)
{
	struct statvfs sv;
	if (statvfs(name, &sv) < 0) die_errno(step, "statvfs %s", path);
	unsigned long f = 0;
	if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
	if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
	return f;
}

/* Remount the bind mount now on top of `path` with `flags` added. The path is resolved again:
 * a /proc/self/fd/N taken before the bind names the mount underneath. */
static void remount_bind(const struct program *prog, const char *step, const char *path, unsigned long flags)
{
	struct place p;
	const char *name = place_of(prog, step, path, &p);
	unsigned long f = MS_BIND | MS_REMOUNT | flags | current_flags(step, name, path);
	if (mount(NULL, name, NULL, f, NULL) < 0) die_errno(step, "remount %s", path);
	release(&p);
}

void op_private_mounts(const struct op *op)
{
	/* Our mount namespace starts as a copy of the host's, with its shared peer groups: without
	 * this, a mount made here would propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die_errno(op->name, "make / private (recursive)");
}

/* Appends s to buf (counting past the end, so an overflow shows in *len); in overlay options,
 * ',' ':' and '\' inside a path are escaped with a backslash. */
static void put(char *buf, size_t *len, size_t cap, const char *s, bool escape)
{
	for (; *s; s++) {
		if (escape && (*s == ',' || *s == ':' || *s == '\\')) {
			if (*len < cap) buf[*len] = '\\';
			(*len)++;
		}
		if (*len < cap) buf[*len] = *s;
		(*len)++;
	}
}

/* Before Linux 6.8: mount(2), whose options must fit in one page (about 40 store layers). */
static void overlay_legacy(const struct op *op, const char *target, bool userxattr)
{
	char data[4096];
	size_t len = 0, cap = sizeof data;
	put(data, &len, cap, "lowerdir=", false);
	for (size_t i = 0; i < op->u.overlay.nlower; i++) {
		if (i > 0) put(data, &len, cap, ":", false);
		put(data, &len, cap, op->u.overlay.lower[i], true);
	}
	put(data, &len, cap, ",upperdir=", false);
	put(data, &len, cap, op->u.overlay.upper, true);
	put(data, &len, cap, ",workdir=", false);
	put(data, &len, cap, op->u.overlay.work, true);
	for (size_t i = 0; i < op->u.overlay.nopts; i++) {
		put(data, &len, cap, ",", false);
		put(data, &len, cap, op->u.overlay.opt_keys[i], false);
		if (op->u.overlay.opt_values[i]) {
			put(data, &len, cap, "=", false);
			put(data, &len, cap, op->u.overlay.opt_values[i], false);
		}
	}
	if (userxattr) put(data, &len, cap, ",userxattr", false);
	if (len >= cap) {
		die(op->name, "%zu lower directories do not fit in mount(2)'s one page of options, "
		    "and this kernel lacks overlay's lowerdir+ (Linux 6.8)", op->u.overlay.nlower);
	}
	data[len] = '\0';
	if (mount("overlay", target, "overlay", 0, data) < 0) die_errno(op->name, "mount overlay on %s", op->u.overlay.target);
}

/* Dies with the kernel's own explanation of a failed fsconfig when it left one in the fs
 * context's log ("e overlayfs: failed to resolve ..."), with errno's otherwise. */
__attribute__((noreturn)) static void die_fsconfig(const char *step, int fsfd, const char *what)
{
	int err = errno;
	char msg[512];
	ssize_t n = read(fsfd, msg, sizeof msg - 1);
	while (n > 0 && msg[n - 1] == '\n') n--;
	if (n > 2 && msg[1] == ' ') {
		msg[n] = '\0';
		die(step, "%s: %s: %s", what, msg + 2, strerror(err));
	}
	errno = err;
	die_errno(step, "%s", what);
}

void op_mount_overlay(const struct program *prog, const struct op *op)
{
	/* In a user namespace (rootless) the trusted.* xattrs overlay keeps its whiteouts and opaque
	 * markers in are out of reach: the kernel offers user.overlay.* instead. */
	const struct op *spawn = prog->spawn_at >= 0 ? &prog->ops[prog->spawn_at] : NULL;
	bool userxattr = spawn && (spawn->u.spawn.clone_flags & CLONE_NEWUSER);
	struct place p;
	const char *target = place_of(prog, op->name, op->u.overlay.target, &p);

	/* The new mount API takes one lower directory per call ("lowerdir+", Linux 6.8), so an image
	 * of hundreds of layers is not capped by a page of options, and no path needs escaping. */
	int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0 && errno != ENOSYS) die_errno(op->name, "fsopen overlay");
	if (fsfd >= 0 && fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", op->u.overlay.lower[0], 0) < 0) {
		if (errno != EINVAL) die_fsconfig(op->name, fsfd, op->u.overlay.lower[0]);
		close(fsfd);   /* a kernel before 6.8: no lowerdir+ */
		fsfd = -1;
	}
	if (fsfd < 0) {
		overlay_legacy(op, target, userxattr);
		release(&p);
		return;
	}
	for (size_t i = 1; i < op->u.overlay.nlower; i++) {
		if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", op->u.overlay.lower[i], 0) < 0) die_fsconfig(op->name, fsfd, op->u.overlay.lower[i]);
	}
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", op->u.overlay.upper, 0) < 0) die_fsconfig(op->name, fsfd, op->u.overlay.upper);
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", op->u.overlay.work, 0) < 0) die_fsconfig(op->name, fsfd, op->u.overlay.work);
	for (size_t i = 0; i < op->u.overlay.nopts; i++) {
		const char *key = op->u.overlay.opt_keys[i], *value = op->u.overlay.opt_values[i];
		int r = value ? fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0) : fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
		if (r < 0) die_fsconfig(op->name, fsfd, key);
	}
	if (userxattr && fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) die_fsconfig(op->name, fsfd, "userxattr");
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) die_fsconfig(op->name, fsfd, "create the overlay");
	int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0) die_errno(op->name, "fsmount");
	if (move_mount(mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0) die_errno(op->name, "attach overlay on %s", op->u.overlay.target);
	close(mfd);
	close(fsfd);
	release(&p);
}

void op_bind(const struct program *prog, const struct op *op)
{
	struct place src, dst;
	const char *source = place_of(prog, op->name, op->u.bind.source, &src);
	const char *target = place_of(prog, op->name, op->u.bind.target, &dst);
	if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0) {
		die_errno(op->name, "bind %s on %s", op->u.bind.source, op->u.bind.target);
	}
	release(&src);
	release(&dst);
	/* A bind mount ignores flags: they take a remount of the new mount. */
	if (op->u.bind.flags) remount_bind(prog, op->name, op->u.bind.target, op->u.bind.flags);
}

void op_mount(const struct program *prog, const struct op *op)
{
	struct place p;
	const char *target = place_of(prog, op->name, op->u.mount.target, &p);
	const char *data = op->u.mount.data[0] ? op->u.mount.data : NULL;
	if (mount(op->u.mount.fstype, target, op->u.mount.fstype, op->u.mount.flags, data) < 0) {
		die_errno(op->name, "mount %s on %s", op->u.mount.fstype, op->u.mount.target);
	}
	release(&p);
}

/* The parent directory of `path` (opened, resolved in the new root when below it) and its last
 * component. */
static int open_parent(const struct program *prog, const char *step, const char *path, const char **base)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t n = (size_t)(slash - path);
	if (n >= sizeof parent) die(step, "path too long: %s", path);
	if (n == 0) {
		strcpy(parent, "/");
	} else {
		memcpy(parent, path, n);
		parent[n] = '\0';
	}
	*base = slash + 1;
	if (**base == '\0' || strcmp(*base, ".") == 0 || strcmp(*base, "..") == 0) die(step, "%s: no final name", path);
	int fd = open_in_root(prog, parent, O_PATH | O_DIRECTORY);
	if (fd < 0) die_errno(step, "%s", parent);
	return fd;
}

void op_mkdir(const struct program *prog, const struct op *op)
{
	const char *path = op->u.mkdir.path;
	char prefix[PATH_MAX];
	size_t len = strlen(path);
	if (len >= sizeof prefix) die(op->name, "path too long: %s", path);
	while (len > 1 && path[len - 1] == '/') len--;
	/* mkdir -p: each missing component in turn, every prefix resolved afresh from the top. */
	for (size_t i = 1; i <= len; i++) {
		if (i < len && path[i] != '/') continue;
		if (path[i - 1] == '/') continue;
		memcpy(prefix, path, i);
		prefix[i] = '\0';
		int fd = open_in_root(prog, prefix, O_PATH | O_DIRECTORY);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT) die_errno(op->name, "%s", prefix);
		const char *base;
		int parent = open_parent(prog, op->name, prefix, &base);
		if (mkdirat(parent, base, op->u.mkdir.mode) < 0) die_errno(op->name, "mkdir %s", prefix);
		/* The umask took bits away; the caller asked for exactly this mode. */
		if (fchmodat(parent, base, op->u.mkdir.mode, 0) < 0) die_errno(op->name, "chmod %s", prefix);
		close(parent);
	}
}

void op_symlink(const struct program *prog, const struct op *op)
{
	const char *base;
	int parent = open_parent(prog, op->name, op->u.symlink.path, &base);
	if (symlinkat(op->u.symlink.target, parent, base) < 0) die_errno(op->name, "%s -> %s", op->u.symlink.path, op->u.symlink.target);
	close(parent);
}

void op_mknod(const struct program *prog, const struct op *op)
{
	const char *base;
	int parent = open_parent(prog, op->name, op->u.mknod.path, &base);
	if (mknodat(parent, base, op->u.mknod.mode, op->u.mknod.dev) < 0) die_errno(op->name, "%s", op->u.mknod.path);
	if (fchmodat(parent, base, op->u.mknod.mode & 07777, 0) < 0) die_errno(op->name, "chmod %s", op->u.mknod.path);
	close(parent);
}

void op_own(const struct program *prog, const struct op *op)
{
	const char *base;
	int parent = open_parent(prog, op->name, op->u.own.path, &base);
	struct stat st;
	if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0) die_errno(op->name, "%s", op->u.own.path);
	if (fchownat(parent, base, op->u.own.uid, op->u.own.gid, AT_SYMLINK_NOFOLLOW) < 0) die_errno(op->name, "chown %s", op->u.own.path);
	/* chown cleared setuid and setgid of a file; a symlink has no mode of its own. */
	if (!S_ISLNK(st.st_mode) && fchmodat(parent, base, op->u.own.mode, 0) < 0) die_errno(op->name, "chmod %s", op->u.own.path);
	close(parent);
}

/* Whether `path` exists (following symlinks, as mount(2) will); dies on errors other than
 * "it is not there". */
static bool exists(const struct program *prog, const char *step, const char *path, struct stat *st)
{
	int fd = open_in_root(prog, path, O_PATH);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) return false;
		die_errno(step, "%s", path);
	}
	if (fstat(fd, st) < 0) die_errno(step, "stat %s", path);
	close(fd);
	return true;
}

void op_mask(const struct program *prog, const struct op *op)
{
	const char *path = op->u.path.path;
	struct stat st;
	if (!exists(prog, op->name, path, &st)) return;
	struct place p;
	const char *target = place_of(prog, op->name, path, &p);
	if (S_ISDIR(st.st_mode)) {
		/* An empty read-only tmpfs hides a directory (/sys/firmware, /proc/acpi). */
		if (mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555") < 0) {
			die_errno(op->name, "mount an empty tmpfs on %s", path);
		}
	} else {
		/* /dev/null bound over a file reads empty and ignores writes (/proc/kcore,
		 * /proc/sysrq-trigger). It must be the real null device: the image could have put a
		 * regular file, or a node of another device, at /dev/null. */
		struct stat null;
		if (stat("/dev/null", &null) < 0) die_errno(op->name, "stat /dev/null");
		if (!S_ISCHR(null.st_mode) || null.st_rdev != makedev(1, 3)) die(op->name, "/dev/null is not the null device");
		if (mount("/dev/null", target, NULL, MS_BIND, NULL) < 0) die_errno(op->name, "bind /dev/null on %s", path);
	}
	release(&p);
}

void op_readonly(const struct program *prog, const struct op *op)
{
	const char *path = op->u.path.path;
	struct stat st;
	if (!exists(prog, op->name, path, &st)) return;
	struct place p;
	const char *target = place_of(prog, op->name, path, &p);
	if (mount(target, target, NULL, MS_BIND | MS_REC, NULL) < 0) die_errno(op->name, "bind %s on itself", path);
	release(&p);
	remount_bind(prog, op->name, path, MS_RDONLY);
}

void op_pivot(const struct op *op)
{
	const char *root = op->u.path.path;
	/* Why not chroot: chroot(2) only changes the process's root directory. Root inside (with
	 * CAP_SYS_CHROOT) can chroot into a subdirectory while keeping a directory fd — or its cwd —
	 * outside it, and ".." from there is no longer stopped at any root: it walks up to the
	 * host's "/". pivot_root changes the root MOUNT of the namespace instead, and once the old
	 * root is detached there is nothing above the new root to walk to.
	 *
	 * The new root must be a mount point (the overlay, or a directory bound onto itself), and
	 * its parent mount must not be shared (private-mounts). */

	/* 1. Stand in the new root: pivot_root(".", ".") then needs no directory for the old root
	 *    inside the new one (which an image could have made a symlink). */
	if (chdir(root) < 0) die_errno(op->name, "chdir %s", root);
	/* 2. The new root becomes "/", and the old root is mounted on top of it — on ".", where we
	 *    stand (man 2 pivot_root: new_root and put_old may be the same directory). */
	if (syscall(SYS_pivot_root, ".", ".") < 0) die_errno(op->name, "pivot_root %s", root);
	/* 3. Detach the old root, with every mount below it. MNT_DETACH because the host's mounts
	 *    are busy; the namespace no longer contains them, so no path reaches the host's files. */
	if (umount2(".", MNT_DETACH) < 0) die_errno(op->name, "detach the old root");
	/* 4. Our cwd still refers to the directory under the detached stack; step onto the new "/"
	 *    so no reference to the old tree is left (an open directory is a way back out). */
	if (chdir("/") < 0) die_errno(op->name, "chdir /");
	g_pivoted = true;
}

void op_remount_root_ro(const struct op *op)
{
	/* MS_BIND with MS_REMOUNT changes this mount only, not the filesystem: the container's upper
	 * layer stays writable for strata itself. */
	unsigned long f = MS_BIND | MS_REMOUNT | MS_RDONLY | current_flags(op->name, "/", "/");
	if (mount(NULL, "/", NULL, f, NULL) < 0) die_errno(op->name, "remount / read-only");
}
