/*
 * strata-helper: reading the program from fd 3 and validating ALL of it before any step runs.
 * A malformed program (unknown operation, missing or extra tokens, a bad number, a name the
 * tables do not know, an operation in a place it cannot work) exits 125 having done nothing:
 * a half-built sandbox is never left for the caller to guess about.
 *
 * Wire format (ops.ts): NUL-terminated tokens; an operation name, then exactly its
 * arguments; numbers decimal, modes octal; lists comma-separated; `exec` last — or, for a query,
 * `xattr-dirs`, `set-xattr` or `syncfs` alone.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "helper.h"

#define STEP "program"

struct cursor {
	char **tok;
	size_t n, i;
	const char *op;   /* the operation being parsed, for messages */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) die(STEP, "out of memory");
	return p;
}

static char *next(struct cursor *c)
{
	if (c->i >= c->n) die(STEP, "%s: missing arguments", c->op);
	return c->tok[c->i++];
}

/* A strictly decimal (or octal) unsigned number: digits only, no sign, no spaces, no overflow. */
static unsigned long long number(struct cursor *c, const char *s, int base, unsigned long long max)
{
	if (*s == '\0') die(STEP, "%s: empty number", c->op);
	unsigned long long v = 0;
	for (const char *p = s; *p; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (d >= (unsigned)base) die(STEP, "%s: bad number \"%s\"", c->op, s);
		if (v > (max - d) / (unsigned)base) die(STEP, "%s: number out of range \"%s\"", c->op, s);
		v = v * (unsigned)base + d;
	}
	return v;
}

static const char *path(struct cursor *c)
{
	const char *p = next(c);
	if (p[0] != '/') die(STEP, "%s: path is not absolute: \"%s\"", c->op, p);
	return p;
}

/* Splits s in place at each sep; an empty string is an empty list. */
static char **split(char *s, char sep, size_t *count)
{
	size_t n = *s ? 1 : 0;
	for (char *p = s; *p; p++) n += *p == sep;
	char **list = xcalloc(n + 1, sizeof *list);
	size_t i = 0;
	if (*s) {
		list[i++] = s;
		for (char *p = s; *p; p++) {
			if (*p == sep) {
				*p = '\0';
				list[i++] = p + 1;
			}
		}
	}
	*count = n;
	return list;
}

static unsigned long mount_flags(struct cursor *c)
{
	size_t n;
	char **names = split(next(c), ',', &n);
	unsigned long flags = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], "ro") == 0) flags |= MS_RDONLY;
		else if (strcmp(names[i], "nosuid") == 0) flags |= MS_NOSUID;
		else if (strcmp(names[i], "nodev") == 0) flags |= MS_NODEV;
		else if (strcmp(names[i], "noexec") == 0) flags |= MS_NOEXEC;
		else die(STEP, "%s: unknown mount flag \"%s\"", c->op, names[i]);
	}
	free(names);
	return flags;
}

static unsigned long namespaces(struct cursor *c)
{
	size_t n;
	char **names = split(next(c), ',', &n);
	unsigned long flags = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned long flag = namespace_flag(names[i]);
		if (flag == 0) die(STEP, "%s: unknown namespace \"%s\"", c->op, names[i]);
		flags |= flag;
	}
	free(names);
	return flags;
}

/* mount-overlay's OPTIONS: KEY=VALUE or a flag KEY, split in place. The layers and the upper and
 * work directories have fields of their own: an option must not name them again. */
static void overlay_options(struct cursor *c, struct op *op)
{
	size_t n;
	char **opts = split(next(c), ',', &n);
	op->u.overlay.opt_keys = opts;
	op->u.overlay.opt_values = xcalloc(n + 1, sizeof(char *));
	op->u.overlay.nopts = n;
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(opts[i], '=');
		if (eq) {
			*eq = '\0';
			op->u.overlay.opt_values[i] = eq + 1;
		}
		const char *key = opts[i];
		if (key[0] == '\0') die(STEP, "%s: empty option name", c->op);
		if (strncmp(key, "lowerdir", 8) == 0 || strncmp(key, "datadir", 7) == 0 || strcmp(key, "upperdir") == 0 || strcmp(key, "workdir") == 0) {
			die(STEP, "%s: option \"%s\" is given by the operation's own arguments", c->op, key);
		}
	}
}

