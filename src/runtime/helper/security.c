/*
 * strata-helper: credentials and restrictions — ids, capabilities, no_new_privs, seccomp.
 */
#include <errno.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "helper.h"

bool g_setgroups_denied = false;

void op_ids(const struct op *op)
{
	/* After map-self the kernel refuses setgroups for good ("deny" in /proc/self/setgroups):
	 * the process keeps the empty list it was given, which is what an empty list asks for. */
	bool keep_empty = op->u.ids.ngroups == 0 && g_setgroups_denied;
	if (!keep_empty && setgroups(op->u.ids.ngroups, op->u.ids.groups) < 0) die_errno(op->name, "setgroups");
	if (setresgid(op->u.ids.gid, op->u.ids.gid, op->u.ids.gid) < 0) die_errno(op->name, "setgid %u", (unsigned)op->u.ids.gid);
	/* Without PR_SET_KEEPCAPS, leaving uid 0 empties the permitted and effective sets: a
	 * non-root command ends with no capabilities, Docker's semantics (its bounding set stays
	 * as `caps` left it). Root keeps what `caps` kept. */
	if (setresuid(op->u.ids.uid, op->u.ids.uid, op->u.ids.uid) < 0) die_errno(op->name, "setuid %u", (unsigned)op->u.ids.uid);
}

void op_caps(const struct op *op)
{
	uint64_t keep = op->u.caps.keep, known = 0;
	/* The bounding set first (it needs CAP_SETPCAP, which capset may take away): every
	 * capability this kernel has that is not kept. PR_CAPBSET_READ says EINVAL past the last
	 * one, so a kernel newer than our name table loses its new capabilities too. */
	for (int cap = 0; cap < 64; cap++) {
		int has = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (has < 0 && errno == EINVAL) break;
		if (has < 0) die_errno(op->name, "read bounding set (capability %d)", cap);
		known |= 1ull << cap;
		if (has && !(keep & (1ull << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			die_errno(op->name, "drop capability %d from the bounding set", cap);
		}
	}
	keep &= known;
	/* Ambient and inheritable stay empty: with a non-empty inheritable set, a non-root command
	 * gains capabilities from files with inheritable file capabilities (CVE-2022-24769, which
	 * Docker fixed by emptying it). */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) die_errno(op->name, "clear the ambient set");
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
		{ .effective = (uint32_t)keep, .permitted = (uint32_t)keep, .inheritable = 0 },
		{ .effective = (uint32_t)(keep >> 32), .permitted = (uint32_t)(keep >> 32), .inheritable = 0 },
	};
	if (syscall(SYS_capset, &header, data) < 0) die_errno(op->name, "capset");
}

void op_no_new_privs(const struct op *op)
{
	/* execve can no longer raise privileges: setuid/setgid bits and file capabilities are
	 * ignored, so a setuid-root binary in an image does not make a non-root user root. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die_errno(op->name, "PR_SET_NO_NEW_PRIVS");
}

/* ---- seccomp: a classic BPF program over struct seccomp_data, built here by hand. ---- */

#define MAX_INSNS 4096   /* BPF_MAXINSNS */
#define X32_SYSCALL_BIT 0x40000000u
/* clone(2) flags that create namespaces (Docker's mask). CLONE_NEWTIME (0x80) shares its bit with
 * clone's exit-signal byte, so it is checked for unshare only. */
#define CLONE_NS_MASK (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#define UNSHARE_NS_MASK (CLONE_NS_MASK | 0x00000080u /* CLONE_NEWTIME */)

#define RET_ERRNO(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
#define ARG0_LOW offsetof(struct seccomp_data, args[0])   /* little-endian: the low 32 bits */

struct filter {
	struct sock_filter insn[MAX_INSNS];
	unsigned short len;
};

static void emit(struct filter *f, struct sock_filter insn)
{
	if (f->len >= MAX_INSNS) die("seccomp", "filter longer than %d instructions", MAX_INSNS);
	f->insn[f->len++] = insn;
}

static void stmt(struct filter *f, unsigned short code, unsigned int k)
{
	emit(f, (struct sock_filter)BPF_STMT(code, k));
}

/* if (A == k) fall through to the next instruction, else skip `skip` instructions */
static void if_equal(struct filter *f, unsigned int k, unsigned char skip)
{
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, skip));
}

static void load_nr(struct filter *f)
{
	stmt(f, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
}

/* personality(2) when it is denied: Docker's profile still lets the harmless personas through
 * (Linux, Linux32, UNAME26 and their mix) and the query (0xffffffff); glibc and setarch use them. */
static void restricted_personality(struct filter *f)
{
	static const unsigned int allowed[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
	const unsigned char n = sizeof allowed / sizeof allowed[0];
	if_equal(f, __NR_personality, (unsigned char)(n + 3));
	stmt(f, BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
	for (unsigned char i = 0; i < n; i++) {
		/* jump to the ALLOW at the end of this block */
		emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, allowed[i], (unsigned char)(n - i), 0));
	}
	stmt(f, BPF_RET | BPF_K, RET_ERRNO(EPERM));
	stmt(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

/* clone/unshare with a namespace flag in arg0 → EPERM, otherwise allowed. */
static void deny_ns_flags(struct filter *f, int nr, unsigned int mask)
{
	if_equal(f, (unsigned int)nr, 4);
	stmt(f, BPF_LD | BPF_W | BPF_ABS, ARG0_LOW);
	emit(f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, mask, 0, 1));
	stmt(f, BPF_RET | BPF_K, RET_ERRNO(EPERM));
	stmt(f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
}

void op_seccomp(const struct op *op)
{
	static struct filter f;
	f.len = 0;

	/* 1. The architecture. A 64-bit process can still make i386 syscalls (int 0x80), which
	 *    have other numbers: a filter that checked only numbers would let them through. */
	stmt(&f, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
	stmt(&f, BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	/* 2. x32 syscalls share the x86_64 arch value with their numbers offset by 0x40000000:
	 *    refused wholesale (nothing here uses them), so mount|0x40000000 is no way round. */
	load_nr(&f);
	emit(&f, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1));
	stmt(&f, BPF_RET | BPF_K, RET_ERRNO(ENOSYS));
	/* 3. The denied syscalls. */
	bool personality = false;
	for (size_t i = 0; i < op->u.seccomp.ndeny; i++) {
		int nr = op->u.seccomp.deny[i];
		if (nr == __NR_personality) {
			personality = true;
			continue;
		}
		if_equal(&f, (unsigned int)nr, 1);
		stmt(&f, BPF_RET | BPF_K, RET_ERRNO(EPERM));
	}
	if (personality) {
		restricted_personality(&f);
		load_nr(&f);
	}
	/* 4. New namespaces (Docker's profile without CAP_SYS_ADMIN). clone3 passes its flags in
	 *    a struct that BPF cannot read: ENOSYS, which makes glibc fall back to clone. */
	if (op->u.seccomp.clone_ns) {
		deny_ns_flags(&f, __NR_clone, CLONE_NS_MASK);
		load_nr(&f);
		deny_ns_flags(&f, __NR_unshare, UNSHARE_NS_MASK);
		load_nr(&f);
		if_equal(&f, __NR_clone3, 1);
		stmt(&f, BPF_RET | BPF_K, RET_ERRNO(ENOSYS));
	}
	stmt(&f, BPF_RET | BPF_K, SECCOMP_RET_ALLOW);

	struct sock_fprog prog = { .len = f.len, .filter = f.insn };
	/* Without no_new_privs this needs CAP_SYS_ADMIN (EACCES otherwise): put no-new-privs first. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) die_errno(op->name, "install the filter");
}
