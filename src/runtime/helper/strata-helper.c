/*
 * strata-helper: the native half of strata's runtime. It holds no policy: the TypeScript side
 * (src/runtime/) decides every mount, id, capability, limit and syscall, and hands this program a
 * list of operations on fd 3 (the contract, with the wire format: src/runtime/helper/ops.ts).
 * Here they are validated all at once (program.c), then run in order by the one switch below;
 * every syscall is checked, and a failure ends the helper with exit status 125 and one line,
 * "strata-helper: STEP: REASON", naming the operation.
 *
 * Processes (with `spawn` and a PID namespace):
 *
 *   strata (node) ── helper = MONITOR (monitor.c) ── INIT, PID 1 in the sandbox ── COMMAND, PID 2
 *                    outside the namespaces:          runs the operations after     `exec`
 *                    signals, pty relay, timeout,     spawn, then forks the
 *                    exit status                      command, reaps, forwards
 *
 * Without a PID namespace the child execs the command itself. Without `spawn`, this process does
 * everything and becomes the command. A query program (`xattr-dirs` alone, xattr-dirs.c) starts
 * nothing: it writes its answer to stdout and exits 0.
 *
 * Built static (gcc -static), x86_64 only. Ideas from bubblewrap and runc's nsexec, code our own.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

const int forwarded_signals[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
const size_t n_forwarded_signals = sizeof forwarded_signals / sizeof forwarded_signals[0];

/* Where this process stands. */
static pid_t g_parent;            /* our parent when we started (strata), for the death check */
static uid_t g_outer_uid;         /* our ids as the caller sees them, for map-self */
static gid_t g_outer_gid;
static pid_t g_outer_pid;         /* our pid as the caller sees it, for sync */
static int g_control = -1;        /* in the sandbox: our end of the socket to the monitor */
static bool g_pid_namespace;      /* the command must be forked: we are PID 1 of a new PID namespace, or joined one (join.c) */
static int g_pty_slave = -1;      /* the command's terminal, once `pty` made it */

static void write_all(const char *step, int fd, const char *what, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0) die_errno(step, "write %s", what);
		buf += n;
		len -= (size_t)n;
	}
}

static void write_file(const char *step, const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) die_errno(step, "open %s", path);
	write_all(step, fd, path, text, strlen(text));
	if (close(fd) < 0) die_errno(step, "close %s", path);
}

/*
 * The sandbox must not outlive strata. PR_SET_PDEATHSIG sends SIGKILL when the parent dies;
 * but if it died BEFORE the call, nothing will ever come, so look again afterwards. The kernel
 * also clears the setting whenever our uid or gid changes, so `ids` calls this again.
 */
static void arm_parent_death(const char *step)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_errno(step, "PR_SET_PDEATHSIG");
	if (g_control < 0) {
		if (getppid() != g_parent) _exit(EXIT_STEP_FAILED);
		return;
	}
	/* In the sandbox getppid() can say 0 (our parent is outside our PID namespace): the monitor
	 * is alive while its end of the control socket is open. */
	char byte;
	ssize_t n = recv(g_control, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0) _exit(EXIT_STEP_FAILED);
}

static void block_signals(bool with_winch, sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < n_forwarded_signals; i++) sigaddset(set, forwarded_signals[i]);
	sigaddset(set, SIGCHLD);
	if (with_winch) sigaddset(set, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0) die_errno("spawn", "block signals");
}

/* ---- spawn ---- */

static bool program_has(const struct program *prog, size_t from, enum op_kind kind)
{
	for (size_t i = from; i < prog->n; i++) {
		if (prog->ops[i].kind == kind) return true;
	}
	return false;
}

