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
/*	--macro NAME=VALUE. Both go through session_set_macro().
/*
/*	session_macros[] is the one table of the macros the milter uses:
/*	each macro's name as the MTA writes it, the stages at which the
/*	milter asks for it (SMFIF_SETSYMLIST) and reads it, its kind (when
/*	it is cleared), and the field it feeds (or the parser that stores
/*	it). The callbacks, the macro lists sent to the MTA and the
/*	tester's --macro all read it; a new session fact is a field in
/*	struct pm_session and one line in the table. The kinds:
/* .IP SESSION_CONN
/*	a fact of the connection, kept until it ends.
/* .IP SESSION_ADDR
/*	the client address and port: read only when the connect event
/*	gave no socket address (Postfix sends none by default).
/* .IP SESSION_TLS
/*	cleared at each HELO/EHLO and read again (the EHLO after STARTTLS
/*	brings them); at MAIL read again only when {tls_version} comes
/*	(a client that skipped the second EHLO).
/* .IP SESSION_MSG
/*	cleared at the start of each message.
/* .PP
/*	session_init() empties every field and sets the port to -1
/*	(unknown). session_free() releases the strings; the struct may be
/*	reused after session_init(). session_reset_message() and
/*	session_reset_tls() clear the fields of kind SESSION_MSG and
/*	SESSION_TLS.
/*
/*	session_set_client() records the connect callback's host name and
/*	socket address: AF_INET and AF_INET6 with their port; an
/*	IPv4-mapped IPv6 address (::ffff:a.b.c.d) is stored as IPv4;
/*	AF_UNIX, other families and NULL leave the family 0 (unknown) and
/*	the port -1.
/*
/*	session_set_addr() parses a textual address (the offline tester's
/*	client_addr); it accepts IPv6 in brackets and the "IPv6:" prefix.
/*
/*	session_set_macro() stores one macro of the table, named with or
/*	without braces ("{auth_authen}" or "auth_authen"; also the
/*	tester's pseudo-macros client_addr, client_port, client_name and
/*	helo, what the connect and HELO callbacks give the milter).
/*	An empty value clears the field; unknown names are ignored (0).
/*	The sender ({mail_addr} or the MAIL FROM argument) is stored
/*	without its angle brackets; the null sender "<>" leaves it NULL.
/*
/*	session_is_authenticated() is true when {auth_authen} was sent.
/*	session_is_local() is true for Postfix's emulated connection of
/*	a local submission (sendmail/pickup via non_smtpd_milters): port 0
/*	from a loopback address (or no address at all). Inbound SMTP from
/*	loopback has a real port. See DESIGN §8. session_has_tls() is true
/*	when {tls_version} was sent.
/*
/*	session_sender_domain() returns the text after the last '@' of the
/*	sender, as given (not lower-cased: callers compare it with
/*	strcasecmp()), or NULL for no sender, the null sender or an address
/*	without a domain.
/* DIAGNOSTICS
/*	session_set_client(), session_set_addr() and session_set_macro()
/*	return -1 on a bad address or when memory is exhausted; the field
/*	is then left empty.
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
	char *own_host; /* {j}: the MTA's own name */
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

/* Stages at which a macro is asked for and read (bits). */
#define SESSION_AT_CONNECT 0x1
#define SESSION_AT_HELO 0x2
#define SESSION_AT_MAIL 0x4
#define SESSION_AT_EOM 0x8

enum session_kind {
	SESSION_CONN,
	SESSION_ADDR,
	SESSION_TLS,
	SESSION_MSG,
};

#define SESSION_KIND(k) (1u << (k)) /* for masks of kinds */
#define SESSION_NO_FIELD ((size_t)-1)

struct session_macro {
	const char *name; /* as the MTA writes it: "{daemon_name}", "i" */
	unsigned at; /* SESSION_AT_*: asked for and read there; 0: tester */
	enum session_kind kind;
	size_t field; /* offset of a char * in struct pm_session */
	int (*set)(struct pm_session *, const char *); /* NULL: the string */
};

extern const struct session_macro session_macros[]; /* name NULL: end */

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
