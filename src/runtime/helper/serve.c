/*
 * `strata-helper serve`: one long-lived helper that starts a helper per request, for a strata
 * process that runs many sandboxes (`batch`). Node.js's spawn forks the whole Node.js process
 * (its page tables grow with its heap: ≈ 7–11 ms a spawn on a loaded 2-core machine); this small
 * static process forks in a fraction of that. Each child is set up exactly as a freshly spawned
 * helper (stdio, the program on fd 3, nothing else open, no signal blocked) and runs the same
 * main (helper_main): nothing about the sandbox differs.
 *
 * Requests on fd 0, from strata (little-endian u32s):
 *   'R' id program_len program stdin_len stdin   run a program; its stdin is those bytes
 *   'K' id                                        SIGKILL that request's helper
 * Answers on fd 1:
 *   'P' id pid                                    it runs (the helper's pid)
 *   'O' id len bytes / 'E' id len bytes           what it wrote to stdout / stderr
 *   'X' id status                                 it ended: its status, 128+N for signal N;
 *                                                 after every 'O' and 'E' of that request
 * EOF on fd 0: no more requests; the server exits once every request has ended. It dies with
 * strata (PR_SET_PDEATHSIG), and each helper with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper.h"

#define STEP "serve"
#define MAX_REQUESTS 1024
#define REQUEST_MAX (PROGRAM_MAX + (256u << 20))

struct request {
	uint32_t id;
	pid_t pid;          /* 0: slot free */
	int out, err;       /* read ends; -1 once at EOF */
	bool reaped;
	int status;
};

static struct request g_req[MAX_REQUESTS];

static void put_u32(char *p, uint32_t v) { memcpy(p, &v, 4); }
static uint32_t get_u32(const char *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static void answer(char kind, uint32_t id, uint32_t value, const char *data, size_t len)
{
	char head[9];
	head[0] = kind;
	put_u32(head + 1, id);
	put_u32(head + 5, value);
	struct iovec iov[2] = { { head, sizeof head }, { (void *)data, len } };
	size_t total = sizeof head + len, done = 0;
	while (done < total) {
		/* Skip what was written already. */
		struct iovec part[2];
		int n = 0;
		size_t skip = done;
		for (int i = 0; i < 2; i++) {
			if (skip >= iov[i].iov_len) { skip -= iov[i].iov_len; continue; }
			part[n].iov_base = (char *)iov[i].iov_base + skip;
			part[n].iov_len = iov[i].iov_len - skip;
			skip = 0;
			n++;
		}
		ssize_t w = writev(1, part, n);
		if (w < 0 && errno == EINTR) continue;
		if (w < 0) die_errno(STEP, "write an answer");
		done += (size_t)w;
	}
}

/* A memfd holding `len` bytes, its offset at 0: the program (fd 3) or the stdin of a request. */
static int bytes_fd(const char *what, const char *data, size_t len)
{
	int fd = (int)syscall(SYS_memfd_create, what, 0);
	if (fd < 0) die_errno(STEP, "memfd_create");
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR) continue;
		if (w < 0) die_errno(STEP, "write %s", what);
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) die_errno(STEP, "lseek");
	return fd;
}

static void start(uint32_t id, const char *prog, size_t prog_len, const char *in, size_t in_len)
{
	struct request *r = NULL;
	for (size_t i = 0; i < MAX_REQUESTS && !r; i++) if (g_req[i].pid == 0) r = &g_req[i];
	if (!r) die(STEP, "more than %d requests at once", MAX_REQUESTS);
	int program = bytes_fd("program", prog, prog_len);
	int input = bytes_fd("stdin", in, in_len);
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) die_errno(STEP, "pipe");
	pid_t pid = fork();
	if (pid < 0) die_errno(STEP, "fork");
	if (pid == 0) {
		/* As spawn would leave a fresh helper: stdio, the program on fd 3, nothing else. */
		if (dup2(input, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0 || dup2(program, 3) < 0) _exit(EXIT_STEP_FAILED);
		if (syscall(SYS_close_range, 4, ~0u, 0) < 0) _exit(EXIT_STEP_FAILED);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		/* Its own session, as strata's spawn gives a helper (detached). */
		setsid();
		helper_main();
	}
	close(program);
	close(input);
	close(out[1]);
	close(err[1]);
	*r = (struct request){ .id = id, .pid = pid, .out = out[0], .err = err[0] };
	answer('P', id, (uint32_t)pid, NULL, 0);
}

