/*++
/* NAME
/*	testmsg 3h
/* SUMMARY
/*	offline tester: run the engine on a message read from a file
/* SYNOPSIS
/*	#include "testmsg.h"
/* DESCRIPTION
/*	testmsg_parse() splits an RFC 5322 message (LF or CRLF line ends)
/*	into its header list, values kept as a milter sees them with
/*	SMFIP_HDR_LEADSPC (text after the colon, folds joined by "\n"),
/*	and the body. It never fails on bad input: a line that is not a
/*	header ends the header section, as in Postfix. Pure; fuzzed.
/*
/*	testmsg_run() reads FILE ("-": stdin), fills a session from the
/*	--macro NAME=VALUE list, runs the engine exactly as the milter
/*	does at end of message and writes the rewritten message to out;
/*	to err one line per edit naming the rule (file:line) that made it.
/*	With hide_first_received the topmost Received is not shown to the
/*	engine (as Postfix and Sendmail hide their own) but is printed.
/*	Returns 0, or an exit status (EX_DATAERR, EX_NOINPUT, ...).
/*--*/
#ifndef PM_TESTMSG_H
#define PM_TESTMSG_H

#include <stddef.h>
#include <stdio.h>

#include "engine.h"
#include "snapshot.h"

struct testmsg {
	struct engine_header *hdrs; /* names and values are allocated */
	size_t nhdrs;
	const char *body; /* points into the input */
	size_t bodylen;
	int crlf; /* input used CRLF line ends */
};

int testmsg_parse(const char *buf, size_t len, struct testmsg *);
void testmsg_free(struct testmsg *);
int testmsg_run(const struct snapshot *, const char *file,
    const char *const *macros, size_t nmacros, int hide_first_received,
    FILE *out, FILE *err);

#endif
