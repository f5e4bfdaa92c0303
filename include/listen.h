/*++
/* NAME
/*	listen 3h
/* SUMMARY
/*	the public milter socket: made by the supervisor, served by the
/*	child's front
/* SYNOPSIS
/*	#include "listen.h"
/* DESCRIPTION
/*	listen_open() creates the listening socket for spec, libmilter's
/*	syntax: unix:/path, local:/path or /path; inet:port[@host];
/*	inet6:port[@host] (host: a name or an address; without it every
/*	address). It is made before the privilege drop and never closed
/*	while the supervisor runs: every child inherits it, and while a
/*	child restarts the MTA's connections wait in the listen backlog
/*	instead of failing. libmilter itself listens on a private socket
/*	(front.h), so it never touches this one.
/*
/*	A unix socket is bound under a temporary name in the same
/*	directory, given mode, group (a name; NULL or empty: left as is;
/*	unknown: a warning) and, with set_owner, owner as its owner, and
/*	rename()d onto the path atomically. Before that, an existing path
/*	is probed with connect(): a socket that answers belongs to a live
/*	process and the start is refused; a refused connection marks a
/*	stale socket, which the rename() replaces; anything that is not a
/*	socket is never touched. An inet socket in use fails in bind().
/*
/*	listen_cleanup() closes the socket and removes the unix path, but
/*	only if it still is the socket listen_open() made (same device and
/*	inode): a newer instance's socket stays.
/* DIAGNOSTICS
/*	listen_open() logs every problem and returns 0, or a sysexits
/*	code: EX_CONFIG (a bad spec), EX_UNAVAILABLE (in use, or served
/*	by a live process), EX_OSERR (anything else).
/*--*/
#ifndef PM_LISTEN_H
#define PM_LISTEN_H

#include <sys/types.h>

struct listen_sock {
	int fd; /* -1: none */
	char *path; /* unix socket path, NULL: inet */
	dev_t dev;
	ino_t ino;
};

int listen_open(const char *spec, unsigned mode, const char *group,
    int set_owner, uid_t owner, struct listen_sock *);
void listen_cleanup(struct listen_sock *);

#endif
