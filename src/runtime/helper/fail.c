/*
 * strata-helper: how it reports. Every failure is one line, "strata-helper: STEP: REASON", and
 * exit status 125 (ops.ts). The line goes to stderr, except inside a sandbox that has a
 * pty: its stderr is /dev/null there (it must never hold the caller's terminal), so the line goes
 * to the monitor over the control socket and the monitor prints it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper.h"

int g_errfd = 2;
bool g_errfd_is_control = false;
void (*g_before_exit)(void) = NULL;

static void emit(const char *line, size_t len)
{
	if (g_errfd_is_control) {
		char msg[1024];
		msg[0] = MSG_ERROR;
		if (len > sizeof msg - 1) len = sizeof msg - 1;
		memcpy(msg + 1, line, len);
		/* Nothing left to report a failure to: the monitor is gone or will see our status. */
		(void)send(g_errfd, msg, len + 1, MSG_NOSIGNAL);
		return;
	}
	while (len > 0) {
		ssize_t n = write(g_errfd, line, len);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) return;
		line += n;
		len -= (size_t)n;
	}
}

static void vreport(const char *step, int err, const char *fmt, va_list ap)
{
	char line[1024];
	size_t len = (size_t)snprintf(line, sizeof line, "strata-helper: %s: ", step);
	if (len < sizeof line) {
		int n = vsnprintf(line + len, sizeof line - len, fmt, ap);
		if (n > 0) len += (size_t)n;
	}
	if (err != 0 && len < sizeof line) {
		int n = snprintf(line + len, sizeof line - len, ": %s", strerror(err));
		if (n > 0) len += (size_t)n;
	}
	if (len > sizeof line - 2) len = sizeof line - 2;
	line[len++] = '\n';
	emit(line, len);
}

void die(const char *step, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(step, 0, fmt, ap);
	va_end(ap);
	if (g_before_exit) g_before_exit();
	_exit(EXIT_STEP_FAILED);
}

void die_errno(const char *step, const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vreport(step, err, fmt, ap);
	va_end(ap);
	if (g_before_exit) g_before_exit();
	_exit(EXIT_STEP_FAILED);
}

void say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0) return;
	size_t len = (size_t)n < sizeof line - 1 ? (size_t)n : sizeof line - 2;
	line[len++] = '\n';
	emit(line, len);
}
