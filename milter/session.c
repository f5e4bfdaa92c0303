/*++
/* NAME
/*	session 3
/* SUMMARY
/*	what the milter knows of the SMTP session
/* SYNOPSIS
/*	#include "session.h"
/*
/*	void	session_init(struct pm_session *s)
/*	void	session_free(struct pm_session *s)
/*	void	session_reset_message(struct pm_session *s)
/*	void	session_reset_tls(struct pm_session *s)
/*	int	session_set_client(struct pm_session *s, const char *hostname,
/*		    const struct sockaddr *sa)
/*	int	session_set_addr(struct pm_session *s, const char *addr)
/*	int	session_set_macro(struct pm_session *s, const char *name,
/*		    const char *value)
/*	int	session_is_authenticated(const struct pm_session *s)
/*	int	session_is_local(const struct pm_session *s)
/*	int	session_has_tls(const struct pm_session *s)
/*	const char *session_sender_domain(const struct pm_session *s)
/* DESCRIPTION
/*	session_init() empties every field and sets the port to -1
/*	(unknown). session_free() releases the strings.
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
/*	session_set_macro() stores one macro; the table macro_map[] says
/*	which name feeds which field. The sender ({mail_addr} or the MAIL
/*	FROM argument) is stored without its angle brackets; the null
/*	sender "<>" leaves it NULL.
/*
/*	session_is_local() is true for port 0 from 127.0.0.0/8, ::1 or no
/*	address at all: Postfix's emulated connection for a local
/*	submission.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "session.h"

/* Which macro feeds which string field. */
struct macro_map {
	const char *name; /* without braces */
	size_t offset; /* of a char * in struct pm_session */
	int message; /* 1: cleared per message */
	int tls; /* 1: cleared at each HELO */
};

#define FIELD(f) offsetof(struct pm_session, f)

static const struct macro_map macro_map[] = {
    {"daemon_name", FIELD(daemon_name), 0, 0},
    {"daemon_port", FIELD(daemon_port), 0, 0},
    {"client_name", FIELD(client_name), 0, 0},
    {"tls_version", FIELD(tls_version), 0, 1},
    {"cipher", FIELD(cipher), 0, 1},
    {"cipher_bits", FIELD(cipher_bits), 0, 1},
    {"cert_subject", FIELD(cert_subject), 0, 1},
    {"cert_issuer", FIELD(cert_issuer), 0, 1},
    {"auth_authen", FIELD(auth_authen), 1, 0},
    {"auth_type", FIELD(auth_type), 1, 0},
    {"mail_addr", FIELD(sender), 1, 0},
    {"i", FIELD(queue_id), 1, 0},
    {NULL, 0, 0, 0},
};

/* field - the char * slot at offset */
static char **
field(struct pm_session *s, size_t offset)
{
	return ((char **)((char *)s + offset));
}

/* session_init - all fields empty, port -1 */
void
session_init(struct pm_session *s)
{
	memset(s, 0, sizeof(*s));
	s->port = -1;
}

/* session_free - release strings */
void
session_free(struct pm_session *s)
{
	const struct macro_map *m;

	for (m = macro_map; m->name != NULL; m++) {
		free(*field(s, m->offset));
		*field(s, m->offset) = NULL;
	}
	free(s->helo);
	s->helo = NULL;
}

/* clear_where - free the fields selected by the message or tls flag */
static void
clear_where(struct pm_session *s, int message, int tls)
{
	const struct macro_map *m;

	for (m = macro_map; m->name != NULL; m++) {
		if ((message && m->message) || (tls && m->tls)) {
			free(*field(s, m->offset));
			*field(s, m->offset) = NULL;
		}
	}
}

/* session_reset_message - clear the per-message fields */
void
session_reset_message(struct pm_session *s)
{
	clear_where(s, 1, 0);
}

/* session_reset_tls - clear the TLS fields */
void
session_reset_tls(struct pm_session *s)
{
	clear_where(s, 0, 1);
}

/* clear_addr - forget the client address */
static void
clear_addr(struct pm_session *s)
{
	s->family = 0;
	memset(s->addr, 0, sizeof(s->addr));
	s->client_addr[0] = 0;
}

/* set_v4 - store an IPv4 address given in network byte order */
static void
set_v4(struct pm_session *s, const unsigned char *a4)
{
	s->family = AF_INET;
	memset(s->addr, 0, sizeof(s->addr));
	memcpy(s->addr, a4, 4);
	inet_ntop(AF_INET, a4, s->client_addr, sizeof(s->client_addr));
}

/* set_v6 - store an IPv6 address; a v4-mapped one becomes IPv4 */
static void
set_v6(struct pm_session *s, const unsigned char *a6)
{
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (memcmp(a6, mapped, sizeof(mapped)) == 0) {
		set_v4(s, a6 + 12);
		return;
	}
	s->family = AF_INET6;
	memcpy(s->addr, a6, 16);
	inet_ntop(AF_INET6, a6, s->client_addr, sizeof(s->client_addr));
}

