/*++
/* NAME
/*	audit 3h
/* SUMMARY
/*	privacy-milter --audit: what the rules do to a sample of mail, and
/*	what would still leak
/* SYNOPSIS
/*	#include "audit.h"
/*
/*	int	audit_run(const struct snapshot *snap,
/*		    const struct audit_opts *opts, FILE *out, FILE *err)
/* DESCRIPTION
/*	The command-line front end of the audit; part of the privacy-milter
/*	program, not of the pure core (it reads files, prints and picks
/*	exit codes).
/*
/*	audit_run() reads every message of opts->paths: a file that starts
/*	with "From " is an mbox (messages split at its "From " lines); a
/*	directory with cur/ or new/ is a maildir (the files of both); any
/*	other directory holds one message per regular file (.eml files),
/*	in name order; any other file, or "-" (standard input), is one
/*	message. Each message runs through the engine as the milter runs it
/*	at end of message, under the session that opts->macros describe
/*	(as --test-message's --macro); without macros, an authenticated
/*	submission from an unknown client, so the rules are in scope.
/*	opts->hide_first_received hides the topmost Received from the
/*	engine, as the MTA hides its own.
/*
/*	Then the headers the rules leave are searched for what would still
/*	leak, with the detectors of detect.h: the session's values (when
/*	the macros give them), address literals, local hops, private and
/*	dynamic host names, accounts, and product tokens in headers no rule
/*	acted on. Headers the rules treat as the user's own content are not
/*	searched: the "except" list of the rule set's last rule that finds
/*	addresses (rules_detect_except()), or, without one, From, To, Cc,
/*	Bcc, Reply-To, Sender, Subject, Date, Message-ID, References,
/*	In-Reply-To, Content-*, MIME-Version, List-*, Resent-*,
/*	Return-Path, DKIM-Signature, ARC-* and Autocrypt. Forwarded mail
/*	(engine.h: engine_forwarded()) and mail out of the session's scope
/*	(not authenticated nor local) are counted apart and not searched:
/*	the rules leave them alone by design.
/*
/*	A header that would leak but that the rules left alone because a
/*	DKIM signature covers it (the engine's dkim-skip; a rule with
/*	"force" would edit it) is counted as signed, not as leaking: the
/*	rules chose to keep it.
/*
/*	Output: a table, one line per header name, most frequent first:
/*	messages that carry it, messages in which a rule changed it,
/*	removed it, in which it still leaks, and in which it would leak but
/*	is DKIM-signed (with the kinds found); then the totals. Counts only: with opts->values the parts found are
/*	listed too (they are personal data: use with care). opts->json
/*	writes the same as one JSON object. With opts->progress a line on
/*	err every second tells how far the audit is.
/* DIAGNOSTICS
/*	audit_run() returns 0 when no in-scope message leaks, 1 when some
/*	does (so a mail admin's CI can run it), EX_NOINPUT when a path
/*	cannot be read, EX_USAGE for a bad macro, EX_SOFTWARE when the
/*	engine fails on a message (the message is named), EX_OSERR when
/*	memory runs out; problems go to err.
/*--*/
#ifndef PM_AUDIT_H
#define PM_AUDIT_H

#include <stddef.h>
#include <stdio.h>

#include "snapshot.h"

struct audit_opts {
	const char *const *paths;
	size_t npaths;
	const char *const *macros; /* NAME=VALUE, as --macro */
	size_t nmacros;
	int hide_first_received;
	int values; /* list what still leaks (personal data) */
	int json;
	int progress;
};

int audit_run(
    const struct snapshot *, const struct audit_opts *, FILE *out, FILE *err);

#endif
