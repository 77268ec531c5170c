/*
 * strata-helper: names → numbers, for `caps` and `seccomp`. The TypeScript side speaks in names
 * (as Docker's profiles do); the kernel wants numbers.
 */
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>

#include "helper.h"

/* Capabilities, by their number (linux/capability.h), without the CAP_ prefix. */
static const char *const capability_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
	"setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
	"sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
	"lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
	"wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

int capability_number(const char *name)
{
	for (size_t i = 0; i < sizeof capability_names / sizeof capability_names[0]; i++) {
		if (strcmp(name, capability_names[i]) == 0) return (int)i;
	}
	return -1;
}

unsigned long namespace_flag(const char *name)
{
	static const struct { const char *name; unsigned long flag; } table[] = {
		{ "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
		{ "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET },
		{ "cgroup", CLONE_NEWCGROUP },
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(name, table[i].name) == 0) return table[i].flag;
	}
	return 0;
}

/* Syscalls newer than the kernel headers this is built against (Debian 12: 6.1). Numbers from
 * arch/x86/entry/syscalls/syscall_64.tbl; a filter may name them before libc knows them. */
#ifndef __NR_cachestat
#define __NR_cachestat 451
#define __NR_fchmodat2 452
#define __NR_map_shadow_stack 453
#define __NR_futex_wake 454
#define __NR_futex_wait 455
#define __NR_futex_requeue 456
#define __NR_statmount 457
#define __NR_listmount 458
#define __NR_lsm_get_self_attr 459
#define __NR_lsm_set_self_attr 460
#define __NR_lsm_list_modules 461
#define __NR_mseal 462
#define __NR_setxattrat 463
#define __NR_getxattrat 464
#define __NR_listxattrat 465
#define __NR_removexattrat 466
#endif

struct syscall_name { const char *name; int nr; };
#define S(name) { #name, __NR_##name }

/* Every x86_64 syscall, in number order, from the kernel's own header: a name here cannot carry a
 * wrong number. */
static const struct syscall_name syscalls[] = {
	S(read), S(write), S(open), S(close), S(stat), S(fstat), S(lstat), S(poll), S(lseek), S(mmap), S(mprotect),
	S(munmap), S(brk), S(rt_sigaction), S(rt_sigprocmask), S(rt_sigreturn), S(ioctl),
	S(pread64), S(pwrite64), S(readv), S(writev), S(access), S(pipe), S(select), S(sched_yield),
	S(mremap), S(msync), S(mincore), S(madvise), S(shmget), S(shmat), S(shmctl), S(dup), S(dup2), S(pause),
	S(nanosleep), S(getitimer), S(alarm), S(setitimer), S(getpid), S(sendfile), S(socket),
	S(connect), S(accept), S(sendto), S(recvfrom), S(sendmsg), S(recvmsg), S(shutdown), S(bind),
	S(listen), S(getsockname), S(getpeername), S(socketpair), S(setsockopt), S(getsockopt),
	S(clone), S(fork), S(vfork), S(execve), S(exit), S(wait4), S(kill), S(uname), S(semget), S(semop),
	S(semctl), S(shmdt), S(msgget), S(msgsnd), S(msgrcv), S(msgctl), S(fcntl), S(flock), S(fsync),
	S(fdatasync), S(truncate), S(ftruncate), S(getdents), S(getcwd), S(chdir), S(fchdir),
	S(rename), S(mkdir), S(rmdir), S(creat), S(link), S(unlink), S(symlink), S(readlink), S(chmod),
	S(fchmod), S(chown), S(fchown), S(lchown), S(umask), S(gettimeofday), S(getrlimit),
	S(getrusage), S(sysinfo), S(times), S(ptrace), S(getuid), S(syslog), S(getgid), S(setuid),
	S(setgid), S(geteuid), S(getegid), S(setpgid), S(getppid), S(getpgrp), S(setsid), S(setreuid),
	S(setregid), S(getgroups), S(setgroups), S(setresuid), S(getresuid), S(setresgid),
	S(getresgid), S(getpgid), S(setfsuid), S(setfsgid), S(getsid), S(capget), S(capset),
	S(rt_sigpending), S(rt_sigtimedwait), S(rt_sigqueueinfo), S(rt_sigsuspend),
	S(sigaltstack), S(utime), S(mknod), S(uselib), S(personality), S(ustat), S(statfs), S(fstatfs),
	S(sysfs), S(getpriority), S(setpriority), S(sched_setparam), S(sched_getparam),
	S(sched_setscheduler), S(sched_getscheduler), S(sched_get_priority_max),
	S(sched_get_priority_min), S(sched_rr_get_interval), S(mlock), S(munlock),
	S(mlockall), S(munlockall), S(vhangup), S(modify_ldt), S(pivot_root), S(_sysctl), S(prctl),
	S(arch_prctl), S(adjtimex), S(setrlimit), S(chroot), S(sync), S(acct), S(settimeofday),
	S(mount), S(umount2), S(swapon), S(swapoff), S(reboot), S(sethostname), S(setdomainname),
	S(iopl), S(ioperm), S(create_module), S(init_module), S(delete_module),
	S(get_kernel_syms), S(query_module), S(quotactl), S(nfsservctl), S(getpmsg),
	S(putpmsg), S(afs_syscall), S(tuxcall), S(security), S(gettid), S(readahead), S(setxattr),
	S(lsetxattr), S(fsetxattr), S(getxattr), S(lgetxattr), S(fgetxattr), S(listxattr),
	S(llistxattr), S(flistxattr), S(removexattr), S(lremovexattr), S(fremovexattr),
	S(tkill), S(time), S(futex), S(sched_setaffinity), S(sched_getaffinity),
	S(set_thread_area), S(io_setup), S(io_destroy), S(io_getevents), S(io_submit),
	S(io_cancel), S(get_thread_area), S(lookup_dcookie), S(epoll_create),
	S(epoll_ctl_old), S(epoll_wait_old), S(remap_file_pages), S(getdents64),
	S(set_tid_address), S(restart_syscall), S(semtimedop), S(fadvise64),
	S(timer_create), S(timer_settime), S(timer_gettime), S(timer_getoverrun),
	S(timer_delete), S(clock_settime), S(clock_gettime), S(clock_getres),
	S(clock_nanosleep), S(exit_group), S(epoll_wait), S(epoll_ctl), S(tgkill), S(utimes),
	S(vserver), S(mbind), S(set_mempolicy), S(get_mempolicy), S(mq_open), S(mq_unlink),
	S(mq_timedsend), S(mq_timedreceive), S(mq_notify), S(mq_getsetattr), S(kexec_load),
	S(waitid), S(add_key), S(request_key), S(keyctl), S(ioprio_set), S(ioprio_get),
	S(inotify_init), S(inotify_add_watch), S(inotify_rm_watch), S(migrate_pages),
	S(openat), S(mkdirat), S(mknodat), S(fchownat), S(futimesat), S(newfstatat), S(unlinkat),
	S(renameat), S(linkat), S(symlinkat), S(readlinkat), S(fchmodat), S(faccessat),
	S(pselect6), S(ppoll), S(unshare), S(set_robust_list), S(get_robust_list), S(splice),
	S(tee), S(sync_file_range), S(vmsplice), S(move_pages), S(utimensat), S(epoll_pwait),
	S(signalfd), S(timerfd_create), S(eventfd), S(fallocate), S(timerfd_settime),
	S(timerfd_gettime), S(accept4), S(signalfd4), S(eventfd2), S(epoll_create1), S(dup3),
	S(pipe2), S(inotify_init1), S(preadv), S(pwritev), S(rt_tgsigqueueinfo),
	S(perf_event_open), S(recvmmsg), S(fanotify_init), S(fanotify_mark), S(prlimit64),
	S(name_to_handle_at), S(open_by_handle_at), S(clock_adjtime), S(syncfs),
	S(sendmmsg), S(setns), S(getcpu), S(process_vm_readv), S(process_vm_writev), S(kcmp),
	S(finit_module), S(sched_setattr), S(sched_getattr), S(renameat2), S(seccomp),
	S(getrandom), S(memfd_create), S(kexec_file_load), S(bpf), S(execveat), S(userfaultfd),
	S(membarrier), S(mlock2), S(copy_file_range), S(preadv2), S(pwritev2),
	S(pkey_mprotect), S(pkey_alloc), S(pkey_free), S(statx), S(io_pgetevents), S(rseq),
	S(pidfd_send_signal), S(io_uring_setup), S(io_uring_enter),
	S(io_uring_register), S(open_tree), S(move_mount), S(fsopen), S(fsconfig), S(fsmount),
	S(fspick), S(pidfd_open), S(clone3), S(close_range), S(openat2), S(pidfd_getfd),
	S(faccessat2), S(process_madvise), S(epoll_pwait2), S(mount_setattr),
	S(quotactl_fd), S(landlock_create_ruleset), S(landlock_add_rule),
	S(landlock_restrict_self), S(memfd_secret), S(process_mrelease),
	S(futex_waitv), S(set_mempolicy_home_node),
	S(cachestat), S(fchmodat2), S(map_shadow_stack), S(futex_wake), S(futex_wait), S(futex_requeue),
	S(statmount), S(listmount), S(lsm_get_self_attr), S(lsm_set_self_attr), S(lsm_list_modules),
	S(mseal), S(setxattrat), S(getxattrat), S(listxattrat), S(removexattrat),
	/* Named by Docker's profile but absent on x86_64 (i386 only, or never wired up): a filter may
	 * list them; there is nothing to deny, and i386 syscalls are killed by the arch check. */
	{ "umount", -2 }, { "stime", -2 }, { "vm86", -2 }, { "vm86old", -2 }, { "bdflush", -2 },
	{ "_llseek", -2 }, { "_newselect", -2 }, { "sigreturn", -2 }, { "waitpid", -2 },
};

int syscall_number(const char *name)
{
	for (size_t i = 0; i < sizeof syscalls / sizeof syscalls[0]; i++) {
		if (strcmp(name, syscalls[i].name) == 0) return syscalls[i].nr;
	}
	return -1;
}