static int rlimit_resource(struct cursor *c, const char *name)
{
	static const struct { const char *name; int resource; } table[] = {
		{ "nproc", RLIMIT_NPROC }, { "nofile", RLIMIT_NOFILE }, { "as", RLIMIT_AS },
		{ "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "fsize", RLIMIT_FSIZE },
	};
	for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
		if (strcmp(name, table[k].name) == 0) return table[k].resource;
	}
	die(STEP, "%s: unknown resource \"%s\"", c->op, name);
}

static char **string_array(struct cursor *c, size_t count)
{
	char **a = xcalloc(count + 1, sizeof *a);
	for (size_t i = 0; i < count; i++) a[i] = next(c);
	return a;
}

#define ID_MAX 4294967294ull   /* (uid_t)-1 means "unchanged" to the kernel: never a real id */

static void parse_op(struct cursor *c, struct op *op)
{
	static const struct { const char *name; enum op_kind kind; } ops[] = {
		{ "spawn", OP_SPAWN }, { "sync", OP_SYNC }, { "map-self", OP_MAP_SELF },
		{ "cgroup", OP_CGROUP }, { "rlimit", OP_RLIMIT }, { "private-mounts", OP_PRIVATE_MOUNTS },
		{ "mount-overlay", OP_MOUNT_OVERLAY }, { "bind", OP_BIND }, { "mount", OP_MOUNT },
		{ "mkdir", OP_MKDIR }, { "symlink", OP_SYMLINK }, { "mknod", OP_MKNOD }, { "mask", OP_MASK },
		{ "readonly", OP_READONLY }, { "pivot", OP_PIVOT }, { "remount-root-ro", OP_REMOUNT_ROOT_RO },
		{ "hostname", OP_HOSTNAME }, { "loopback-up", OP_LOOPBACK_UP }, { "pty", OP_PTY },
		{ "chdir", OP_CHDIR }, { "ids", OP_IDS }, { "caps", OP_CAPS }, { "no-new-privs", OP_NO_NEW_PRIVS },
		{ "seccomp", OP_SECCOMP }, { "timeout", OP_TIMEOUT }, { "exec", OP_EXEC }, { "join", OP_JOIN },
		{ "own", OP_OWN }, { "xattr-dirs", OP_XATTR_DIRS }, { "set-xattr", OP_SET_XATTR },
		{ "syncfs", OP_SYNCFS },
	};
	const char *name = c->tok[c->i++];
	size_t k = 0;
	while (k < sizeof ops / sizeof ops[0] && strcmp(name, ops[k].name) != 0) k++;
	if (k == sizeof ops / sizeof ops[0]) die(STEP, "unknown operation \"%s\"", name);
	op->kind = ops[k].kind;
	op->name = ops[k].name;
	c->op = op->name;

	switch (op->kind) {
	case OP_SPAWN:
		op->u.spawn.clone_flags = namespaces(c);
		break;
	case OP_SYNC: case OP_PRIVATE_MOUNTS: case OP_REMOUNT_ROOT_RO: case OP_LOOPBACK_UP:
	case OP_PTY: case OP_NO_NEW_PRIVS:
		break;
	case OP_MAP_SELF:
		op->u.map_self.uid = (uid_t)number(c, next(c), 10, ID_MAX);
		op->u.map_self.gid = (gid_t)number(c, next(c), 10, ID_MAX);
		break;
	case OP_CGROUP: {
		size_t n = number(c, next(c), 10, 64);
		op->u.cgroup.files = xcalloc(n + 1, sizeof(char *));
		op->u.cgroup.n = n;
		for (size_t i = 0; i < n; i++) op->u.cgroup.files[i] = (char *)path(c);
		break;
	}
	case OP_RLIMIT:
		op->u.rlimit.resource = rlimit_resource(c, next(c));
		op->u.rlimit.limit.rlim_cur = number(c, next(c), 10, ~0ull);
		op->u.rlimit.limit.rlim_max = number(c, next(c), 10, ~0ull);
		if (op->u.rlimit.limit.rlim_cur > op->u.rlimit.limit.rlim_max) die(STEP, "rlimit: soft limit above hard limit");
		break;
	case OP_MOUNT_OVERLAY: {
		op->u.overlay.lower = split(next(c), ':', &op->u.overlay.nlower);
		if (op->u.overlay.nlower == 0) die(STEP, "mount-overlay: no lower directory");
		for (size_t i = 0; i < op->u.overlay.nlower; i++) {
			if (op->u.overlay.lower[i][0] != '/') die(STEP, "mount-overlay: path is not absolute: \"%s\"", op->u.overlay.lower[i]);
		}
		op->u.overlay.upper = path(c);
		op->u.overlay.work = path(c);
		op->u.overlay.target = path(c);
		overlay_options(c, op);
		break;
	}
	case OP_BIND:
		op->u.bind.source = path(c);
		op->u.bind.target = path(c);
		op->u.bind.flags = mount_flags(c);
		break;
	case OP_MOUNT:
		op->u.mount.fstype = next(c);
		op->u.mount.target = path(c);
		op->u.mount.flags = mount_flags(c);
		op->u.mount.data = next(c);
		if (op->u.mount.fstype[0] == '\0') die(STEP, "mount: empty filesystem type");
		break;
	case OP_MKDIR:
		op->u.mkdir.path = path(c);
		op->u.mkdir.mode = (mode_t)number(c, next(c), 8, 07777);
		break;
	case OP_SYMLINK:
		op->u.symlink.target = next(c);
		op->u.symlink.path = path(c);
		if (op->u.symlink.target[0] == '\0') die(STEP, "symlink: empty target");
		break;
	case OP_MKNOD: {
		op->u.mknod.path = path(c);
		const char *type = next(c);
		mode_t ifmt = strcmp(type, "c") == 0 ? S_IFCHR : strcmp(type, "b") == 0 ? S_IFBLK : strcmp(type, "p") == 0 ? S_IFIFO : 0;
		if (ifmt == 0) die(STEP, "mknod: unknown type \"%s\" (c, b or p)", type);
		op->u.mknod.mode = ifmt | (mode_t)number(c, next(c), 8, 07777);
		unsigned major = (unsigned)number(c, next(c), 10, 0xfff);
		unsigned minor = (unsigned)number(c, next(c), 10, 0xfffff);
		op->u.mknod.dev = makedev(major, minor);
		break;
	}
	case OP_OWN:
		op->u.own.path = path(c);
		op->u.own.uid = (uid_t)number(c, next(c), 10, ID_MAX);
		op->u.own.gid = (gid_t)number(c, next(c), 10, ID_MAX);
		op->u.own.mode = (mode_t)number(c, next(c), 8, 07777);
		break;
	case OP_MASK: case OP_READONLY: case OP_PIVOT: case OP_CHDIR:
		op->u.path.path = path(c);
		break;
	case OP_HOSTNAME:
		op->u.hostname.name = next(c);
		if (strlen(op->u.hostname.name) == 0 || strlen(op->u.hostname.name) > 64) die(STEP, "hostname: length must be 1 to 64");
		break;
	case OP_IDS: {
		op->u.ids.uid = (uid_t)number(c, next(c), 10, ID_MAX);
		op->u.ids.gid = (gid_t)number(c, next(c), 10, ID_MAX);
		size_t n;
		char **groups = split(next(c), ',', &n);
		if (n > 65536) die(STEP, "ids: too many groups");
		op->u.ids.groups = xcalloc(n, sizeof(gid_t));
		op->u.ids.ngroups = n;
		for (size_t i = 0; i < n; i++) op->u.ids.groups[i] = (gid_t)number(c, groups[i], 10, ID_MAX);
		free(groups);
		break;
	}
	case OP_CAPS: {
		size_t n;
		char **names = split(next(c), ',', &n);
		op->u.caps.keep = 0;
		for (size_t i = 0; i < n; i++) {
			int cap = capability_number(names[i]);
			if (cap < 0) die(STEP, "caps: unknown capability \"%s\"", names[i]);
			op->u.caps.keep |= 1ull << cap;
		}
		free(names);
		break;
	}
	case OP_SECCOMP: {
		size_t n;
		char **names = split(next(c), ',', &n);
		op->u.seccomp.deny = xcalloc(n, sizeof(int));
		op->u.seccomp.ndeny = 0;
		for (size_t i = 0; i < n; i++) {
			int nr = syscall_number(names[i]);
			if (nr == -1) die(STEP, "seccomp: unknown syscall \"%s\"", names[i]);
			if (nr >= 0) op->u.seccomp.deny[op->u.seccomp.ndeny++] = nr;
		}
		free(names);
		const char *flag = next(c);
		if (strcmp(flag, "0") != 0 && strcmp(flag, "1") != 0) die(STEP, "seccomp: namespace-clone flag must be 0 or 1, not \"%s\"", flag);
		op->u.seccomp.clone_ns = flag[0] == '1';
		break;
	}
	case OP_TIMEOUT:
		op->u.timeout.seconds = (unsigned)number(c, next(c), 10, 100u * 365 * 24 * 3600);
		if (op->u.timeout.seconds == 0) die(STEP, "timeout: must be at least 1 second");
		break;
	case OP_JOIN: {
		op->u.join.pid = (pid_t)number(c, next(c), 10, 4194304);
		if (op->u.join.pid < 2) die(STEP, "join: pid must be at least 2");
		op->u.join.start = number(c, next(c), 10, ~0ull);
		op->u.join.names = split(next(c), ',', &op->u.join.n);
		if (op->u.join.n == 0) die(STEP, "join: no namespace");
		unsigned long seen = 0;
		for (size_t i = 0; i < op->u.join.n; i++) {
			unsigned long flag = namespace_flag(op->u.join.names[i]);
			if (flag == 0) die(STEP, "join: unknown namespace \"%s\"", op->u.join.names[i]);
			if (seen & flag) die(STEP, "join: namespace \"%s\" given twice", op->u.join.names[i]);
			seen |= flag;
		}
		break;
	}
	case OP_XATTR_DIRS:
		op->u.xattr_dirs.root = path(c);
		op->u.xattr_dirs.name = next(c);
		op->u.xattr_dirs.value = next(c);
		if (op->u.xattr_dirs.name[0] == '\0') die(STEP, "xattr-dirs: empty attribute name");
		break;
	case OP_SET_XATTR:
		/* 0–2 are stdio and 3 the program: the descriptor is one the caller added. */
		op->u.set_xattr.fd = (int)number(c, next(c), 10, 1023);
		if (op->u.set_xattr.fd < 4) die(STEP, "set-xattr: descriptor must be 4 or above");
		op->u.set_xattr.name = next(c);
		op->u.set_xattr.value = next(c);
		if (op->u.set_xattr.name[0] == '\0') die(STEP, "set-xattr: empty attribute name");
		break;
	case OP_SYNCFS:
		op->u.syncfs.fd = (int)number(c, next(c), 10, 1023);
		if (op->u.syncfs.fd < 4) die(STEP, "syncfs: descriptor must be 4 or above");
		break;
	case OP_EXEC: {
		size_t nenv = number(c, next(c), 10, 1u << 20);
		op->u.exec.envp = string_array(c, nenv);
		for (size_t i = 0; i < nenv; i++) {
			if (!strchr(op->u.exec.envp[i], '=')) die(STEP, "exec: environment entry without '=': \"%s\"", op->u.exec.envp[i]);
		}
		size_t argc = number(c, next(c), 10, 1u << 20);
		if (argc == 0) die(STEP, "exec: empty command");
		op->u.exec.argv = string_array(c, argc);
		if (op->u.exec.argv[0][0] == '\0') die(STEP, "exec: empty command name");
		break;
	}
	}
}

