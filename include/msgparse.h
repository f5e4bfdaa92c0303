/*++
/* NAME
/*	msgparse 3h
/* SUMMARY
/*	an RFC 5322 message from a file: header list and body
/* SYNOPSIS
/*	#include "msgparse.h"
/*
/*	int	msgparse_parse(const char *buf, size_t len, struct msgparse *m)
/*	void	msgparse_free(struct msgparse *m)
/* DESCRIPTION
/*	msgparse_parse() splits a message (LF or CRLF line ends) into its
/*	header list, as a milter sees it with SMFIP_HDR_LEADSPC, and its
/*	body. Pure; fuzzed; what --test-message reads (and what a tool that
/*	reads stored mail would).
/*
/*	Lines end at LF; a CR before the LF is part of the line end (the
/*	message is flagged crlf when its first line ends in CRLF); a bare
/*	CR elsewhere is an ordinary byte. A header line is "Name: value"
/*	where Name is one or more printable ASCII characters other than
/*	':' (white space between Name and ':' is tolerated, as in Postfix);
/*	the value is the text after the colon exactly, leading white space
/*	included. A line that starts with SP or TAB continues the previous
/*	header: it is joined with "\n", its own leading white space kept.
/*	The header section ends at the first empty line (m->sep, which
/*	belongs to neither part) or at the first line that is neither a
/*	header nor a continuation; that line is the first line of the body,
/*	as Postfix does it. A NUL byte inside a header value is shown as a
/*	space (the milter protocol carries C strings). A leading mbox
/*	"From " line is dropped, as Postfix's sendmail(1) does.
/*
/*	m->spans[i] is where header i was read (its lines with their line
/*	ends), so that a header nobody changed can be written back byte for
/*	byte. Names and values are allocated; spans, sep and body point
/*	into buf, which must outlive m.
/*
/*	msgparse_free() releases what msgparse_parse() allocated; the
/*	struct may be parsed into again.
/* DIAGNOSTICS
/*	msgparse_parse() never fails on content; it returns -1 only when
/*	memory runs out (m is then empty).
/*--*/
#ifndef PM_MSGPARSE_H
#define PM_MSGPARSE_H

#include <stddef.h>

#include "engine.h"

struct msgparse_span {
	const char *start; /* first byte of the header's first line */
	size_t len; /* through the line end of its last line */
};

struct msgparse {
	struct engine_header *hdrs; /* names and values are allocated */
	struct msgparse_span *spans; /* one per header */
	size_t nhdrs;
	size_t cap;
	const char *sep; /* the empty line ending the headers */
	size_t seplen; /* 0: no empty line */
	const char *body; /* points into the input */
	size_t bodylen;
	int crlf; /* input used CRLF line ends */
};

int msgparse_parse(const char *buf, size_t len, struct msgparse *);
void msgparse_free(struct msgparse *);

#endif
