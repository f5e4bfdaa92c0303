/*++
/* NAME
/*	snapshot 3h
/* SUMMARY
/*	one consistent, reference-counted set of config, rules and key
/* SYNOPSIS
/*	#include "snapshot.h"
/*
/*	struct snapshot *snapshot_load(const char *conf_path,
/*		    const char *const *overrides, size_t noverrides,
/*		    struct pm_diags *diags)
/*	void	snapshot_ref(struct snapshot *snap)
/*	void	snapshot_unref(struct snapshot *snap)
/* DESCRIPTION
/*	snapshot_load() reads the configuration (config_load(), with the
/*	command-line overrides), then the rules files it names
/*	(rules_load() with the options the configuration gives: Strict,
/*	PCREJIT, MatchLimit, DepthLimit), then the PseudonymKeyFile if one
/*	is set, and returns them as one immutable snapshot with refcount
/*	1 and generation 0. The authserv-id is AuthservID, or the host name
/*	when that is empty. A reload builds a new snapshot off to the side
/*	and swaps one pointer; a broken file leaves the old one in place.
/*
/*	snapshot_ref() and snapshot_unref() change the reference count
/*	atomically; the last unref frees the configuration, releases the
/*	ruleset (rules_unref()) and frees the key. NULL is accepted.
/* DIAGNOSTICS
/*	snapshot_load() returns NULL when any error was reported; every
/*	problem is in diags with file:line (the key file's as "PATH:
/*	reason"). Warnings are left in diags on success too.
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
