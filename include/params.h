/*++
/* NAME
/*	params 3h
/* SUMMARY
/*	engine parameters for one message, as the milter builds them
/* SYNOPSIS
/*	#include "params.h"
/* DESCRIPTION
/*	snapshot_engine_params() fills the engine parameters for one
/*	message from a snapshot and the session: the rules and key of the
/*	snapshot; with TLSHeader the TLS header name (forged copies are
/*	removed) and, unless the session is a local submission, the
/*	header value rendered by tls_format_header() into tlsval; the
/*	authserv-id; trusted re-injection when {daemon_name} is listed in
/*	TrustedReinjection. The milter (at end of message) and the offline
/*	tester (--test-message) both call it, so the two cannot drift
/*	apart. ep points into snap, sess and tlsval: keep them alive
/*	while ep is used. Pure: no libmilter, no I/O.
/*
/*	snapshot_engine_params_tls() is the same; when tlsval_valid is
/*	non-zero, tlsval already holds what tls_format_header() rendered
/*	for this snapshot and the session's current TLS facts (the milter
/*	keeps it per connection) and is used as it is.
/*
/*	snapshot_trusted_reinjection() says whether the session's
/*	{daemon_name} is listed in TrustedReinjection.
/* DIAGNOSTICS
/*	snapshot_engine_params() returns -1 when memory runs out (ep is
/*	then unusable), 0 otherwise.
/*--*/
#ifndef PM_PARAMS_H
#define PM_PARAMS_H

#include "engine.h"
#include "session.h"
#include "snapshot.h"
#include "util.h"

int snapshot_engine_params(const struct snapshot *, const struct pm_session *,
    struct engine_params *, struct pm_buf *tlsval);
int snapshot_engine_params_tls(const struct snapshot *,
    const struct pm_session *, struct engine_params *, struct pm_buf *tlsval,
    int tlsval_valid);
int snapshot_trusted_reinjection(
    const struct config *, const struct pm_session *);

#endif
