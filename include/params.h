/*++
/* NAME
/*	params 3h
/* SUMMARY
/*	the engine parameters of one message, from a snapshot and the
/*	session: one place for the milter and the offline tester
/* SYNOPSIS
/*	#include "params.h"
/* DESCRIPTION
/*	params_engine() fills ep for one message: the rules and key of the
/*	snapshot; with TLSHeader the TLS header name (forged copies are
/*	removed) and, unless the session is a local submission, the
/*	header value tls_format_header() renders into tlsval (replacing
/*	what it held); the authserv-id; trusted re-injection when
/*	{daemon_name} is listed in TrustedReinjection. The milter (at end
/*	of message) and the offline tester (--test-message) both call it,
/*	so the two cannot drift apart. ep points into snap, sess and
/*	tlsval: keep them alive while ep is used. Pure: no libmilter, no
/*	I/O.
/*
/*	params_trusted_reinjection() says whether the session's
/*	{daemon_name} is listed in TrustedReinjection.
/* DIAGNOSTICS
/*	params_engine() returns -1 when memory runs out (ep is then
/*	unusable), 0 otherwise.
/*--*/
#ifndef PM_PARAMS_H
#define PM_PARAMS_H

#include "engine.h"
#include "session.h"
#include "snapshot.h"
#include "util.h"

int params_engine(const struct snapshot *, const struct pm_session *,
    struct engine_params *, struct pm_buf *tlsval);
int params_trusted_reinjection(
    const struct config *, const struct pm_session *);

#endif
