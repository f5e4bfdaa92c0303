/*++
/* NAME
/*	user 3h
/* SUMMARY
/*	UserID: the child's user, the privilege drop, what it can read
/* SYNOPSIS
/*	#include "user.h"
/* DESCRIPTION
/*	user_resolve() looks up UserID ("user[:group]"; empty or NULL: no
/*	switch, u->set 0). Only root can switch to another user.
/*
/*	user_drop() switches the calling process to u for good: setgid,
/*	initgroups, setuid, then checks that setuid(0) fails.
/*
/*	user_unreadable() tells which of paths[0..n) u could not open for
/*	reading: the child re-reads them at every reload as u, so a file
/*	only root can read loads at the start and then never again
/*	(issue 14, item 7). A short-lived process drops to u and tries
/*	open() on each (directory permissions and ACLs included);
/*	report(path, errno, arg) is called for each one that fails. Without
/*	a switch (u->set 0) nothing is checked: the child reads as the
/*	caller does. user_unreadable_files() is the same for the paths a
/*	fileset recorded (fileset.h). user_free() releases what
/*	user_resolve() kept.
/* DIAGNOSTICS
/*	user_resolve() logs and returns 0 or a sysexits code (EX_NOUSER
/*	for an unknown user or group, EX_NOPERM when not root);
/*	user_drop() logs and returns -1 on failure; user_unreadable()
/*	and user_unreadable_files() return the number of unreadable files,
/*	or -1 when the check itself failed (fork, pipe, memory).
/*--*/
#ifndef PM_USER_H
#define PM_USER_H

#include <stddef.h>
#include <sys/types.h>

#include "fileset.h"

struct user {
	int set; /* 0: no switch */
	uid_t uid;
	gid_t gid;
	char *name; /* for initgroups(); the spec for messages */
	char *spec;
};

int user_resolve(const char *spec, struct user *);
int user_drop(const struct user *);
int user_unreadable(const struct user *, const char *const *paths, size_t n,
    void (*report)(const char *path, int err, void *arg), void *arg);
int user_unreadable_files(const struct user *, const struct fileset *,
    void (*report)(const char *path, int err, void *arg), void *arg);
void user_free(struct user *);

#endif
