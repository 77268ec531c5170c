/*
 * strata-helper: the shared declarations. The contract (operations, wire format, process
 * structure, exit codes) is src/runtime/helper/ops.ts; this header mirrors it in C.
 */
#ifndef STRATA_HELPER_H
#define STRATA_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#if !defined(__x86_64__)
#error "strata-helper supports x86_64 only (its seccomp filter and syscall table are x86_64's)"
#endif

/* Exit statuses (ops.ts, Docker's codes). */
enum {
	EXIT_STEP_FAILED = 125,   /* a helper step failed */
	EXIT_CANNOT_EXEC = 126,   /* the command exists but cannot be executed */
	EXIT_NOT_FOUND = 127,     /* the command was not found */
	EXIT_TIMED_OUT = 124,     /* the `timeout` operation fired */
};

enum op_kind {
	OP_SPAWN, OP_SYNC, OP_MAP_SELF, OP_CGROUP, OP_RLIMIT, OP_PRIVATE_MOUNTS, OP_MOUNT_OVERLAY,
	OP_BIND, OP_MOUNT, OP_MKDIR, OP_SYMLINK, OP_MKNOD, OP_MASK, OP_READONLY, OP_PIVOT,
	OP_REMOUNT_ROOT_RO, OP_HOSTNAME, OP_LOOPBACK_UP, OP_PTY, OP_CHDIR, OP_IDS, OP_CAPS,
	OP_NO_NEW_PRIVS, OP_SECCOMP, OP_TIMEOUT, OP_EXEC, OP_JOIN, OP_OWN, OP_XATTR_DIRS, OP_SET_XATTR, OP_SYNCFS,
};

/* One parsed operation. Strings point into the program buffer (which lives until exec). */
struct op {
	enum op_kind kind;
	const char *name;   /* the op's wire name: every error message starts with it */
	union {
		struct { unsigned long clone_flags; } spawn;
		struct { uid_t uid; gid_t gid; } map_self;
		struct { char **files; size_t n; } cgroup;
		struct { int resource; struct rlimit limit; } rlimit;
		struct {
			char **lower; size_t nlower; const char *upper, *work, *target;
			char **opt_keys, **opt_values; size_t nopts;   /* value NULL: a flag option */
		} overlay;
		struct { const char *source, *target; unsigned long flags; } bind;
		struct { const char *fstype, *target, *data; unsigned long flags; } mount;
		struct { const char *path; mode_t mode; } mkdir;
		struct { const char *target, *path; } symlink;
		struct { const char *path; mode_t mode; dev_t dev; } mknod;  /* mode has the S_IF* type */
		struct { const char *path; uid_t uid; gid_t gid; mode_t mode; } own;
		struct { const char *path; } path;                           /* mask, readonly, pivot, chdir */
		struct { const char *name; } hostname;
		struct { uid_t uid; gid_t gid; gid_t *groups; size_t ngroups; } ids;
		struct { uint64_t keep; } caps;
		struct { int *deny; size_t ndeny; bool clone_ns; } seccomp;
		struct { unsigned int seconds; } timeout;
		struct { char **envp; char **argv; } exec;   /* both NULL-terminated */
		struct { pid_t pid; unsigned long long start; char **names; size_t n; } join;
		struct { const char *root, *name, *value; } xattr_dirs;
		struct { int fd; const char *name, *value; } set_xattr;
		struct { int fd; } syncfs;
	} u;
};

struct program {
	struct op *ops;
	size_t n;
	/* Facts the process structure needs before the ops run, found while validating. */
	ssize_t spawn_at;         /* index of `spawn`, or -1 */
	bool has_pty;
	unsigned int timeout;     /* seconds; 0 = none */
	const char *pivot_root;   /* newRoot of `pivot`, or NULL: paths under it are resolved inside it */
};

/* program.c: read fd 3 and validate the whole program; exits 125 on any problem. */
void read_program(int fd, struct program *prog);

/* tables.c: names → numbers. Return -1 for an unknown name. */
int capability_number(const char *name);
/* A namespace's CLONE_NEW* flag by its /proc/PID/ns name (user, mnt, pid, …); 0 if unknown. */
unsigned long namespace_flag(const char *name);
/* A syscall's x86_64 number; -2 for a name that is known but has no x86_64 number (vm86, …). */
int syscall_number(const char *name);

#define PROGRAM_MAX (16u << 20)   /* 16 MiB: a bound on what a program can make us allocate */

/* strata-helper.c: a helper's whole life, from the program on fd 3 (a spawned helper's main). */
__attribute__((noreturn)) void helper_main(void);
/* serve.c: `strata-helper serve`, a helper per request (batch). */
__attribute__((noreturn)) void serve_main(void);

/* fail.c: one line on the error channel, then exit 125. */
extern int g_errfd;                   /* fd 2, or the control socket when a pty hides stderr */
extern bool g_errfd_is_control;       /* then each line is one MSG_ERROR message */
extern void (*g_before_exit)(void);   /* the monitor restores the caller's terminal here */
__attribute__((noreturn, format(printf, 2, 3))) void die(const char *step, const char *fmt, ...);
__attribute__((noreturn, format(printf, 2, 3))) void die_errno(const char *step, const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void say(const char *fmt, ...);  /* a line on g_errfd */

/* mounts.c */
void op_private_mounts(const struct op *op);
void op_mount_overlay(const struct program *prog, const struct op *op);
void op_bind(const struct program *prog, const struct op *op);
void op_mount(const struct program *prog, const struct op *op);
void op_mkdir(const struct program *prog, const struct op *op);
void op_symlink(const struct program *prog, const struct op *op);
void op_mknod(const struct program *prog, const struct op *op);
void op_own(const struct program *prog, const struct op *op);
void op_mask(const struct program *prog, const struct op *op);
void op_readonly(const struct program *prog, const struct op *op);
void op_pivot(const struct op *op);
void op_remount_root_ro(const struct op *op);
extern bool g_pivoted;

/* security.c */
extern bool g_setgroups_denied;   /* map-self wrote "deny" to /proc/self/setgroups */
void op_ids(const struct op *op);
void op_caps(const struct op *op);
void op_no_new_privs(const struct op *op);
void op_seccomp(const struct op *op);

/* join.c: enter a running sandbox's namespaces (exec). Sets *pid_joined when the PID namespace
 * was joined: only children enter it, so `exec` must fork. */
void op_join(const struct op *op, bool *pid_joined);

/* xattr-dirs.c: the query program's one operation; writes its answer to stdout. */
void op_xattr_dirs(const struct op *op);
void op_set_xattr(const struct op *op);
/* syncfs.c: the `syncfs` query. */
void op_syncfs(const struct op *op);

/* monitor.c: the process outside the sandbox. Never returns. */
struct monitor_setup {
	pid_t child;
	int control;          /* our end of the control socket */
	bool pid_namespace;   /* the child is an init: SIGKILL to it ends the whole sandbox */
	bool pty;
	unsigned int timeout;
};
__attribute__((noreturn)) void run_monitor(const struct monitor_setup *m);

/* Control-socket messages (SOCK_SEQPACKET: one message per send). */
enum { MSG_PTY_MASTER = 'P', MSG_ERROR = 'E' };

/* The signals strata forwards to the command (monitor → init → command). */
extern const int forwarded_signals[];
extern const size_t n_forwarded_signals;

#endif