static void op_spawn(const struct program *prog, const struct op *op)
{
	int sv[2];
	/* The control socket: the monitor sends the child its pid; the child sends the pty master
	 * (SCM_RIGHTS) and, when its stderr is hidden, its error lines. SEQPACKET keeps each
	 * message whole. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) die_errno(op->name, "socketpair");
	/* Blocked before the fork, so a SIGTERM that arrives in between waits for the monitor to
	 * forward it instead of killing it. */
	sigset_t set;
	block_signals(prog->has_pty, &set);

	/* All namespaces at once, with a raw clone (as bubblewrap does): the child is born in them,
	 * PID 1 of the new PID namespace when there is one, with no intermediate process. The cgroup
	 * namespace waits until the child has joined its cgroups (see run_program). */
	unsigned long flags = op->u.spawn.clone_flags & ~(unsigned long)CLONE_NEWCGROUP;
	pid_t child = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, 0);
	if (child < 0) die_errno(op->name, "clone");

	if (child > 0) {
		close(sv[1]);
		/* fds 4 and 5 are the child's conversation with the caller: if the child dies, the
		 * caller must see EOF, not wait on our copy. */
		if (program_has(prog, (size_t)prog->spawn_at, OP_SYNC)) {
			close(4);
			close(5);
		}
		if (send(sv[0], &child, sizeof child, MSG_NOSIGNAL) < 0 && errno != EPIPE) die_errno(op->name, "send the child its pid");
		struct monitor_setup m = {
			.child = child,
			.control = sv[0],
			.pid_namespace = (flags & CLONE_NEWPID) != 0,
			.pty = prog->has_pty,
			.timeout = prog->timeout,
		};
		run_monitor(&m);
	}

	/* The child. */
	close(sv[0]);
	g_control = sv[1];
	g_pid_namespace = (flags & CLONE_NEWPID) != 0;
	/* Signals stay blocked until the command starts: one forwarded meanwhile stays pending
	 * for it (PID 1 would otherwise drop it: a namespace's init ignores signals it has no
	 * handler for). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_errno(op->name, "PR_SET_PDEATHSIG");
	/* The monitor's first message; EOF means it died before PDEATHSIG was armed. */
	ssize_t n = recv(g_control, &g_outer_pid, sizeof g_outer_pid, 0);
	if (n != (ssize_t)sizeof g_outer_pid) _exit(EXIT_STEP_FAILED);
	/* A session of our own: no controlling terminal, so /dev/tty inside cannot open the
	 * caller's terminal, and a Ctrl-C there reaches the sandbox once, through the monitor. */
	if (setsid() < 0) die_errno(op->name, "setsid");
	if (prog->has_pty) {
		/* With a pty the caller's stdin/out/err may be its terminal: the sandbox must never
		 * hold them (TIOCSTI would type into the caller's shell). Errors go to the monitor. */
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null < 0) die_errno(op->name, "open /dev/null");
		for (int fd = 0; fd <= 2; fd++) {
			if (dup2(null, fd) < 0) die_errno(op->name, "dup2 /dev/null");
		}
		close(null);
		g_errfd = g_control;
		g_errfd_is_control = true;
	}
}

/* ---- the small operations ---- */

static void op_sync(const struct op *op)
{
	char line[32];
	int len = snprintf(line, sizeof line, "%d\n", (int)g_outer_pid);
	write_all(op->name, 4, "fd 4", line, (size_t)len);
	char byte;
	ssize_t n;
	do n = read(5, &byte, 1); while (n < 0 && errno == EINTR);
	if (n < 0) die_errno(op->name, "read fd 5");
	if (n == 0) die(op->name, "the caller closed fd 5 instead of letting us go on");
}

static void op_map_self(const struct op *op)
{
	char map[64];
	/* One id, mapped by the process itself: the only mapping the kernel lets an unprivileged
	 * process write, and only with setgroups denied first (else a group could be dropped to
	 * escape a negative ACL: CVE-2014-8989). */
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)op->u.map_self.uid, (unsigned)g_outer_uid);
	write_file(op->name, "/proc/self/uid_map", map);
	write_file(op->name, "/proc/self/setgroups", "deny");
	g_setgroups_denied = true;
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)op->u.map_self.gid, (unsigned)g_outer_gid);
	write_file(op->name, "/proc/self/gid_map", map);
}

static void op_cgroup(const struct op *op)
{
	/* "0" is the writing process: its pid needs no translation between namespaces. */
	for (size_t i = 0; i < op->u.cgroup.n; i++) write_file(op->name, op->u.cgroup.files[i], "0\n");
}

static void op_rlimit(const struct op *op)
{
	if (setrlimit(op->u.rlimit.resource, &op->u.rlimit.limit) < 0) die_errno(op->name, "setrlimit");
}

static void op_hostname(const struct op *op)
{
	if (sethostname(op->u.hostname.name, strlen(op->u.hostname.name)) < 0) die_errno(op->name, "sethostname");
}

static void op_loopback_up(const struct op *op)
{
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) die_errno(op->name, "socket");
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) die_errno(op->name, "SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0) die_errno(op->name, "SIOCSIFFLAGS lo");
	close(sock);
}

static void op_pty(const struct op *op)
{
	/* The ptmx of the sandbox's own devpts (mounted with newinstance), never the host's. */
	int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0) die_errno(op->name, "open /dev/pts/ptmx");
	struct stat st;
	if (fstat(master, &st) < 0) die_errno(op->name, "stat /dev/pts/ptmx");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2)) die(op->name, "/dev/pts/ptmx is not a pty multiplexer");
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0) die_errno(op->name, "unlock the pty");
	/* TIOCGPTPEER opens the slave from the master itself: no path to race on. */
	g_pty_slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (g_pty_slave < 0) die_errno(op->name, "open the pty slave");

	/* The master goes to the monitor; the sandbox keeps only the slave. */
	char tag = MSG_PTY_MASTER;
	struct iovec iov = { .iov_base = &tag, .iov_len = 1 };
	union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
	memset(&control, 0, sizeof control);
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
	if (sendmsg(g_control, &msg, MSG_NOSIGNAL) < 0) die_errno(op->name, "pass the pty to the monitor");
	close(master);
}

