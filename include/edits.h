/*++
/* NAME
/*	edits 3h
/* SUMMARY
/*	the engine's edits as libmilter calls, or as a new header list
/* SYNOPSIS
/*	#include "edits.h"
/*
/*	int	edits_milter_ops(const struct engine_header *hdrs,
/*		    size_t nheaders, const struct engine_result *res,
/*		    size_t hidden, struct edits_mop **ops, size_t *nops,
/*		    struct pm_error *err)
/*	int	edits_apply(const struct engine_header *hdrs, size_t nheaders,
/*		    const struct engine_result *res,
/*		    struct engine_header **out, size_t *nout)
/* DESCRIPTION
/*	Edits refer to positions in the original header list (engine.h).
/*	Pure: no libmilter here, the daemon makes the calls.
/*
/*	edits_milter_ops() orders and indexes them for libmilter, in a
/*	malloc'ed vector the caller frees (names and values point into res
/*	and hdrs): first every insert, top-down, as smfi_insheader(index):
/*	the index counts all headers from 0, including the hidden headers
/*	the MTA did not show (1 for Postfix's own Received), and each insert
/*	lands below the ones placed before it; then changes and deletes per
/*	name, bottom-up, so that no index is disturbed by an earlier delete,
/*	as smfi_chgheader(name, index, value) (value NULL: delete), the
/*	index being the 1-based occurrence of the name among the original
/*	headers down to this one plus the inserted headers of that name
/*	above it; then the adds, in order, as smfi_addheader(). One sort of
/*	the headers and inserts by name finds every occurrence: O(n log n)
/*	for a message with many headers.
/*
/*	edits_apply() computes the header list the edits produce, in a
/*	malloc'ed vector whose strings point into hdrs and res: what the
/*	offline tester prints.
/* DIAGNOSTICS
/*	edits_milter_ops() returns -1 and fills err when memory runs out or
/*	when the message has more headers than a libmilter index can count
/*	(INT_MAX). edits_apply() returns -1 when memory runs out.
/*--*/
#ifndef PM_EDITS_H
#define PM_EDITS_H

#include <stddef.h>

#include "engine.h"
#include "util.h"

enum edits_mop_kind {
	EDITS_MOP_CHGHEADER, /* smfi_chgheader(name, index, value) */
	EDITS_MOP_INSHEADER, /* smfi_insheader(index, name, value) */
	EDITS_MOP_ADDHEADER, /* smfi_addheader(name, value) */
};

struct edits_mop {
	enum edits_mop_kind kind;
	int index;
	const char *name;
	const char *value; /* NULL with CHGHEADER: delete */
};

int edits_milter_ops(const struct engine_header *, size_t nheaders,
    const struct engine_result *, size_t hidden, struct edits_mop **ops,
    size_t *nops, struct pm_error *);
int edits_apply(const struct engine_header *, size_t nheaders,
    const struct engine_result *, struct engine_header **out, size_t *nout);

#endif
