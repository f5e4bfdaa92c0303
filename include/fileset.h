/*++
/* NAME
/*	fileset 3h
/* SUMMARY
/*	the bytes of the files one snapshot was read from: capture, replay
/*	and a flat copy (pure: no libmilter)
/* SYNOPSIS
/*	#include "fileset.h"
/* DESCRIPTION
/*	Every file a snapshot loads (the configuration, the rules files,
/*	the pseudonym key) is read with fileset_read(). Normally that is a
/*	plain read of the file. Between fileset_begin(fs, 0) and
/*	fileset_end() on a thread, each file read is also recorded in fs
/*	(capture): afterwards fs holds exactly the bytes that were parsed.
/*	Between fileset_begin(fs, 1) and fileset_end() the files are not
/*	opened at all: fileset_read() answers with the bytes fs recorded
/*	for the same path (replay). That is how a restarted child comes
/*	back with the last rules that loaded, even when the files have
/*	been broken since (issue 14, item 5): the child records each good
/*	load, and a new child replays the record (see lastgood.h).
/*
/*	The set in use is per thread, so a reload in the child's control
/*	thread and nothing else see it; HACKING.md says why this one piece
/*	of thread state is worth it (the loaders keep their signatures).
/*
/*	Size limit: FILESET_MAX bytes per file, and for all the files of
/*	one capture together. 50 MB of rules cost about 1 GB of memory
/*	once compiled; 8 MiB are some 100,000 rules.
/*
/*	fileset_read() reads path into out (replacing its contents) and
/*	sets *mode (if not NULL) to the file's st_mode. Returns 0, or -1
/*	with errno: what open() or read() said; EISDIR or EINVAL for a
/*	directory or another file that is not a regular file (*mode is
/*	set then, 0 when the file could not be opened); EFBIG past the
/*	size limit; ENOENT in replay for a path the record does not have.
/*
/*	fileset_npaths() and fileset_path() list the recorded paths, in
/*	the order they were read. fileset_flat_size() is the size of the
/*	flat copy, fileset_flatten() writes it to mem (that many bytes),
/*	fileset_unflatten() makes a set from one (NULL: not a valid copy
/*	or no memory). fileset_free() wipes the bytes (a key file is among
/*	them) and frees; NULL is accepted.
/*--*/
#ifndef PM_FILESET_H
#define PM_FILESET_H

#include <stddef.h>
#include <sys/types.h>

#include "util.h"

#define FILESET_MAX (8 * 1024 * 1024)

struct fileset;

struct fileset *fileset_new(void);
void fileset_free(struct fileset *);
void fileset_begin(struct fileset *, int replay);
void fileset_end(void);
int fileset_read(const char *path, struct pm_buf *out, mode_t *mode);
size_t fileset_npaths(const struct fileset *);
const char *fileset_path(const struct fileset *, size_t i);
size_t fileset_flat_size(const struct fileset *);
void fileset_flatten(const struct fileset *, void *mem);
struct fileset *fileset_unflatten(const void *mem, size_t len);

#endif
