/*
 * strata-helper: `join`, entering the namespaces of a running sandbox (`strata exec`), as nsenter
 * and runc's exec do. The caller names the sandbox's init by pid AND start time, and the
 * namespaces to enter; the monitor stays outside (the program's `spawn` made no namespaces), and
 * the child enters here, before any of the security steps that follow it.
 *
 * Three things this must never do:
 *   - enter the HOST's namespaces because a pid was reused (the sandbox exited and another process
 *     took its number): every namespace must differ from our own, and the start time must still
 *     match once the namespace files are open;
 *   - leave a way from the sandbox back into this process: it is not dumpable from here until the
 *     command's execve (a root process of the sandbox could otherwise ptrace the forked command
 *     before it execs, or open its descriptors through /proc, as in runc's CVE-2016-9962);
 *   - hold a descriptor of the host after entering: the namespace files are closed as they are used
 *     (and were opened O_CLOEXEC).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper.h"

#define MAX_JOIN 7   /* user, mnt, pid, uts, ipc, net, cgroup */

/* Field 22 of /proc/PID/stat (start time in clock ticks); 0 when the process is gone. */
static unsigned long long start_time(const char *step, pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) return 0;
		die_errno(step, "open %s", path);
	}
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) return 0;
	buf[n] = '\0';
	/* The command name is in parentheses and may hold anything: count fields after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p) die(step, "%s: unexpected format", path);
	int field = 2;
	for (; *p && field < 22; p++) {
		if (*p == ' ') field++;
	}
	unsigned long long v = 0;
	for (; *p >= '0' && *p <= '9'; p++) v = v * 10 + (unsigned)(*p - '0');
	return v;
}

static bool deny_setgroups(const char *step, pid_t pid)
{
	char path[64], buf[16] = { 0 };
	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) die_errno(step, "open %s", path);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) die_errno(step, "read %s", path);
	return strncmp(buf, "deny", 4) == 0;
}

void op_join(const struct op *op, bool *pid_joined)
{
	pid_t pid = op->u.join.pid;
	size_t n = op->u.join.n;
	int fds[MAX_JOIN];
	unsigned long flags[MAX_JOIN];
	if (n > MAX_JOIN) die(op->name, "too many namespaces");

	/* 1. Open every namespace first: once inside the sandbox's mount namespace, the host's
	 *    /proc/PID is out of sight. */
	for (size_t i = 0; i < n; i++) {
		const char *name = op->u.join.names[i];
		char path[64], own[64];
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, name);
		snprintf(own, sizeof own, "/proc/self/ns/%s", name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0) die_errno(op->name, "open %s", path);
		flags[i] = namespace_flag(name);
		struct stat theirs, ours;
		if (fstat(fds[i], &theirs) < 0) die_errno(op->name, "stat %s", path);
		if (stat(own, &ours) < 0) die_errno(op->name, "stat %s", own);
		if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino) {
			die(op->name, "process %d shares our %s namespace: it is not a sandbox", (int)pid, name);
		}
	}

	/* 2. The files opened belong to the process the caller meant: it was alive before the opens
	 *    (the caller saw it) and still has the same start time after them, so its pid was never
	 *    reused in between. */
	if (start_time(op->name, pid) != op->u.join.start) die(op->name, "process %d is gone (the container stopped)", (int)pid);

	/* 3. Enter: the user namespace first (in it we hold the capabilities that entering the
	 *    others needs), then the rest in the order given. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			bool user = flags[i] == CLONE_NEWUSER;
			if (user != (pass == 0)) continue;
			if (user && deny_setgroups(op->name, pid)) g_setgroups_denied = true;
			if (setns(fds[i], (int)flags[i]) < 0) die_errno(op->name, "enter the %s namespace of process %d", op->u.join.names[i], (int)pid);
			close(fds[i]);
			if (flags[i] == CLONE_NEWPID) *pid_joined = true;
		}
	}
	/* Entering a mount namespace puts root and cwd at its root already; say so explicitly. */
	if (chdir("/") < 0) die_errno(op->name, "chdir /");

	/* 4. Not dumpable until execve resets it (see the top of this file). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die_errno(op->name, "PR_SET_DUMPABLE");
}
