/*++
/* NAME
/*	child 3h
/* SUMMARY
/*	the child process: the snapshot, the front, the control thread,
/*	libmilter
/* SYNOPSIS
/*	#include "child.h"
/* DESCRIPTION
/*	child_run() is the child, after the supervisor's fork and the
/*	privilege drop. It loads its first snapshot by replaying the last
/*	good files the supervisor's shared memory holds (lastgood.h: at
/*	the first start, what main() validated; after a crash, what the
/*	crashed child last loaded), so it comes back exactly as the last
/*	child was, whatever the files on disk say now. Then it registers
/*	the callbacks (callbacks.h), has libmilter listen on its private
/*	socket a->lm_path, starts the front on the public socket
/*	a->listen_fd (front.h) and the control thread, marks itself ready
/*	in the shared memory, and runs smfi_main(). Returns the child's
/*	exit status.
/*
/*	The control thread, at low priority, takes two signals (blocked
/*	in every other thread; libmilter does not use them):
/* .IP SIGUSR1
/*	reload: the configuration and the files it names are read again
/*	(recorded as they are read, fileset.h) into a new snapshot off the
/*	hot path; on success the record becomes the last good one, the
/*	snapshot is installed with the next generation number and
/*	"reload: generation N, M rules" is logged; on failure every
/*	problem is logged as file:line and the running snapshot stays.
/*	Either way the counters (a->stats) record the result; each
/*	installed snapshot tells them its generation and rules
/*	(stats_install()). A
/*	request that arrives during a reload causes exactly one more.
/* .IP SIGUSR2
/*	stop: the front answers new connections with tempfail; messages
/*	in progress are finished (at most CHILD_DRAIN_MAX seconds); then
/*	smfi_stop(), and a signal ends the poll() sleep of libmilter's
/*	listener (up to 5 s otherwise), so an idle child stops at once.
/*--*/
#ifndef PM_CHILD_H
#define PM_CHILD_H

#include <stddef.h>

#include "lastgood.h"
#include "stats.h"

#define CHILD_DRAIN_MAX 60 /* seconds to wait for messages at stop */

struct child_args {
	const char *conf_path;
	const char *const *overrides; /* command-line twins, Key=value */
	size_t noverrides;
	int listen_fd; /* the public socket */
	const char *lm_path; /* libmilter's private socket */
	struct lastgood *lastgood;
	struct stats *stats; /* the counters (stats.h) */
};

int child_run(const struct child_args *);

#endif