static void op_chdir(const struct op *op)
{
	if (chdir(op->u.path.path) < 0) die_errno(op->name, "%s", op->u.path.path);
}

/* ---- exec ---- */

static const char *lowercase_strerror(int err, char *buf, size_t size)
{
	snprintf(buf, size, "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z')) buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* Exit 127 for "not there", 126 for "there but not executable" (Docker's codes and wording). */
__attribute__((noreturn)) static void exec_failed(const char *file, int err)
{
	char reason[128];
	say("strata: exec: \"%s\": %s", file, lowercase_strerror(err, reason, sizeof reason));
	_exit(err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

static const char *env_path(char **envp)
{
	for (char **e = envp; *e; e++) {
		if (strncmp(*e, "PATH=", 5) == 0) return *e + 5;
	}
	return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";   /* Docker's default */
}

__attribute__((noreturn)) static void become_command(const struct op *op)
{
	char **argv = op->u.exec.argv, **envp = op->u.exec.envp;
	/* The command starts as from a shell: default signal dispositions, nothing blocked. */
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);   /* fails harmlessly for libc's own */
	}
	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0) die_errno(op->name, "unblock signals");
	if (g_pty_slave >= 0) {
		/* The slave becomes the controlling terminal of a new session, and stdin/out/err. */
		if (getsid(0) != getpid() && setsid() < 0) die_errno(op->name, "setsid");
		if (ioctl(g_pty_slave, TIOCSCTTY, 0) < 0) die_errno(op->name, "TIOCSCTTY");
		for (int fd = 0; fd <= 2; fd++) {
			if (dup2(g_pty_slave, fd) < 0) die_errno(op->name, "dup2 the pty");
		}
		close(g_pty_slave);
	}

	const char *file = argv[0];
	if (strchr(file, '/')) {
		execve(file, argv, envp);
		exec_failed(file, errno);
	}
	/* The PATH search, inside the new root, with the command's own PATH (as execvpe, without
	 * its fallback of running a non-ELF file with /bin/sh). */
	const char *path = env_path(envp);
	bool denied = false;
	size_t flen = strlen(file);
	for (const char *dir = path;; dir++) {
		const char *end = strchrnul(dir, ':');
		size_t dlen = (size_t)(end - dir);
		char candidate[4096];
		if (dlen + 1 + flen < sizeof candidate) {
			if (dlen == 0) {
				memcpy(candidate, file, flen + 1);   /* an empty entry is the cwd */
			} else {
				memcpy(candidate, dir, dlen);
				candidate[dlen] = '/';
				memcpy(candidate + dlen + 1, file, flen + 1);
			}
			execve(candidate, argv, envp);
			switch (errno) {
			case ENOENT: case ENOTDIR: case ENAMETOOLONG: case ELOOP:
				break;
			case EACCES:
				denied = true;   /* keep looking: a later directory may have an executable one */
				break;
			default:
				exec_failed(file, errno);
			}
		}
		if (*end == '\0') break;
		dir = end;
	}
	if (denied) exec_failed(file, EACCES);
	say("strata: exec: \"%s\": executable file not found in $PATH", file);
	_exit(EXIT_NOT_FOUND);
}

__attribute__((noreturn)) static void exit_like(int status)
{
	if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
	_exit(128 + WTERMSIG(status));
}

/*
 * PID 1 of the sandbox, as `docker run --init` has it: the command runs as PID 2; PID 1 reaps
 * every orphan that lands on it, passes the signals strata forwards on to the command, and exits
 * with the command's status — and its exit ends the PID namespace: the kernel kills whatever is
 * left in it. (A command that is PID 1 itself would ignore SIGTERM unless it handled it, and
 * leave zombies.)
 */
__attribute__((noreturn)) static void op_exec_as_init(const struct op *op)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < n_forwarded_signals; i++) sigaddset(&set, forwarded_signals[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) die_errno(op->name, "block signals");
	pid_t command = fork();
	if (command < 0) die_errno(op->name, "fork the command");
	if (command == 0) become_command(op);

	/* Hold nothing the command could reach through /proc/1: not the control socket, not the
	 * pty, not fds 4/5; and not dumpable, so /proc/1/fd and /proc/1/mem are closed to it. */
	if (g_pty_slave >= 0) close(g_pty_slave);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) die_errno(op->name, "PR_SET_DUMPABLE");
	g_errfd = 2;
	g_errfd_is_control = false;
	if (syscall(SYS_close_range, 3, ~0u, 0) < 0) die_errno(op->name, "close_range");

	for (;;) {
		siginfo_t info;
		int sig = sigwaitinfo(&set, &info);
		if (sig < 0) {
			if (errno == EINTR) continue;
			die_errno(op->name, "sigwaitinfo");
		}
		if (sig != SIGCHLD) {
			kill(command, sig);   /* ESRCH: it is exiting; its SIGCHLD is on the way */
			continue;
		}
		int status;
		pid_t pid;
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == command) exit_like(status);
		}
	}
}

