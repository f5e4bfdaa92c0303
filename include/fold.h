/*++
/* NAME
/*	fold 3h
/* SUMMARY
/*	safe header values: the CR/LF/NUL rule and re-folding
/* SYNOPSIS
/*	#include "fold.h"
/*
/*	void	fold_scrub(struct pm_buf *b, size_t from)
/*	int	fold_value(size_t namelen, const char *value, size_t len,
/*		    struct pm_buf *out)
/* DESCRIPTION
/*	A header value the engine writes must never gain a line break the
/*	engine did not make itself: a CR or LF copied from a capture or from
/*	replacement text would start a new header (header injection: a Bcc:
/*	line, a forged Received), and a NUL would cut the value short on its
/*	way through the milter protocol. This module is the one place that
/*	decides which CR, LF and NUL bytes survive.
/*
/*	fold_scrub() runs on every expanded replacement text (which holds
/*	the captures), from offset from of b on. A fold of the original
/*	value that a capture carries ("\n" or "\r\n", then SP or TAB, with
/*	text that is not CR, LF or NUL on both sides: going back over SP
/*	and TAB from the break, b->s[0..from) included, and forward over the
/*	white space after it) stays a fold, written "\n", as Postfix keeps
/*	it; so a kept break always starts a continuation line with content.
/*	Every other CR, LF and NUL becomes a space.
/*
/*	fold_value() appends to out a safe, re-folded copy of a new value
/*	for a header whose name is namelen octets long (the value follows
/*	"Name:" on the first line). Folds ("\n" or "\r\n" followed by WSP)
/*	are kept as "\n" + WSP; every other CR, LF or NUL becomes a space.
/*	Trailing white space of each line is dropped and a line that would
/*	hold only white space disappears (RFC 5322 3.2.2); a value whose
/*	first line is only white space starts with one space and the next
/*	line's content. A line longer than 78 octets is folded at white
/*	space (the white space becomes "\n\t"); when no white space comes
/*	within 78 octets, at the first white space after it, as long as
/*	the line stays within 998 octets; only a token longer than that is
/*	split, by inserting "\n\t" inside it (without splitting a UTF-8
/*	sequence). An indentation of more than 78 octets keeps one WSP. An
/*	empty result is " ": libmilter and the MTAs treat an empty value as
/*	a deletion. Every value the engine writes goes through it.
/* DIAGNOSTICS
/*	fold_value() returns -1 when memory runs out (out may then hold
/*	part of the value).
/*--*/
#ifndef PM_FOLD_H
#define PM_FOLD_H

#include <stddef.h>

#include "util.h"

#define FOLD_SOFT 78 /* RFC 5322 2.1.1 SHOULD */
#define FOLD_HARD 998 /* RFC 5322 2.1.1 MUST */

void fold_scrub(struct pm_buf *, size_t from);
int fold_value(
    size_t namelen, const char *value, size_t len, struct pm_buf *out);

#endif
