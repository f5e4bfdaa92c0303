/*++
/* NAME
/*	callbacks 3h
/* SUMMARY
/*	libmilter glue: the child process
/* SYNOPSIS
/*	#include "callbacks.h"
/* DESCRIPTION
/*	cb_register() registers the filter with libmilter and sets the
/*	connection spec, timeout and packet limit from the configuration.
/*	The supervisor calls it, then cb_listen(), before it forks: the
/*	listening socket then lives in the supervisor and every child
/*	inherits it (see supervisor.c for who owns and removes it).
/*
/*	cb_listen() creates the listening socket for spec (a libmilter
/*	connection spec); rmsocket removes an old unix socket first.
/*
/*	cb_run() is the child: it installs the first snapshot as the next
/*	generation, starts the control thread and runs smfi_main().
/*	*generation (NULL: a counter of its own) is the last generation
/*	installed; the supervisor keeps it in memory shared with its
/*	children, so numbers keep increasing across child restarts.
/*	The control thread takes SIGUSR1 (reload; requests that arrive
/*	during a reload are merged into one more) and SIGUSR2 (stop: new
/*	connections are refused, messages in progress are finished, at
/*	most 60 s, then smfi_stop()). With reload_now it reloads at once
/*	(a restarted child picks up files changed since the first load).
/*	Returns the child's exit status.
/*--*/
#ifndef PM_CALLBACKS_H
#define PM_CALLBACKS_H

#include "supervisor.h"

int cb_register(const struct config *);
int cb_listen(const char *spec, int rmsocket);
int cb_run(const struct sup_args *, struct snapshot *first, int reload_now,
    unsigned long *generation);

#endif