/* set_string - replace a string field; empty or NULL clears */
static int
set_string(char **slot, const char *value)
{
	char *copy = NULL;

	if (value != NULL && *value != 0 && (copy = strdup(value)) == NULL) {
		free(*slot);
		*slot = NULL;
		return (-1);
	}
	free(*slot);
	*slot = copy;
	return (0);
}

/* session_set_client - from the connect callback */
int
session_set_client(
    struct pm_session *s, const char *hostname, const struct sockaddr *sa)
{
	int rc;

	rc = set_string(&s->client_name, hostname);
	clear_addr(s);
	s->port = -1;
	if (sa == NULL)
		return (rc);
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in sin;

		memcpy(&sin, sa, sizeof(sin));
		set_v4(s, (const unsigned char *)&sin.sin_addr);
		s->port = ntohs(sin.sin_port);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 sin6;

		memcpy(&sin6, sa, sizeof(sin6));
		set_v6(s, sin6.sin6_addr.s6_addr);
		s->port = ntohs(sin6.sin6_port);
	}
	return (rc);
}

/* session_set_addr - parse a textual IPv4/IPv6 address */
int
session_set_addr(struct pm_session *s, const char *addr)
{
	unsigned char buf[16];
	char tmp[64];
	size_t len;

	clear_addr(s);
	if (addr == NULL || *addr == 0)
		return (0);
	len = strlen(addr);
	if (addr[0] == '[' && len >= 2 && addr[len - 1] == ']') {
		addr++;
		len -= 2;
	}
	if (len >= 5 && strncasecmp(addr, "IPv6:", 5) == 0) {
		addr += 5;
		len -= 5;
	}
	if (len >= sizeof(tmp))
		return (-1);
	memcpy(tmp, addr, len);
	tmp[len] = 0;
	if (inet_pton(AF_INET, tmp, buf) == 1) {
		set_v4(s, buf);
		return (0);
	}
	if (inet_pton(AF_INET6, tmp, buf) == 1) {
		set_v6(s, buf);
		return (0);
	}
	return (-1);
}

/* set_port - parse a decimal port; empty clears */
static int
set_port(struct pm_session *s, const char *value)
{
	char *end;
	long port;

	if (value == NULL || *value == 0) {
		s->port = -1;
		return (0);
	}
	port = strtol(value, &end, 10);
	if (*end != 0 || port < 0 || port > 65535 || end == value) {
		s->port = -1;
		return (-1);
	}
	s->port = (int)port;
	return (0);
}

/* set_sender - store the address without angle brackets */
static int
set_sender(struct pm_session *s, const char *value)
{
	size_t len;
	char *copy;

	free(s->sender);
	s->sender = NULL;
	if (value == NULL)
		return (0);
	len = strlen(value);
	if (len >= 2 && value[0] == '<' && value[len - 1] == '>') {
		value++;
		len -= 2;
	}
	if (len == 0)
		return (0);
	if ((copy = strndup(value, len)) == NULL)
		return (-1);
	s->sender = copy;
	return (0);
}

/* session_set_macro - store one macro by name */
int
session_set_macro(struct pm_session *s, const char *name, const char *value)
{
	const struct macro_map *m;
	size_t len;
	char bare[32];

	if (name == NULL)
		return (0);
	len = strlen(name);
	if (len >= 2 && name[0] == '{' && name[len - 1] == '}') {
		name++;
		len -= 2;
	}
	if (len >= sizeof(bare))
		return (0);
	memcpy(bare, name, len);
	bare[len] = 0;

	if (strcmp(bare, "client_addr") == 0)
		return (session_set_addr(s, value));
	if (strcmp(bare, "client_port") == 0)
		return (set_port(s, value));
	if (strcmp(bare, "mail_addr") == 0)
		return (set_sender(s, value));
	for (m = macro_map; m->name != NULL; m++)
		if (strcmp(bare, m->name) == 0)
			return (set_string(field(s, m->offset), value));
	return (0);
}

/* session_is_authenticated - the MTA sent {auth_authen} */
int
session_is_authenticated(const struct pm_session *s)
{
	return (s->auth_authen != NULL && *s->auth_authen != 0);
}

/* session_is_local - Postfix's emulated connection: port 0, loopback */
int
session_is_local(const struct pm_session *s)
{
	static const unsigned char v6_loopback[16] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

	if (s->port != 0)
		return (0);
	switch (s->family) {
	case 0:
		return (1);
	case AF_INET:
		return (s->addr[0] == 127);
	case AF_INET6:
		return (memcmp(s->addr, v6_loopback, 16) == 0);
	default:
		return (0);
	}
}

/* session_has_tls - the MTA sent {tls_version} */
int
session_has_tls(const struct pm_session *s)
{
	return (s->tls_version != NULL && *s->tls_version != 0);
}

/* session_sender_domain - text after the last '@' of the sender */
const char *
session_sender_domain(const struct pm_session *s)
{
	const char *at;

	if (s->sender == NULL || (at = strrchr(s->sender, '@')) == NULL ||
	    at[1] == 0)
		return (NULL);
	return (at + 1);
}
