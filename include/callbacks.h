/*++
/* NAME
/*	callbacks 3h
/* SUMMARY
/*	libmilter callbacks: collect the session, run the engine once per
/*	message, apply its edits
/* SYNOPSIS
/*	#include "callbacks.h"
/* DESCRIPTION
/*	The callbacks collect what the engine needs and run it once per
/*	message:
/* .IP negotiate
/*	asks for the actions used (SMFIF_CHGHDRS, SMFIF_ADDHDRS, and
/*	SMFIF_SETSYMLIST when offered), switches off the steps not used
/*	(RCPT, DATA, EOH, body, unknown commands) and the replies the MTA
/*	need not wait for (connect, HELO, MAIL, each header) when the MTA
/*	offers that, and SMFIP_HDR_LEADSPC so header values arrive exactly.
/*	With SMFIF_SETSYMLIST it names the macros wanted at each stage
/*	(session.h's macro table), so the milter does not depend on the
/*	MTA's macro defaults; the TLS macros are asked for at MAIL too, so
/*	a client that skips the EHLO after STARTTLS is still tagged.
/* .IP connect
/*	client address and port from the socket address libmilter gives
/*	(Postfix does not send {client_addr} by default; a local
/*	submission is 127.0.0.1 port 0), and the connect macros.
/* .IP HELO
/*	the HELO name and the TLS macros, re-read at every HELO/EHLO: the
/*	EHLO after STARTTLS brings them.
/* .IP MAIL
/*	starts a message: the MAIL macros ({auth_authen}, {auth_type},
/*	{mail_addr}, or the MAIL FROM argument), and the TLS macros when
/*	the MTA sends them there.
/* .IP header
/*	keeps every header, name and value, in order.
/* .IP "end of message"
/*	reads the queue id {i}, takes a reference to the current snapshot
/*	under the lock the reload swaps under, builds the engine parameters
/*	with params_engine() (shared with --test-message), runs
/*	engine_run() once and applies engine_milter_ops() with
/*	smfi_chgheader(), smfi_insheader() and smfi_addheader(). With
/*	DryRun the edits are logged, not made. One log line per message
/*	(LOG_INFO): queue id, edit counts, rule ids (file:line: every
/*	rule that made an edit, each rule of a continue chain included,
/*	or a note; each once, in evaluation order), TLS summary; never a
/*	header value.
/* .IP "abort, close"
/*	free the message, the connection.
/* .PP
/*	The counters (stats.h), given with cb_stats() before the first
/*	session: at end of message, whatever the outcome, the message by
/*	scope, its rule hits, leaks found, DKIM skips, the edits that
/*	reached the MTA and the time end of message took (from its start
/*	to the last edit sent); each decision of the fail policy by cause;
/*	each SMTP session that said HELO or EHLO when it ends (close, or a
/*	new connect on the same milter connection), by TLS version and
/*	cipher: a client that connects and leaves without a word (a port
/*	probe, a scanner) is no session of a user.
/* .PP
/*	cb_register() registers the callbacks with libmilter, with the
/*	timeout and packet limit of conf.
/*
/*	cb_install() makes snap the current snapshot (it takes the
/*	caller's reference), numbers it with the next generation and
/*	returns that number; the previous snapshot is released when its
/*	last message is done. cb_install(NULL) releases the current one
/*	(at exit). cb_current() returns a new reference to the current
/*	snapshot (NULL before the first). cb_generation_counter() makes
/*	generations count in *counter (shared memory: numbers go on across
/*	child restarts). cb_messages() is the number of messages in
/*	progress (between MAIL and end of message or abort).
/* DIAGNOSTICS
/*	Fail policy (OnError): when the engine fails (match limit, missing
/*	key), memory runs out, or the MTA refuses an edit, the message is
/*	refused with 451 4.7.0 (tempfail, the default) or passed unchanged
/*	(accept); the reason is logged with the rule's file:line.
/*	cb_register() logs and returns -1 when libmilter refuses.
/*--*/
#ifndef PM_CALLBACKS_H
#define PM_CALLBACKS_H

#include <stdatomic.h>

#include "config.h"
#include "snapshot.h"
#include "stats.h"

int cb_register(const struct config *);
unsigned long cb_install(struct snapshot *);
struct snapshot *cb_current(void);
void cb_generation_counter(atomic_ulong *);
unsigned cb_messages(void);
void cb_stats(struct stats *);

#endif
