/*++
/* NAME
/*	log 3
/* SUMMARY
/*	logging to stderr or syslog
/* SYNOPSIS
/*	See include/log.h.
/* DESCRIPTION
/*	One line per call; syslog LOG_MAIL unless logging to stderr.
/*	Thread-safe: the level may change (reload) while sessions log.
/*--*/
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "util.h"

static int log_stderr = 1;
static atomic_int log_level = 1; /* set by the reload thread */
static const char *log_ident = "privacy-milter";

/* log_panic_sink - pm_panic() of the core logs here */
static void
log_panic_sink(const char *line)
{
	pm_log(LOG_CRIT, "%s", line);
}

/* pm_log_init - choose the destination */
void
pm_log_init(const char *ident, int to_stderr, const char *facility)
{
	static const struct {
		const char *name;
		int fac;
	} facs[] = {
	    {"mail", LOG_MAIL},
	    {"daemon", LOG_DAEMON},
	    {"local0", LOG_LOCAL0},
	    {"local1", LOG_LOCAL1},
	    {"local2", LOG_LOCAL2},
	    {"local3", LOG_LOCAL3},
	    {"local4", LOG_LOCAL4},
	    {"local5", LOG_LOCAL5},
	    {"local6", LOG_LOCAL6},
	    {"local7", LOG_LOCAL7},
	};
	int fac = LOG_MAIL;
	size_t i;

	for (i = 0; facility != NULL && i < sizeof(facs) / sizeof(facs[0]); i++)
		if (strcmp(facs[i].name, facility) == 0)
			fac = facs[i].fac;
	log_ident = ident;
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, fac);
	pm_set_log_sink(log_panic_sink);
}

/* pm_log_set_level - 0 errors .. 3 debug */
void
pm_log_set_level(int level)
{
	atomic_store(&log_level, level);
}

/* pm_log_enabled - whether a line at priority prio would be written */
int
pm_log_enabled(int prio)
{
	static const int max_prio[] = {
	    LOG_ERR, LOG_NOTICE, LOG_INFO, LOG_DEBUG};
	int cur = atomic_load(&log_level);
	int lvl = cur < 0 ? 0 : cur > 3 ? 3 : cur;

	return (prio <= max_prio[lvl]);
}

/* pm_log - one line at a syslog priority */
void
pm_log(int prio, const char *fmt, ...)
{
	va_list ap;

	if (!pm_log_enabled(prio))
		return;
	va_start(ap, fmt);
	if (log_stderr) {
		char line[4096];

		vsnprintf(line, sizeof(line), fmt, ap);
		fprintf(stderr, "%s: %s\n", log_ident, line);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}
