/*++
/* NAME
/*	log 3h
/* SUMMARY
/*	logging to stderr (foreground) or syslog LOG_MAIL
/* SYNOPSIS
/*	#include "log.h"
/* DESCRIPTION
/*	pm_log_init() chooses the destination; pm_log() writes one line at
/*	a syslog priority, dropped when above the configured level
/*	(LogLevel 0: errors, 1: + warnings and notices, 2 (default): + one
/*	info line per message, 3: + debug). Nothing logged may contain a
/*	removed header value: callers log rule ids and counts only.
/*
/*	pm_log_limited() logs like pm_log(), but at most one line per
/*	secs seconds for the same struct pm_log_limit (zero-initialised,
/*	static or long-lived); the next line that gets through says how
/*	many were left out. For trouble a peer can cause at will (bad
/*	packets, descriptor exhaustion), so it cannot flood the log.
/*
/*	pm_panic() (util.h, usable in the core) is for a broken invariant;
/*	pm_log_init() points its sink here, so it logs "panic: ..." at
/*	LOG_CRIT before it abort()s and the supervisor restarts the child.
/*--*/
#ifndef PM_LOG_H
#define PM_LOG_H

#include <syslog.h>

void pm_log_init(const char *ident, int to_stderr, const char *facility);
void pm_log_set_level(int level);
int pm_log_enabled(int prio);
void pm_log(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct pm_log_limit {
	long long last; /* monotonic ms of the last line, 0: none yet */
	unsigned long skipped;
};

void pm_log_limited(struct pm_log_limit *, unsigned secs, int prio,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
