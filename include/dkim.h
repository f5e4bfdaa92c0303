/*++
/* NAME
/*	dkim 3h
/* SUMMARY
/*	the header names that DKIM signatures of a message cover
/* SYNOPSIS
/*	#include "dkim.h"
/*
/*	int	dkim_collect(struct dkim_signed *ds,
/*		    const struct engine_header *hdrs, size_t n)
/*	int	dkim_is_signed(const struct dkim_signed *ds, const char *name)
/*	void	dkim_free(struct dkim_signed *ds)
/* DESCRIPTION
/*	A header named in the h= tag of a DKIM-Signature already present is
/*	one a later verifier will hash: the engine does not change it unless
/*	the rule says "force".
/*
/*	dkim_collect() reads every DKIM-Signature among hdrs (a zeroed
/*	struct dkim_signed to start) and keeps the names of their h= tags.
/*	RFC 6376 3.2: tag-list = tag-spec *( ";" tag-spec ) [ ";" ];
/*	tag-spec = [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]; tag names
/*	are case-sensitive; h= is a ':'-separated list of header names, FWS
/*	allowed around each. A malformed tag is skipped, not fatal: a broken
/*	signature costs nothing to honour.
/*
/*	dkim_is_signed() says whether name (any case) is in some h= tag.
/*	dkim_free() releases the names.
/* DIAGNOSTICS
/*	dkim_collect() returns -1 when memory runs out.
/*--*/
#ifndef PM_DKIM_H
#define PM_DKIM_H

#include <stddef.h>

struct engine_header;

struct dkim_signed {
	char **names; /* sorted, case-insensitively */
	size_t n;
	size_t cap;
};

int dkim_collect(struct dkim_signed *, const struct engine_header *, size_t);
int dkim_is_signed(const struct dkim_signed *, const char *name);
void dkim_free(struct dkim_signed *);

#endif
