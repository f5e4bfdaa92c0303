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
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

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

/* pm_vlog - one line at a syslog priority */
static void
pm_vlog(int prio, const char *fmt, va_list ap)
{
	if (log_stderr) {
		char line[4096];

		vsnprintf(line, sizeof(line), fmt, ap);
		fprintf(stderr, "%s: %s\n", log_ident, line);
	} else {
		vsyslog(prio, fmt, ap);
	}
}

/* pm_log - one line at a syslog priority */
void
pm_log(int prio, const char *fmt, ...)
{
	va_list ap;

	if (!pm_log_enabled(prio))
		return;
	va_start(ap, fmt);
	pm_vlog(prio, fmt, ap);
	va_end(ap);
}

/* pm_log_limited - at most one line per secs for this limiter */
void
pm_log_limited(
    struct pm_log_limit *lim, unsigned secs, int prio, const char *fmt, ...)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct timespec ts;
	unsigned long skipped;
	long long now;
	va_list ap;

	if (!pm_log_enabled(prio))
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	pthread_mutex_lock(&lock);
	if (lim->last != 0 && now - lim->last < (long long)secs * 1000) {
		lim->skipped++;
		pthread_mutex_unlock(&lock);
		return;
	}
	lim->last = now;
	skipped = lim->skipped;
	lim->skipped = 0;
	pthread_mutex_unlock(&lock);
	va_start(ap, fmt);
	pm_vlog(prio, fmt, ap);
	va_end(ap);
	if (skipped > 0)
		pm_log(prio, "(%lu more like the last line in %u s)", skipped,
		    secs);
}
