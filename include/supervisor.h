/*++
/* NAME
/*	supervisor 3h
/* SUMMARY
/*	parent process: pidfile, signals, child restart, reload forwarding
/* SYNOPSIS
/*	#include "supervisor.h"
/* DESCRIPTION
/*	sup_run() takes over once main() has parsed options and loaded a
/*	first snapshot: it creates the socket and pidfile, drops privileges
/*	for the child, starts the libmilter child (cb_run()), forwards
/*	SIGHUP as a reload request and SIGTERM/SIGINT as SIGTERM, restarts
/*	a crashed child with back-off, and returns the process exit status:
/*	0 after an orderly stop; EX_UNAVAILABLE (69) when the socket is
/*	served by a live process or the pidfile is held by another
/*	instance; EX_NOUSER (67) for an unknown UserID; EX_OSERR (71) when
/*	the socket, pidfile or a process cannot be made; EX_SOFTWARE (70)
/*	when the child crashed more than RestartLimit times within
/*	RestartWindow seconds. The design (socket ownership, signals) is
/*	in the block comment of milter/supervisor.c.
/*--*/
#ifndef PM_SUPERVISOR_H
#define PM_SUPERVISOR_H

#include <stddef.h>

#include "snapshot.h"

struct sup_args {
	const char *conf_path;
	const char *const *overrides; /* command-line twins, Key=value */
	size_t noverrides;
	int foreground;
};

int sup_run(const struct sup_args *, struct snapshot *first);

#endif
