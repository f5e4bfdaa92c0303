/*++
/* NAME
/*	params 3
/* SUMMARY
/*	engine parameters for one message, as the milter builds them
/* SYNOPSIS
/*	#include "params.h"
/*
/*	int	snapshot_engine_params(snap, sess, ep, tlsval)
/*
/*	int	snapshot_engine_params_tls(snap, sess, ep, tlsval, tlsval_valid)
/*	const struct snapshot *snap;
/*	const struct pm_session *sess;
/*	struct engine_params *ep;
/*	struct pm_buf *tlsval;
/*
/*	int	snapshot_trusted_reinjection(conf, sess)
/*	const struct config *conf;
/*	const struct pm_session *sess;
/* DESCRIPTION
/*	See include/params.h. One place decides what the engine is given,
/*	shared by the milter's end-of-message callback and the offline
/*	tester.
/*--*/
#include <string.h>

#include "params.h"
#include "tls.h"

/* snapshot_trusted_reinjection - {daemon_name} listed in TrustedReinjection */
int
snapshot_trusted_reinjection(
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

/* snapshot_engine_params - fill ep for one message */
int
snapshot_engine_params(const struct snapshot *snap,
    const struct pm_session *sess, struct engine_params *ep,
    struct pm_buf *tlsval)
{
	return (snapshot_engine_params_tls(snap, sess, ep, tlsval, 0));
}

/* snapshot_engine_params_tls - the same, reusing a rendered TLS value */
int
snapshot_engine_params_tls(const struct snapshot *snap,
    const struct pm_session *sess, struct engine_params *ep,
    struct pm_buf *tlsval, int tlsval_valid)
{
	memset(ep, 0, sizeof(*ep));
	ep->rules = snap->rules;
	ep->session = sess;
	ep->key = snap->key;
	ep->authserv_id = snap->authserv_id;
	ep->trusted_reinjection =
	    snapshot_trusted_reinjection(snap->conf, sess);
	if (snap->conf->tls_header) {
		ep->tls_header_name = snap->conf->tls_header_name;
		if (!session_is_local(sess)) {
			if (!tlsval_valid || tlsval->s == NULL) {
				pm_buf_reset(tlsval);
				if (tls_format_header(sess,
				        (enum tls_format)
				            snap->conf->tls_header_format,
				        snap->authserv_id, tlsval) < 0)
					return (-1);
			}
			ep->tls_header_value = tlsval->s;
		}
	}
	return (0);
}