/* ---- the program ---- */

/* The cgroup namespace is made after the sandbox has joined its cgroups (the last `sync` or
 * `cgroup`, or right after spawn): its root is then the sandbox's own cgroup, as with Docker. */
static ssize_t cgroup_namespace_after(const struct program *prog)
{
	if (prog->spawn_at < 0 || !(prog->ops[prog->spawn_at].u.spawn.clone_flags & CLONE_NEWCGROUP)) return -1;
	ssize_t at = prog->spawn_at;
	for (size_t i = (size_t)prog->spawn_at; i < prog->n; i++) {
		if (prog->ops[i].kind == OP_SYNC || prog->ops[i].kind == OP_CGROUP) at = (ssize_t)i;
	}
	return at;
}

__attribute__((noreturn)) static void run_program(const struct program *prog)
{
	ssize_t cgroupns_at = cgroup_namespace_after(prog);
	for (size_t i = 0; i < prog->n; i++) {
		const struct op *op = &prog->ops[i];
		switch (op->kind) {
		case OP_SPAWN: op_spawn(prog, op); break;   /* returns in the child only */
		case OP_SYNC: op_sync(op); break;
		case OP_MAP_SELF: op_map_self(op); break;
		case OP_CGROUP: op_cgroup(op); break;
		case OP_RLIMIT: op_rlimit(op); break;
		case OP_PRIVATE_MOUNTS: op_private_mounts(op); break;
		case OP_MOUNT_OVERLAY: op_mount_overlay(prog, op); break;
		case OP_BIND: op_bind(prog, op); break;
		case OP_MOUNT: op_mount(prog, op); break;
		case OP_MKDIR: op_mkdir(prog, op); break;
		case OP_SYMLINK: op_symlink(prog, op); break;
		case OP_MKNOD: op_mknod(prog, op); break;
		case OP_OWN: op_own(prog, op); break;
		case OP_MASK: op_mask(prog, op); break;
		case OP_READONLY: op_readonly(prog, op); break;
		case OP_PIVOT: op_pivot(op); break;
		case OP_REMOUNT_ROOT_RO: op_remount_root_ro(op); break;
		case OP_HOSTNAME: op_hostname(op); break;
		case OP_LOOPBACK_UP: op_loopback_up(op); break;
		case OP_PTY: op_pty(op); break;
		case OP_CHDIR: op_chdir(op); break;
		case OP_IDS: op_ids(op); arm_parent_death(op->name); break;
		case OP_CAPS: op_caps(op); break;
		case OP_NO_NEW_PRIVS: op_no_new_privs(op); break;
		case OP_SECCOMP: op_seccomp(op); break;
		case OP_TIMEOUT: break;   /* the monitor's (spawn) */
		case OP_JOIN: op_join(op, &g_pid_namespace); break;   /* joined a PID namespace: exec forks */
		case OP_EXEC:
			if (g_pid_namespace) op_exec_as_init(op);
			become_command(op);
		case OP_XATTR_DIRS:
			/* A query is the program's only operation (validated): answered, done. */
			op_xattr_dirs(op);
			_exit(0);
		case OP_SET_XATTR:
			op_set_xattr(op);
			_exit(0);
		case OP_SYNCFS:
			op_syncfs(op);
			_exit(0);
		}
		if ((ssize_t)i == cgroupns_at && unshare(CLONE_NEWCGROUP) < 0) die_errno("spawn", "unshare the cgroup namespace");
	}
	die("program", "ended without exec");   /* unreachable: validated */
}

void helper_main(void)
{
	g_parent = getppid();
	g_outer_pid = getpid();
	g_outer_uid = geteuid();
	g_outer_gid = getegid();
	/* If strata dies, so do we — and through our child's own PDEATHSIG, the sandbox. */
	arm_parent_death("start");
	/* Nothing the caller left open beyond stdio and our fds 3–5 may reach the command. */
	if (syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC) < 0) die_errno("start", "close_range (Linux 5.11)");

	struct program prog;
	read_program(3, &prog);
	run_program(&prog);
}

/* `strata-helper` runs the program on fd 3; `strata-helper serve` starts one such helper per
 * request (serve.c). */
int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "serve") == 0) serve_main();
	helper_main();
}
