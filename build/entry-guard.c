/*
 * The entry guard: the first instructions dist/strata runs, placed in front of Node.js's own
 * entry point (_start) by build/entry-guard.mjs. It runs after the dynamic loader and before
 * glibc's start-up, so before Node.js has looked at its command line or environment.
 *
 * Node.js 20 reads both as its own even inside a single executable application:
 *  - it scans every argument for `--env-file FILE` (nodejs/node#54232), loads FILE into the
 *    process environment and runs the NODE_OPTIONS it finds there: `strata run --env-file F …`
 *    or a container command with that argument ran code on the host, as root;
 *  - it honours NODE_OPTIONS (`--require` runs a file), NODE_V8_COVERAGE and
 *    NODE_REDIRECT_WARNINGS (write host files), NODE_CHANNEL_FD (IPC on an inherited descriptor),
 *    NODE_EXTRA_CA_CERTS (read at every start), and OPENSSL_CONF/OPENSSL_ENGINES/OPENSSL_MODULES
 *    (an OpenSSL configuration can load an engine: a shared object of the caller's choosing);
 *    libuv acts on UV_* variables.
 * Node.js 20 has no switch for any of this, so the guard edits what _start is about to hand over:
 *  - argv[0] becomes "--": Node.js's env-file scan stops at the first "--", and argv[0] is
 *    where it starts (process.execPath, which strata uses to find itself, comes from
 *    /proc/self/exe, not argv[0]);
 *  - envp loses every NODE_*, OPENSSL_* and UV_* variable (the pointer array is compacted in
 *    place; the strings stay in the original environment block, /proc/self/environ, where
 *    strata reads the few it passes on: `run -e NAME`, the registry client's CA file).
 *
 * Freestanding and position-independent: no libc, no data but string literals, no absolute
 * addresses (the build links it at two addresses and fails unless the bytes are the same).
 * x86-64 System V entry: %rsp points at argc, then argv[], NULL, envp[], NULL, auxv; %rdx holds
 * the dynamic loader's finaliser, which _start passes on to __libc_start_main.
 */

__asm__(
    ".section .text.entry,\"ax\",@progbits\n"
    ".globl guard_entry\n"
    "guard_entry:\n"
    "  mov %rsp, %rdi\n"       /* the initial stack: argc, argv, envp */
    "  push %rdx\n"            /* the loader's finaliser, for _start */
    "  sub $8, %rsp\n"         /* 16-byte alignment at the call, as the ABI wants */
    "  call guard_clean\n"
    "  add $8, %rsp\n"
    "  pop %rdx\n"
    "  .byte 0xe9\n"           /* jmp rel32 to Node.js's _start */
    ".globl guard_jump\n"
    "guard_jump:\n"
    "  .long 0\n"              /* the displacement, written by the build */
    ".text\n");

static int has_prefix(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++)
    if (*s != *prefix) return 0;
  return 1;
}

/* Each prefix names variables that the runtime under strata acts on before strata's first line. */
static int withheld(const char *entry) {
  return has_prefix(entry, "NODE_") || has_prefix(entry, "OPENSSL_") || has_prefix(entry, "UV_");
}

__attribute__((used)) void guard_clean(long *stack) {
  long argc = stack[0];
  char **argv = (char **)(stack + 1);
  char **envp = argv + argc + 1;
  if (argc > 0) argv[0] = "--";

  /* Kept entries move down; the freed slots become NULL so the auxiliary vector that follows the
   * array stays where the dynamic loader recorded it. */
  char **out = envp;
  char **in = envp;
  for (; *in; in++)
    if (!withheld(*in)) *out++ = *in;
  for (; out < in; out++) *out = 0;
}
