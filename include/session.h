/*++
/* NAME
/*	session 3h
/* SUMMARY
/*	what the milter knows of the SMTP session (pure data, no libmilter)
/* SYNOPSIS
/*	#include "session.h"
/* DESCRIPTION
/*	struct pm_session carries the facts that rule conditions and the
/*	TLS header use. The libmilter glue fills it from the connect
/*	callback and from macros; the offline tester fills it from
/*	--macro NAME=VALUE. Both go through session_set_macro(), so one
/*	table says which macro feeds which field.
/*
/*	Connection facts (client, daemon, TLS) live as long as the
/*	connection; message facts (auth, sender, queue id) are cleared
/*	by session_reset_message() at the start of each message.
/*
/*	session_set_macro() accepts names with or without braces
/*	("{auth_authen}" or "auth_authen") plus the pseudo-macros
/*	"client_addr", "client_port" and "client_name" (the offline
/*	tester's way to say what the connect callback would). An empty
/*	value clears the field. Unknown names are ignored (return 0).
/*
/*	session_is_local() is true for Postfix's emulated connection of
/*	a local submission (sendmail/pickup via non_smtpd_milters): port 0
/*	from a loopback address (or no address at all). Inbound SMTP from
/*	loopback has a real port. See DESIGN §8.
/*--*/
#ifndef PM_SESSION_H
#define PM_SESSION_H

#include <stddef.h>

struct sockaddr;

struct pm_session {
	/* Connection. */
	int family; /* AF_INET, AF_INET6, or 0: unknown */
	unsigned char addr[16]; /* network byte order */
	int port; /* -1: unknown; 0: Postfix local */
	char client_addr[64]; /* text form, "" when unknown */
	char *client_name; /* connect hostname */
	char *helo;
	char *daemon_name; /* {daemon_name} */
	char *daemon_port; /* {daemon_port} (Postfix >= 3.2) */
	char *tls_version; /* {tls_version}, NULL: no TLS */
	char *cipher; /* {cipher} */
	char *cipher_bits; /* {cipher_bits} */
	char *cert_subject; /* {cert_subject}: never written out */
	char *cert_issuer; /* {cert_issuer} */
	/* Message. */
	char *auth_authen; /* {auth_authen}, NULL: not authenticated */
	char *auth_type; /* {auth_type} */
	char *sender; /* {mail_addr} or MAIL FROM argument */
	char *queue_id; /* {i} */
};

/* session_init - all fields empty, port -1 */
void session_init(struct pm_session *);

/* session_free - release strings; the struct may be reused after init */
void session_free(struct pm_session *);

/* session_reset_message - clear the per-message fields */
void session_reset_message(struct pm_session *);

/* session_reset_tls - clear TLS fields (at each HELO, before re-reading) */
void session_reset_tls(struct pm_session *);

/* session_set_client - from the connect callback; sa may be NULL */
int session_set_client(
    struct pm_session *, const char *hostname, const struct sockaddr *sa);

/* session_set_addr - parse a textual IPv4/IPv6 address; -1 if invalid */
int session_set_addr(struct pm_session *, const char *addr);

/* session_set_macro - store one macro by name (see DESCRIPTION) */
int session_set_macro(struct pm_session *, const char *name, const char *value);

int session_is_authenticated(const struct pm_session *);
int session_is_local(const struct pm_session *);
int session_has_tls(const struct pm_session *);

/* session_sender_domain - domain part of the sender, or NULL */
const char *session_sender_domain(const struct pm_session *);

#endif