/* Drain one output pipe: false at EOF. */
static bool relay(struct request *r, int *fd, char kind)
{
	char buf[65536];
	ssize_t n = read(*fd, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return false;
	}
	answer(kind, r->id, (uint32_t)n, buf, (size_t)n);
	return true;
}

static void finish_if_done(struct request *r)
{
	if (r->pid == 0 || !r->reaped || r->out >= 0 || r->err >= 0) return;
	answer('X', r->id, (uint32_t)r->status, NULL, 0);
	r->pid = 0;
}

static void reap(void)
{
	for (;;) {
		int ws;
		pid_t pid = waitpid(-1, &ws, WNOHANG);
		if (pid <= 0) return;
		for (size_t i = 0; i < MAX_REQUESTS; i++) {
			struct request *r = &g_req[i];
			if (r->pid != pid) continue;
			r->reaped = true;
			r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
			finish_if_done(r);
		}
	}
}

/* Whole requests at the front of `buf` are acted on; what remains is moved to the front. */
static size_t take_requests(char *buf, size_t len)
{
	size_t at = 0;
	for (;;) {
		size_t left = len - at;
		const char *p = buf + at;
		if (left < 5) break;
		if (p[0] == 'K') {
			uint32_t id = get_u32(p + 1);
			for (size_t i = 0; i < MAX_REQUESTS; i++) if (g_req[i].pid > 0 && g_req[i].id == id && !g_req[i].reaped) kill(g_req[i].pid, SIGKILL);
			at += 5;
			continue;
		}
		if (p[0] != 'R') die(STEP, "unknown request %d", p[0]);
		if (left < 9) break;
		uint32_t plen = get_u32(p + 5);
		if (plen > PROGRAM_MAX) die(STEP, "program larger than %u bytes", PROGRAM_MAX);
		if (left < 13 + (size_t)plen) break;
		uint32_t ilen = get_u32(p + 9 + plen);
		if (left < 13 + (size_t)plen + ilen) break;
		start(get_u32(p + 1), p + 9, plen, p + 13 + plen, ilen);
		at += 13 + (size_t)plen + ilen;
	}
	memmove(buf, buf + at, len - at);
	return len - at;
}

void serve_main(void)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0) die_errno(STEP, "PR_SET_PDEATHSIG");
	if (getppid() == 1) _exit(EXIT_STEP_FAILED);
	signal(SIGPIPE, SIG_IGN);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) die_errno(STEP, "block SIGCHLD");
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) die_errno(STEP, "signalfd");

	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	if (!buf) die(STEP, "out of memory");
	bool open_in = true;
	static struct pollfd fds[2 + 2 * MAX_REQUESTS];
	static struct request *owner[2 + 2 * MAX_REQUESTS];
	for (;;) {
		size_t n = 0, running = 0;
		if (open_in) fds[n++] = (struct pollfd){ .fd = 0, .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		for (size_t i = 0; i < MAX_REQUESTS; i++) {
			struct request *r = &g_req[i];
			if (r->pid == 0) continue;
			running++;
			if (r->out >= 0) { owner[n] = r; fds[n++] = (struct pollfd){ .fd = r->out, .events = POLLIN }; }
			if (r->err >= 0) { owner[n] = r; fds[n++] = (struct pollfd){ .fd = r->err, .events = POLLIN }; }
		}
		if (!open_in && running == 0) _exit(0);
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR) continue;
			die_errno(STEP, "poll");
		}
		for (size_t k = 0; k < n; k++) {
			if (!fds[k].revents) continue;
			if (fds[k].fd == 0 && open_in) {
				if (len == cap) {
					if (cap >= REQUEST_MAX) die(STEP, "request larger than %u bytes", REQUEST_MAX);
					cap *= 2;
					buf = realloc(buf, cap);
					if (!buf) die(STEP, "out of memory");
				}
				ssize_t got = read(0, buf + len, cap - len);
				if (got < 0 && errno == EINTR) continue;
				if (got < 0) die_errno(STEP, "read requests");
				if (got == 0) open_in = false;
				len += (size_t)got;
				len = take_requests(buf, len);
			} else if (fds[k].fd == sfd) {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof si) > 0) {}
				reap();
			} else {
				struct request *r = owner[k];
				if (r->pid == 0) continue;
				if (fds[k].fd == r->out) relay(r, &r->out, 'O');
				else if (fds[k].fd == r->err) relay(r, &r->err, 'E');
				finish_if_done(r);
			}
		}
	}
}
