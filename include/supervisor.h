/*++
/* NAME
/*	supervisor 3h
/* SUMMARY
/*	parent process: pidfile, socket, signals, child restart
/* SYNOPSIS
/*	#include "supervisor.h"
/* DESCRIPTION
/*	Why two processes: libmilter's signal thread turns SIGHUP into
/*	"stop" (and SIGINT into "abort"), so a libmilter process cannot
/*	reload on SIGHUP itself. The parent (this module) owns the signals,
/*	the pidfile and the public socket; a child (child.h) runs libmilter.
/*	The parent holds no rules, not even for a moment: main() has a
/*	short-lived process check the files, which records their bytes in
/*	memory shared with the children (lastgood.h), and the parent
/*	keeps only a configuration read from that record.
/*
/*	sup_run() takes over once the files are checked and recorded in
/*	lastgood; conf is the supervisor's own copy (main() keeps it).
/*	Start-up, as the user that started it (root):
/* .IP 1.
/*	resolve UserID (user.h) and warn about each recorded file that the
/*	child's user cannot read: it loads now, but a reload re-reads it as
/*	that user and would fail;
/* .IP 2.
/*	open, check and lock the pidfile: never through a symbolic link
/*	(O_NOFOLLOW), only a regular file with one link owned by root or
/*	the starting user, in a directory that is not writable by everyone
/*	unless sticky; then mode 0644. A second instance with the same
/*	pidfile refuses to start (EX_UNAVAILABLE);
/* .IP 3.
/*	create the public socket (listen.h) and a private directory for
/*	libmilter's socket (/tmp/privacy-milter.XXXXXX, mode 0700, owned by
/*	the child's user; front.h says why libmilter has a socket of its
/*	own); the file of the counters (StatsFile, statsfile.h; its
/*	directory checked as PidFile's) and the MetricsSocket, if any
/*	(listen.h);
/* .IP 4.
/*	unless in the foreground (-f or Background no): double fork,
/*	setsid, chdir /, standard descriptors to /dev/null, every other
/*	inherited descriptor closed (but the pidfile and the socket), log
/*	to syslog. Then write our PID into the pidfile;
/* .IP 5.
/*	raise the soft RLIMIT_NOFILE to the hard limit (a session costs up
/*	to three descriptors in the child; see front.h);
/* .IP 6.
/*	block SIGHUP, SIGINT, SIGTERM, SIGUSR1 and SIGCHLD and take them
/*	with sigtimedwait(): no signal handlers, no races.
/* .PP
/*	The child: its own process group (a terminal's Ctrl-C reaches the
/*	parent only), PR_SET_PDEATHSIG SIGTERM (it never outlives the
/*	parent), the privilege drop, then child_run().
/*
/*	With a MetricsSocket, the metrics process (metrics.h) is forked
/*	once the signals are set up; when it exits it is restarted after
/*	1 s, or, if it lived less than a minute, after twice the last
/*	delay (at most 60 s), logged. The mail child never depends on it.
/*	A child's exit is counted (stats_child_gone()) before it is
/*	restarted.
/*
/*	Signals to the parent: SIGHUP (and SIGUSR1) -> SIGUSR1 to the
/*	child, which reloads in a thread of its own. SIGTERM or SIGINT ->
/*	SIGUSR2 to the child (never SIGINT, libmilter's abort, and not
/*	SIGTERM either: Debian's libmilter abandons every session at once
/*	when it stops), whose control thread first has new connections
/*	answered with tempfail and waits (at most 60 s) until no message
/*	is in progress, then stops libmilter. The parent then removes the
/*	socket, the pidfile, the private directory and the counters' file,
/*	stops the metrics process (SIGTERM, SIGKILL after 5 s) and exits 0. A
/*	child still running 75 s after the stop request gets SIGTERM, after
/*	90 s SIGKILL. A SIGTERM sent to the child directly stops it at once.
/*
/*	Child exit when not stopping (crash, kill -9, a SIGHUP sent to the
/*	child directly) is logged, and:
/* .IP \(bu
/*	a child that had got ready (it serves: lastgood.h) is restarted at
/*	once: a crash costs the sessions in flight and nothing more;
/* .IP \(bu
/*	a child that exited before it got ready is a crash loop at start:
/*	restarted after a back-off of 1 s, doubling up to 30 s, reset by
/*	the next child that gets ready; more than RestartLimit of these
/*	within RestartWindow seconds and the parent gives up (EX_SOFTWARE)
/*	so the service manager sees it.
/* .PP
/*	A restarted child comes back with the last files that loaded (the
/*	start-up files, or the last successful reload), not with what is
/*	on disk now: a broken file installed since never reaches it.
/*
/*	sup_run() returns the process exit status: 0 after an orderly stop;
/*	EX_UNAVAILABLE (69) when the socket is served by a live process or
/*	the pidfile is held by another instance; EX_NOUSER (67) for an
/*	unknown UserID; EX_CONFIG (78) for a pidfile or socket refused as
/*	unsafe or malformed; EX_OSERR (71) when the socket, pidfile or a
/*	process cannot be made; EX_SOFTWARE (70) after a crash loop.
/*--*/
#ifndef PM_SUPERVISOR_H
#define PM_SUPERVISOR_H

#include <stddef.h>

#include "config.h"
#include "lastgood.h"

struct sup_args {
	const char *conf_path;
	const char *const *overrides; /* command-line twins, Key=value */
	size_t noverrides;
	int foreground;
};

int sup_run(
    const struct sup_args *, const struct config *conf, struct lastgood *);

#endif
