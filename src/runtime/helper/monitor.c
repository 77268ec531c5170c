/*
 * strata-helper: the monitor, the part of the helper that stays outside the sandbox after
 * `spawn`. It forwards the signals strata gets to the sandbox, relays the caller's terminal to
 * the sandbox's pty, enforces `timeout`, and finally exits with the sandbox's status: the
 * command's own, or 128+N when it died of signal N, or 124 when the timeout fired.
 *
 * One poll loop over: a signalfd (forwarded signals, SIGCHLD, SIGWINCH), a timerfd (timeout),
 * the control socket (the pty master and error lines from the sandbox), the caller's stdin and
 * the pty master.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "helper.h"

#define STEP "monitor"

static struct monitor_setup g_m;      /* a copy: the control socket is closed in it */
static struct termios g_saved_termios;
static bool g_raw;                 /* the caller's terminal is in raw mode: restore it on exit */
static char g_errors[4096];        /* the sandbox's error lines, printed once the terminal is back */
static size_t g_errors_len;

static int g_master = -1;          /* the pty master, once the sandbox sent it */
static bool g_stdin_open;
static bool g_discard_output;      /* our stdout went away: keep draining the pty, drop the bytes */
static char g_to_master[4096];     /* caller's input not yet written to the pty */
static size_t g_to_master_len, g_to_master_off;
static bool g_send_eof;            /* the caller's input ended: send the pty's EOF character */

static void restore_terminal(void)
{
	if (g_raw) {
		/* TCSADRAIN: the command's last output is shown before the mode changes back. */
		tcsetattr(0, TCSADRAIN, &g_saved_termios);
		g_raw = false;
	}
}

static void write_out(int fd, const char *buf, size_t len)
{
	while (len > 0 && !(fd == 1 && g_discard_output)) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			poll(&p, 1, -1);
			continue;
		}
		if (n <= 0) {
			if (fd == 1) g_discard_output = true;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* The window size of the caller's terminal, or 80x24 when it has none. */
static void copy_window_size(void)
{
	if (g_master < 0) return;
	struct winsize ws;
	if (ioctl(0, TIOCGWINSZ, &ws) < 0 && ioctl(1, TIOCGWINSZ, &ws) < 0) {
		memset(&ws, 0, sizeof ws);
		ws.ws_row = 24;
		ws.ws_col = 80;
	}
	if (ioctl(g_master, TIOCSWINSZ, &ws) < 0) die_errno(STEP, "TIOCSWINSZ");
}

static void raw_mode(void)
{
	if (!isatty(0)) return;
	if (tcgetattr(0, &g_saved_termios) < 0) die_errno(STEP, "tcgetattr");
	struct termios raw = g_saved_termios;
	/* Keys go to the sandbox as typed: its own pty does echo, line editing and Ctrl-C. */
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSANOW, &raw) < 0) die_errno(STEP, "tcsetattr");
	g_raw = true;
}

/* One message from the sandbox: the pty master (once), or an error line. False when there is
 * none waiting. */
static bool read_control(void)
{
	char buf[1024];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
	union { struct cmsghdr align; char buf[CMSG_SPACE(sizeof(int))]; } control;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf };
	ssize_t n = recvmsg(g_m.control, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
	if (n <= 0) {
		/* The sandbox closed its end (it exec'd, or its init let go): nothing more comes. */
		close(g_m.control);
		g_m.control = -1;
		return false;
	}
	int fd = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
		}
	}
	if (buf[0] == MSG_PTY_MASTER && fd >= 0 && g_m.pty && g_master < 0) {
		g_master = fd;
		if (fcntl(g_master, F_SETFL, O_NONBLOCK) < 0) die_errno(STEP, "make the pty non-blocking");
		copy_window_size();
		return true;
	}
	if (fd >= 0) close(fd);   /* nothing else may pass us a descriptor */
	if (buf[0] == MSG_ERROR && n > 1) {
		size_t len = (size_t)n - 1;
		if (len > sizeof g_errors - g_errors_len) len = sizeof g_errors - g_errors_len;
		memcpy(g_errors + g_errors_len, buf + 1, len);
		g_errors_len += len;
	}
	return true;
}

/* Output of the command: everything the pty holds now. Returns false once the pty is closed. */
static bool drain_master(void)
{
	char buf[65536];
	for (;;) {
		ssize_t n = read(g_master, buf, sizeof buf);
		if (n > 0) {
			write_out(1, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && errno == EAGAIN) return true;
		/* EIO: every slave is closed — the command and all it started are gone. */
		close(g_master);
		g_master = -1;
		return false;
	}
}

static void pump_input(void)
{
	if (g_master < 0) {   /* the pty is gone: input has nowhere to go */
		g_to_master_len = g_to_master_off = 0;
		g_send_eof = false;
		return;
	}
	if (g_to_master_len == 0 && g_send_eof) {
		/* The caller's input ended (a pipe, not a terminal): the pty's EOF character makes a
		 * reading command see end-of-file, as it would without a pty. */
		struct termios t;
		g_to_master[0] = tcgetattr(g_master, &t) == 0 ? (char)t.c_cc[VEOF] : 4;
		g_to_master_len = 1;
		g_to_master_off = 0;
		g_send_eof = false;
	}
	while (g_to_master_off < g_to_master_len) {
		ssize_t n = write(g_master, g_to_master + g_to_master_off, g_to_master_len - g_to_master_off);
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && errno == EAGAIN) return;
		if (n < 0) {   /* the pty is closing: input has nowhere to go */
			g_to_master_off = g_to_master_len;
			break;
		}
		g_to_master_off += (size_t)n;
	}
	g_to_master_len = g_to_master_off = 0;
}

