/*
 * strata-helper: the queries on extended attributes, which Node.js cannot read or write.
 *
 * `xattr-dirs` lists the directories of a tree whose extended
 * attribute NAME holds exactly VALUE — strata asks for the opaque markers of a container's overlay
 * upper directory (trusted.overlay.opaque="y", user.overlay.opaque="y" rootless), which `diff`,
 * `commit` and `cp` need and Node.js cannot read (it has no xattr call).
 *
 * The tree is a container's writable layer: its names are the sandbox's to choose, and while the
 * container runs it may swap a directory for a symlink under our feet. So each directory is opened
 * relative to its parent's descriptor with O_NOFOLLOW (a symlink there is never followed onto the
 * host), the attribute is read from the descriptor itself (fgetxattr: no path to race on), and
 * paths are built from raw name bytes, never re-resolved. What vanishes or stops being a directory
 * between readdir and open is skipped: the walk reports the tree as it found it.
 *
 * Output on stdout: each path ("/" for ROOT itself, else "/a/b" below it) NUL-terminated.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "helper.h"

struct walk {
	const struct op *op;
	size_t value_len;
	char *value_buf;    /* value_len + 1 bytes: a longer value shows as ERANGE or a longer read */
	char *path;         /* the directory being visited, relative to ROOT ("" for ROOT) */
	size_t len, cap;
	char out[65536];    /* stdout, buffered */
	size_t out_len;
};

static void flush(struct walk *w)
{
	const char *p = w->out;
	size_t left = w->out_len;
	while (left > 0) {
		ssize_t n = write(1, p, left);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) die_errno(w->op->name, "write stdout");
		p += n;
		left -= (size_t)n;
	}
	w->out_len = 0;
}

/* The directory being visited is one of the answer: its path, NUL-terminated. */
static void emit(struct walk *w)
{
	const char *p = w->len == 0 ? "/" : w->path;
	size_t n = strlen(p) + 1;
	while (n > 0) {
		if (w->out_len == sizeof w->out) flush(w);
		size_t k = sizeof w->out - w->out_len;
		if (k > n) k = n;
		memcpy(w->out + w->out_len, p, k);
		w->out_len += k;
		p += k;
		n -= k;
	}
}

/* w->path += "/" NAME; returns the old length, to restore. */
static size_t push_name(struct walk *w, const char *name)
{
	size_t old = w->len, add = strlen(name) + 1;
	if (w->len + add + 1 > w->cap) {
		while (w->len + add + 1 > w->cap) w->cap *= 2;
		w->path = realloc(w->path, w->cap);
		if (!w->path) die(w->op->name, "out of memory");
	}
	w->path[w->len] = '/';
	memcpy(w->path + w->len + 1, name, add);   /* with its NUL */
	w->len += add;
	return old;
}

/* Visits the directory open on `fd`, then everything below it; closes `fd`. */
static void visit(struct walk *w, int fd)
{
	const struct op *op = w->op;
	const char *root = op->u.xattr_dirs.root;
	ssize_t got = fgetxattr(fd, op->u.xattr_dirs.name, w->value_buf, w->value_len + 1);
	if (got < 0) {
		/* ENODATA: not set here; ERANGE: longer than VALUE; ENOTSUP: this file system keeps no
		 * such attributes, so no directory of it carries one. */
		if (errno != ENODATA && errno != ERANGE && errno != ENOTSUP) die_errno(op->name, "read %s of %s%s", op->u.xattr_dirs.name, root, w->path);
	} else if ((size_t)got == w->value_len && memcmp(w->value_buf, op->u.xattr_dirs.value, w->value_len) == 0) {
		emit(w);
	}

	DIR *dir = fdopendir(fd);
	if (!dir) die_errno(op->name, "read directory %s%s", root, w->path);
	for (;;) {
		errno = 0;
		struct dirent *e = readdir(dir);
		if (!e) {
			if (errno != 0) die_errno(op->name, "read directory %s%s", root, w->path);
			break;
		}
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) continue;
		size_t old = push_name(w, e->d_name);
		int child = openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child >= 0) visit(w, child);
		/* Gone, no directory (DT_UNKNOWN, or swapped meanwhile), a symlink now: not one to list. */
		else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) die_errno(op->name, "open %s%s", root, w->path);
		w->len = old;
		w->path[old] = '\0';
	}
	if (closedir(dir) < 0) die_errno(op->name, "close directory %s%s", root, w->path);
}

void op_xattr_dirs(const struct op *op)
{
	struct walk *w = calloc(1, sizeof *w);
	if (!w) die(op->name, "out of memory");
	w->op = op;
	w->value_len = strlen(op->u.xattr_dirs.value);
	w->value_buf = malloc(w->value_len + 1);
	w->cap = 4096;
	w->path = malloc(w->cap);
	if (!w->value_buf || !w->path) die(op->name, "out of memory");
	w->path[0] = '\0';
	/* O_NOFOLLOW: ROOT itself must be the directory, not a link to one elsewhere. */
	int fd = open(op->u.xattr_dirs.root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) die_errno(op->name, "open %s", op->u.xattr_dirs.root);
	visit(w, fd);
	flush(w);
}

/* `set-xattr FD NAME VALUE`: fsetxattr on a descriptor the caller opened and handed over (a
 * directory of a container's upper layer, opened beneath it: `cp` marks it opaque). The caller's
 * open did the resolving; the helper only acts on the object, so no path can be swapped. */
void op_set_xattr(const struct op *op)
{
	const char *value = op->u.set_xattr.value;
	if (fsetxattr(op->u.set_xattr.fd, op->u.set_xattr.name, value, strlen(value), 0) < 0) {
		die_errno(op->name, "%s on descriptor %d", op->u.set_xattr.name, op->u.set_xattr.fd);
	}
}
