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
/*--*/
#ifndef PM_LOG_H
#define PM_LOG_H

#include <syslog.h>

void pm_log_init(const char *ident, int to_stderr, const char *facility);
void pm_log_set_level(int level);
int pm_log_enabled(int prio);
void pm_log(int prio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
