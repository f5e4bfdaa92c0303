/*++
/* NAME
/*	tester 3h
/* SUMMARY
/*	privacy-milter --test-message: the engine on a message from a file
/* SYNOPSIS
/*	#include "tester.h"
/*
/*	int	tester_run(const struct snapshot *snap, const char *file,
/*		    const char *const *macros, size_t nmacros,
/*		    int hide_first_received, FILE *out, FILE *err)
/*	int	tester_read(const char *file, struct pm_buf *b, FILE *err)
/*	int	tester_session(struct pm_session *sess,
/*		    const char *const *macros, size_t nmacros, FILE *err)
/* DESCRIPTION
/*	The command-line front end of the offline tester; part of the
/*	privacy-milter program, not of the pure core (it prints and picks
/*	exit codes).
/*
/*	tester_run() reads file ("-": standard input; any size that fits
/*	in memory) with msgparse_parse(), fills a session from macros
/*	("NAME=VALUE", see session_set_macro()), builds the engine
/*	parameters as the milter does at end of message, with
/*	params_engine(), and runs the engine. With
/*	hide_first_received the topmost Received header is not shown to
/*	the engine (as Postfix and Sendmail hide their own) but is printed
/*	in its place.
/*
/*	The rewritten message goes to out. Headers the engine did not touch
/*	are printed byte for byte as read; new and changed headers are
/*	written "Name:value" with each fold ending in the input's line
/*	ending style; the body is copied unchanged. To err goes one line
/*	per edit, in message order:
/*
/*	    privacy-milter: remove User-Agent #1 (rules/default.rules:103 remove)
/*	    privacy-milter: change Received #2 (rules/default.rules:53 redact,
/*	        rules/default.rules:92 redact)	(one line)
/*	    privacy-milter: insert X-TLS-Info (tls-header)
/*	    privacy-milter: add X-Foo (rules/x.rules:3 add)
/*
/*	The parenthesis names every rule that made the edit, in evaluation
/*	order, separated by ", ": for a change, each rule of a continue
/*	chain that changed the value (see engine.h). "#N" counts the
/*	headers of that name from the top of the message as read (the
/*	hidden Received included), so it names the header in the input
/*	file. Notes read "log Name #N (...)", "log-only remove Name #N
/*	(...)" (the edit a log-only rule would make) and "dkim-skip change
/*	Name #N (...)" (not changed: the header is DKIM-signed). With DryRun
/*	the message is printed unchanged and every edit line starts with
/*	"would ".
/*
/*	tester_read() reads a whole file ("-": standard input) into b;
/*	tester_session() fills a session from "NAME=VALUE" macros. The
/*	audit (audit.h) reads and describes sessions the same way.
/* DIAGNOSTICS
/*	tester_read() returns EX_NOINPUT (reported on err) when the file
/*	cannot be read, tester_session() EX_USAGE for a bad macro; both
/*	0 otherwise. tester_run() returns 0; EX_NOINPUT when the file cannot be read;
/*	EX_USAGE for a macro that the session refuses; EX_TEMPFAIL when
/*	the engine fails and OnError is tempfail (nothing is printed to
/*	out); EX_IOERR when out cannot be written; EX_OSERR when memory
/*	runs out. Engine errors are printed as "privacy-milter: FILE:LINE:
/*	reason"; with OnError=accept the message is printed unchanged and
/*	err says so.
/*--*/
#ifndef PM_TESTER_H
#define PM_TESTER_H

#include <stddef.h>
#include <stdio.h>

#include "session.h"
#include "snapshot.h"
#include "util.h"

int tester_run(const struct snapshot *, const char *file,
    const char *const *macros, size_t nmacros, int hide_first_received,
    FILE *out, FILE *err);
int tester_read(const char *file, struct pm_buf *, FILE *err);
int tester_session(
    struct pm_session *, const char *const *macros, size_t nmacros, FILE *err);

#endif