/* Where an operation may stand, checked once for the whole program. */
static void check_structure(struct program *prog)
{
	unsigned long spawned = 0;   /* clone flags once `spawn` has been seen */
	bool seen_spawn = false, seen_join = false;
	for (size_t i = 0; i < prog->n; i++) {
		const struct op *op = &prog->ops[i];
		switch (op->kind) {
		case OP_SPAWN:
			if (seen_spawn) die(STEP, "spawn given twice");
			seen_spawn = true;
			spawned = op->u.spawn.clone_flags;
			prog->spawn_at = (ssize_t)i;
			break;
		case OP_MAP_SELF:
			if (!(spawned & CLONE_NEWUSER)) die(STEP, "map-self: needs a spawn with a user namespace before it");
			break;
		case OP_PTY:
			/* The monitor relays the terminal: it must exist before the pty does. */
			if (!seen_spawn) die(STEP, "pty: needs a spawn before it");
			if (prog->has_pty) die(STEP, "pty given twice");
			prog->has_pty = true;
			break;
		case OP_JOIN:
			/* The monitor must stay outside the sandbox it relays for; and a second join
			 * would leave the first one's namespaces half-entered. */
			if (!seen_spawn) die(STEP, "join: needs a spawn before it");
			if (seen_join) die(STEP, "join given twice");
			if (spawned) die(STEP, "join: the spawn before it must not make namespaces");
			seen_join = true;
			break;
		case OP_TIMEOUT:
			if (prog->timeout) die(STEP, "timeout given twice");
			prog->timeout = op->u.timeout.seconds;
			break;
		case OP_XATTR_DIRS:
			/* A query answers on stdout and exits: a sandbox's steps around it would be half
			 * done, and stdout is the command's. */
			if (prog->n != 1) die(STEP, "xattr-dirs is a query: it must be the only operation");
			break;
		case OP_SET_XATTR:
			if (prog->n != 1) die(STEP, "set-xattr is a query: it must be the only operation");
			break;
		case OP_SYNCFS:
			if (prog->n != 1) die(STEP, "syncfs is a query: it must be the only operation");
			break;
		case OP_PIVOT:
			if (prog->pivot_root) die(STEP, "pivot given twice");
			if (strcmp(op->u.path.path, "/") == 0) die(STEP, "pivot: the new root cannot be /");
			prog->pivot_root = op->u.path.path;
			break;
		default:
			break;
		}
	}
	if (prog->timeout && !seen_spawn) die(STEP, "timeout: needs a spawn (the monitor enforces it)");
	/* A joined sandbox has its root already: a pivot there would act on the sandbox's mounts. */
	if (seen_join && prog->pivot_root) die(STEP, "join and pivot cannot be in one program");
}

