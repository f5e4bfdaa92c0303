/*++
/* NAME
/*	params 3
/* SUMMARY
/*	the engine parameters of one message
/* SYNOPSIS
/*	See include/params.h.
/* DESCRIPTION
/*	Implementation notes: the TLS header value is rendered for every
/*	message. Keeping it per connection saved 5 % of the child's
/*	instructions with ten messages per connection and nothing end to
/*	end (the milter runs at 1.0x an optimised no-op through Postfix:
/*	the protocol is the ceiling), so it went (BENCHMARKS.md).
/*--*/
#include <string.h>

#include "params.h"
#include "tls.h"

/* params_trusted_reinjection - {daemon_name} listed in TrustedReinjection */
int
params_trusted_reinjection(
    const struct config *conf, const struct pm_session *sess)
{
	size_t i;

	if (sess->daemon_name == NULL)
		return (0);
	for (i = 0; i < conf->ntrusted_reinjection; i++)
		if (strcmp(conf->trusted_reinjection[i], sess->daemon_name) ==
		    0)
			return (1);
	return (0);
}

/* params_engine - fill ep for one message */
int
params_engine(const struct snapshot *snap, const struct pm_session *sess,
    struct engine_params *ep, struct pm_buf *tlsval)
{
	memset(ep, 0, sizeof(*ep));
	ep->rules = snap->rules;
	ep->session = sess;
	ep->key = snap->key;
	ep->authserv_id = snap->authserv_id;
	ep->own_host = sess->own_host;
	ep->trusted_reinjection = params_trusted_reinjection(snap->conf, sess);
	if (!snap->conf->tls_header)
		return (0);
	ep->tls_header_name = snap->conf->tls_header_name;
	if (session_is_local(sess))
		return (0);
	pm_buf_reset(tlsval);
	if (tls_format_header(sess,
	        (enum tls_format)snap->conf->tls_header_format,
	        snap->authserv_id, tlsval) < 0)
		return (-1);
	ep->tls_header_value = tlsval->s;
	return (0);
}
