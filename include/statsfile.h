/*++
/* NAME
/*	statsfile 3h
/* SUMMARY
/*	the memory of the counters: a file the supervisor makes, shared
/*	by its children, read by --stats
/* SYNOPSIS
/*	#include "statsfile.h"
/*
/*	int	statsfile_create(struct statsfile *sf, const char *path,
/*		    int set_group, gid_t gid)
/*	void	statsfile_close(struct statsfile *sf)
/*	const struct stats *statsfile_map_ro(int fd)
/*	const struct stats *statsfile_open(const char *path,
/*		    struct pm_error *err)
/*	void	statsfile_unmap(const struct stats *st)
/*	int	statsfile_report(const char *path, FILE *out, FILE *err)
/* DESCRIPTION
/*	The counters (stats.h) must outlive a child and be readable by
/*	processes that are not its children: the supervisor maps them
/*	shared before its first fork, from a file.
/*
/*	statsfile_create(), in the supervisor before the privilege drop,
/*	makes the file (the supervisor has checked its directory as it
/*	checks PidFile's): created under a temporary name in path's
/*	directory (O_EXCL, never through a link), given mode 0640 and,
/*	with set_group, group gid (UserID's, so the unprivileged metrics
/*	process and a group member can read it), sized and mapped shared
/*	read-write in sf->st, then rename()d onto path atomically (a file
/*	left by a crashed instance is replaced). sf->ro_fd is then a
/*	read-only descriptor of the same file: the metrics process maps
/*	it with statsfile_map_ro(), which cannot be made writable (the
/*	descriptor was opened read-only). With path NULL there is no name:
/*	an anonymous memory file (memfd), sealed against any new writable
/*	mapping once mapped, serves the same way. The caller fills the
/*	block's header (stats_init()).
/*
/*	statsfile_close() unmaps, closes and removes the file, but only
/*	if path still names the file it made (same device and inode).
/*
/*	statsfile_open() maps an existing file read-only for --stats and
/*	checks its layout (stats_check()); statsfile_unmap() releases
/*	what statsfile_open() or statsfile_map_ro() mapped.
/*
/*	statsfile_report() is --stats: the table of the counters in path
/*	(stats_format_table()) on out, saying whether the supervisor that
/*	made them still runs.
/* DIAGNOSTICS
/*	statsfile_create() logs and returns 0 or EX_OSERR. statsfile_map_ro() returns
/*	NULL (errno set) when mmap fails; statsfile_open() returns NULL
/*	with err filled: the file cannot be opened, or holds no counters
/*	of this version. statsfile_report() returns 0, or EX_UNAVAILABLE
/*	(the reason on err) when there are no counters to show.
/*--*/
#ifndef PM_STATSFILE_H
#define PM_STATSFILE_H

#include <stdio.h>
#include <sys/types.h>

#include "stats.h"
#include "util.h"

struct statsfile {
	struct stats *st; /* read-write, shared; NULL: none */
	int ro_fd; /* read-only descriptor, -1: none */
	char *path; /* NULL: no name */
	dev_t dev;
	ino_t ino;
};

int statsfile_create(
    struct statsfile *, const char *path, int set_group, gid_t gid);
void statsfile_close(struct statsfile *);
const struct stats *statsfile_map_ro(int fd);
const struct stats *statsfile_open(const char *path, struct pm_error *);
void statsfile_unmap(const struct stats *);
int statsfile_report(const char *path, FILE *out, FILE *err);

#endif