void read_program(int fd, struct program *prog)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf) die(STEP, "out of memory");
	for (;;) {
		if (len == cap) {
			if (cap >= PROGRAM_MAX) die(STEP, "larger than %u bytes", PROGRAM_MAX);
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf) die(STEP, "out of memory");
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) die_errno(STEP, "read fd %d", fd);
		if (n == 0) break;
		len += (size_t)n;
	}
	if (close(fd) < 0) die_errno(STEP, "close fd %d", fd);
	if (len == 0) die(STEP, "empty (expected NUL-terminated tokens on fd %d)", fd);
	if (buf[len - 1] != '\0') die(STEP, "last token is not NUL-terminated");

	size_t ntok = 0;
	for (size_t i = 0; i < len; i++) ntok += buf[i] == '\0';
	struct cursor c = { .tok = xcalloc(ntok, sizeof(char *)), .n = ntok, .i = 0, .op = "" };
	for (size_t i = 0, t = 0; i < len; t++) {
		c.tok[t] = buf + i;
		i += strlen(buf + i) + 1;
	}

	/* Each operation takes at least its name's token: ntok bounds the count. */
	prog->ops = xcalloc(ntok, sizeof(struct op));
	prog->n = 0;
	prog->spawn_at = -1;
	prog->has_pty = false;
	prog->timeout = 0;
	prog->pivot_root = NULL;
	while (c.i < c.n) {
		struct op *op = &prog->ops[prog->n++];
		parse_op(&c, op);
		if (op->kind == OP_EXEC && c.i < c.n) die(STEP, "%zu token(s) after exec (it must be last)", c.n - c.i);
	}
	check_structure(prog);
	bool query = prog->n == 1 && (prog->ops[0].kind == OP_XATTR_DIRS || prog->ops[0].kind == OP_SET_XATTR || prog->ops[0].kind == OP_SYNCFS);
	if (!query && prog->ops[prog->n - 1].kind != OP_EXEC) die(STEP, "does not end with exec");
	free(c.tok);
}
