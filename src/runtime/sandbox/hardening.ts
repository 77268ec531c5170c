// What every sandbox gets, as Docker gives it by default (moby oci/defaults.go, caps/defaults.go,
// profiles/seccomp/default.json). Each list names the attack it stops.

/** Docker's default capability set. Everything else — above all SYS_ADMIN (mount, most
 * namespace tricks), SYS_MODULE (kernel modules), SYS_RAWIO, SYS_PTRACE, DAC_READ_SEARCH
 * (open_by_handle_at, the "shocker" escape) — is dropped from every set, bounding included. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'chown', 'dac_override', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap',
  'net_bind_service', 'net_raw', 'sys_chroot', 'mknod', 'audit_write', 'setfcap',
];

/** Hidden (/dev/null over files, an empty read-only tmpfs over directories): kernel memory
 * (kcore), the keyring, timing side channels (timer_list, sched_debug, latency_stats), hardware
 * and firmware interfaces. */
export const MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** Read-only: /proc/sys (core_pattern runs a program as root on the host; a classic way out),
 * sysrq-trigger (reboots the host), irq, bus, fs. /sys is mounted read-only as a whole. */
export const READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** System calls Docker's default profile refuses to a container without CAP_SYS_ADMIN and the
 * other dropped capabilities: mounting and pivoting (escape from the root), kernel modules and
 * kexec, keyrings, bpf and perf (kernel attack surface), open_by_handle_at (reading host files by
 * handle), reboot, swap, clock and time changes, namespace juggling (setns, unshare; clone with
 * namespace flags is refused separately), tracing other processes' memory, userfaultfd and
 * io_uring (exploit primitives), NUMA policy calls, personality (except the harmless personas:
 * the helper lets those through, as Docker's profile does). */
export const SECCOMP_DENY: readonly string[] = [
  'acct', 'add_key', 'bpf', 'clock_adjtime', 'clock_settime', 'create_module', 'delete_module',
  'finit_module', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'get_kernel_syms', 'get_mempolicy',
  'init_module', 'io_uring_enter', 'io_uring_register', 'io_uring_setup', 'ioperm', 'iopl', 'kcmp',
  'kexec_file_load', 'kexec_load', 'keyctl', 'lookup_dcookie', 'mbind', 'mount', 'mount_setattr',
  'move_mount', 'move_pages', 'name_to_handle_at', 'nfsservctl', 'open_by_handle_at', 'open_tree',
  'perf_event_open', 'personality', 'pivot_root', 'process_vm_readv', 'process_vm_writev', 'query_module',
  'quotactl', 'reboot', 'request_key', 'set_mempolicy', 'setdomainname', 'sethostname', 'setns',
  'settimeofday', 'swapoff', 'swapon', 'sysfs', 'syslog', 'umount2', 'unshare', 'uselib',
  'userfaultfd', 'ustat', 'vhangup',
];

/** The environment's PATH when the image sets none (Docker's). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** A pids limit that applies without --pids: a fork bomb stops here. */
export const DEFAULT_PIDS_LIMIT = 4096;