static void read_input(void)
{
	ssize_t n = read(0, g_to_master, sizeof g_to_master);
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
	if (n <= 0) {
		g_stdin_open = false;
		g_send_eof = n == 0;
		pump_input();
		return;
	}
	g_to_master_len = (size_t)n;
	g_to_master_off = 0;
	pump_input();
}

__attribute__((noreturn)) static void finish(int status, bool timed_out)
{
	if (g_master >= 0) drain_master();
	while (g_m.control >= 0 && read_control()) continue;
	restore_terminal();
	if (g_errors_len) write_out(2, g_errors, g_errors_len);
	if (timed_out) {
		char line[64];
		int len = snprintf(line, sizeof line, "strata: timed out after %us\n", g_m.timeout);
		write_out(2, line, (size_t)len);
		_exit(EXIT_TIMED_OUT);
	}
	if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
	_exit(128 + WTERMSIG(status));
}

static void kill_sandbox(void)
{
	/* SIGKILL to the sandbox's init ends its PID namespace: the kernel kills everything in it.
	 * Without one, the child's process group (it made its own session) is the best we have. */
	if (!g_m.pid_namespace) kill(-g_m.child, SIGKILL);
	kill(g_m.child, SIGKILL);
}

void run_monitor(const struct monitor_setup *setup)
{
	g_m = *setup;
	const struct monitor_setup *m = &g_m;
	g_before_exit = restore_terminal;
	g_stdin_open = m->pty;
	/* A reader of our stdout that went away must not kill us with the terminal left raw. */
	signal(SIGPIPE, SIG_IGN);

	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < n_forwarded_signals; i++) sigaddset(&set, forwarded_signals[i]);
	sigaddset(&set, SIGCHLD);
	if (m->pty) sigaddset(&set, SIGWINCH);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);   /* the signals were blocked before clone */
	if (sfd < 0) die_errno(STEP, "signalfd");

	int tfd = -1;
	if (m->timeout) {
		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (tfd < 0) die_errno(STEP, "timerfd_create");
		struct itimerspec when = { .it_value = { .tv_sec = m->timeout } };
		if (timerfd_settime(tfd, 0, &when, NULL) < 0) die_errno(STEP, "timerfd_settime");
	}
	if (m->pty) raw_mode();

	for (;;) {
		struct pollfd p[5];
		nfds_t n = 0;
		int i_sig = -1, i_timer = -1, i_control = -1, i_stdin = -1, i_master = -1;
		p[i_sig = (int)n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		if (tfd >= 0) p[i_timer = (int)n++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		if (m->control >= 0) p[i_control = (int)n++] = (struct pollfd){ .fd = m->control, .events = POLLIN };
		if (g_master >= 0) {
			/* Read the caller's input only when the last of it has gone to the pty: a
			 * command that does not read must not make us buffer without end. */
			if (g_stdin_open && g_to_master_len == 0 && !g_send_eof) p[i_stdin = (int)n++] = (struct pollfd){ .fd = 0, .events = POLLIN };
			short events = POLLIN;
			if (g_to_master_len > 0 || g_send_eof) events |= POLLOUT;
			p[i_master = (int)n++] = (struct pollfd){ .fd = g_master, .events = events };
		}
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR) continue;
			die_errno(STEP, "poll");
		}

		if (p[i_sig].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				int sig = (int)si.ssi_signo;
				if (sig == SIGCHLD) {
					int status;
					if (waitpid(m->child, &status, WNOHANG) == m->child) finish(status, false);
				} else if (sig == SIGWINCH) {
					copy_window_size();
				} else {
					kill(m->child, sig);   /* ESRCH: it is exiting; its SIGCHLD is on the way */
				}
			}
		}
		if (i_timer >= 0 && p[i_timer].revents) {
			kill_sandbox();
			int status;
			while (waitpid(m->child, &status, 0) < 0 && errno == EINTR) continue;
			finish(status, true);
		}
		if (i_control >= 0 && p[i_control].revents) read_control();
		if (i_master >= 0 && p[i_master].revents) {
			if (p[i_master].revents & POLLOUT) pump_input();
			if (p[i_master].revents & (POLLIN | POLLHUP | POLLERR)) drain_master();
		}
		if (i_stdin >= 0 && p[i_stdin].revents) read_input();
	}
}
