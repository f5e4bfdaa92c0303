/*++
/* NAME
/*	metrics 3h
/* SUMMARY
/*	the process that serves the counters to Prometheus
/* SYNOPSIS
/*	#include "metrics.h"
/*
/*	pid_t	metrics_spawn(const struct metrics_args *a)
/* DESCRIPTION
/*	metrics_spawn() forks the metrics process of MetricsSocket
/*	(privacy-milter.conf(5)) and returns its pid in the supervisor.
/*	The process gives up everything of the supervisor it does not need
/*	before it reads a byte from the network: it closes a->close_fds
/*	(the milter socket, the pidfile), unmaps the supervisor's writable
/*	view of the counters a->rw and the last good files a->lastgood
/*	(they hold the pseudonym key), maps the counters read-only from
/*	a->stats_fd (statsfile.h: a view that cannot be made writable),
/*	drops to a->user (user.h) and dies with the supervisor
/*	(PR_SET_PDEATHSIG). Its name is "pm-metrics" (ps, top).
/*
/*	It serves a->listen_fd, the socket the supervisor opened at
/*	start, with libmicrohttpd (one internal thread, poll or epoll):
/*	GET or HEAD /metrics gives the Prometheus text exposition
/*	(stats_format_prometheus(), "text/plain; version=0.0.4"); / a line
/*	naming /metrics; anything else 404, or 405 for other methods. At
/*	most METRICS_CONNECTIONS connections (METRICS_PER_IP from one
/*	address), each closed after METRICS_TIMEOUT seconds without
/*	progress. It shares nothing with the mail path but the counters,
/*	which it only reads: a slow or hostile client can hold this
/*	process's connections, never a message. It stops on SIGTERM.
/* DIAGNOSTICS
/*	metrics_spawn() logs and returns -1 when fork() fails. The
/*	process logs its start and libmicrohttpd's errors (at most one
/*	line a minute); it exits 0 after SIGTERM, EX_OSERR when it cannot
/*	start (the supervisor restarts it after a delay).
/*--*/
#ifndef PM_METRICS_H
#define PM_METRICS_H

#include <stddef.h>
#include <sys/types.h>

#include "lastgood.h"
#include "stats.h"
#include "user.h"

#define METRICS_CONNECTIONS 16
#define METRICS_PER_IP 8
#define METRICS_TIMEOUT 10 /* seconds */

struct metrics_args {
	int listen_fd; /* the MetricsSocket */
	const char *spec; /* its spec, for the log */
	int stats_fd; /* read-only descriptor of the counters */
	struct stats *rw; /* the supervisor's writable view: unmapped */
	struct lastgood *lastgood; /* unmapped */
	const int *close_fds; /* the supervisor's other descriptors */
	size_t nclose;
	const struct user *user;
};

pid_t metrics_spawn(const struct metrics_args *);

#endif
