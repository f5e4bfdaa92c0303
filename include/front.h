/*++
/* NAME
/*	front 3h
/* SUMMARY
/*	the child's front: the MTA's connections, checked packet by packet
/*	before libmilter reads them
/* SYNOPSIS
/*	#include "front.h"
/* DESCRIPTION
/*	libmilter trusts parts of what the MTA sends (issue 14: a macro
/*	packet with an odd number of strings crashes the child in
/*	smfi_getsymval()), and it cannot be patched here (the stack is
/*	Debian's libmilter). So in the child, libmilter listens on a private
/*	unix socket in a directory only the child's user can enter, and
/*	one thread of the child, the front, owns the public socket: it
/*	accepts the MTA's connections, frames every packet the MTA sends
/*	(packet.h) and passes on to libmilter only complete packets that
/*	pass packet_next()'s checks; libmilter's replies go back unchanged.
/*	A packet that fails is logged (rate-limited) and costs only its
/*	own connection: both sides are closed, the MTA applies its
/*	default action to that one session. HACKING.md says why a front
/*	and not something else.
/*
/*	Being first on every connection, the front also enforces what
/*	libmilter does not (issue 14, items 3, 4 and 6):
/* .IP \(bu
/*	MilterTimeout for idle connections: a connection without a byte in
/*	either direction for that long is closed (libmilter's worker pool
/*	sweeps idle sessions only every 600 s). A connection that has not
/*	sent a complete first packet after FRONT_HELLO_SECS (10 s, or
/*	MilterTimeout if shorter) is closed too: an MTA negotiates at once.
/* .IP \(bu
/*	file descriptors: a session costs three (the MTA's connection,
/*	the front's connection to libmilter and libmilter's end of it; one
/*	until the first packet arrives). The front counts them against
/*	RLIMIT_NOFILE with FRONT_FD_RESERVE kept free for reloads and
/*	libmilter; when a new connection would not fit, the connection idle
/*	the longest (at least 1 s) is closed to make room, and when none
/*	is, accepting pauses for 100 ms (the MTA waits in the listen
/*	backlog). accept() failures and more than 80 % of the limit in use
/*	are logged, at most once a minute each.
/* .IP \(bu
/*	stop: after front_refuse() new connections never reach libmilter;
/*	the front answers them itself: the negotiation, then 't'
/*	(tempfail) to the connect and to every later command that wants a
/*	reply, so the MTA tempfails those sessions instead of seeing the
/*	connection close.
/* .PP
/*	front_start() starts the front thread on listen_fd (the public
/*	socket, made by the supervisor) with libmilter's socket at lm_path;
/*	max_data (MaxDataSize) and timeout (MilterTimeout) can be changed
/*	later by front_set_limits() (a reload). Returns 0, or -1 with the
/*	reason logged. front_refuse() switches to refusing new
/*	connections. front_stop() closes every connection and joins the thread.
/*	front_connections() is the number of MTA connections held.
/*--*/
#ifndef PM_FRONT_H
#define PM_FRONT_H

#include <stddef.h>

#define FRONT_HELLO_SECS 10
#define FRONT_FD_RESERVE 64

int front_start(
    int listen_fd, const char *lm_path, size_t max_data, unsigned timeout);
void front_set_limits(size_t max_data, unsigned timeout);
void front_refuse(void);
void front_stop(void);
size_t front_connections(void);

#endif
