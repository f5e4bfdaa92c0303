/*++
/* NAME
/*	snapshot 3h
/* SUMMARY
/*	one consistent, reference-counted set of config, rules and key
/* SYNOPSIS
/*	#include "snapshot.h"
/* DESCRIPTION
/*	snapshot_load() reads the configuration (plus command-line
/*	overrides), the rules files it names and the pseudonym key, and
/*	returns them as one immutable snapshot with refcount 1. A reload
/*	builds a new snapshot off to the side and swaps one pointer; a
/*	broken file leaves the old one in place. NULL on error (diags say
/*	why, with file:line). Warnings are left in diags on success too.
/*--*/
#ifndef PM_SNAPSHOT_H
#define PM_SNAPSHOT_H

#include <stdatomic.h>

#include "config.h"
#include "pseudonym.h"
#include "rules.h"
#include "util.h"

struct snapshot {
	atomic_uint refs; /* snapshot_ref/unref only */
	unsigned long generation; /* set by whoever installs it */
	struct config *conf;
	struct ruleset *rules;
	struct pseudonym_key *key; /* NULL: no PseudonymKeyFile */
	char *authserv_id; /* resolved (host name default) */
};

struct snapshot *snapshot_load(const char *conf_path,
    const char *const *overrides, size_t noverrides, struct pm_diags *);
void snapshot_ref(struct snapshot *);
void snapshot_unref(struct snapshot *);

#endif
