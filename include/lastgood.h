/*++
/* NAME
/*	lastgood 3h
/* SUMMARY
/*	what one child leaves for the next: the last good files, the
/*	generation counter, whether it got ready
/* SYNOPSIS
/*	#include "lastgood.h"
/* DESCRIPTION
/*	The supervisor holds no parsed rules (they are the child's, and
/*	10,000 rules are 28 MiB); what a restarted child needs to come
/*	back as the old one was lives in memory the supervisor maps
/*	shared before its first fork (MAP_SHARED | MAP_ANONYMOUS, so no
/*	file, nothing to clean up, and no other process can see it):
/* .IP \(bu
/*	the bytes of the last files that loaded (fileset.h), in two slots:
/*	lastgood_save() writes the slot not in use and then switches to it,
/*	so a child killed half-way leaves the previous record whole.
/*	lastgood_load() makes a fileset of the record for replay. The
/*	slots are FILESET_MAX (plus the paths) each; pages never written
/*	cost no memory.
/* .IP \(bu
/*	the last generation installed (lastgood_generation()): numbers go
/*	on across restarts.
/* .IP \(bu
/*	whether the child in charge got ready (lastgood_set_ready(),
/*	lastgood_ready()): the supervisor restarts a child that crashed
/*	after it was ready at once, and backs off only for a child that
/*	never got there (a crash loop at start).
/* .PP
/*	lastgood_create() maps it (NULL: mmap failed, logged);
/*	lastgood_unmap() gives it up, in a process that must not see the
/*	files (the metrics process: they include the pseudonym key).
/*--*/
#ifndef PM_LASTGOOD_H
#define PM_LASTGOOD_H

#include <stdatomic.h>

#include "fileset.h"

struct lastgood;

struct lastgood *lastgood_create(void);
int lastgood_save(struct lastgood *, const struct fileset *);
struct fileset *lastgood_load(struct lastgood *);
atomic_ulong *lastgood_generation(struct lastgood *);
void lastgood_set_ready(struct lastgood *, int ready);
int lastgood_ready(struct lastgood *);
void lastgood_unmap(struct lastgood *);

#endif
