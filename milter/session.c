/*++
/* NAME
/*	session 3
/* SUMMARY
/*	what the milter knows of the SMTP session
/* SYNOPSIS
/*	See include/session.h.
/* DESCRIPTION
/*	Implementation notes: session_set_macro() finds the table entry by
/*	its name without braces, so "{i}" and "i", "daemon_name" and
/*	"{daemon_name}" are the same macro.
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

static int set_addr(struct pm_session *, const char *);
static int set_port(struct pm_session *, const char *);
static int set_sender(struct pm_session *, const char *);

#define F(f) offsetof(struct pm_session, f)
#define AT_C SESSION_AT_CONNECT
#define AT_H SESSION_AT_HELO
#define AT_M SESSION_AT_MAIL
#define AT_E SESSION_AT_EOM

/* The macros the milter uses: see session.h. */
const struct session_macro session_macros[] = {
    {"{daemon_name}", AT_C, SESSION_CONN, F(daemon_name), NULL},
    {"{daemon_port}", AT_C, SESSION_CONN, F(daemon_port), NULL},
    {"{client_addr}", AT_C, SESSION_ADDR, SESSION_NO_FIELD, set_addr},
    {"{client_port}", AT_C, SESSION_ADDR, SESSION_NO_FIELD, set_port},
    {"{client_name}", 0, SESSION_CONN, F(client_name), NULL},
    {"j", AT_C, SESSION_CONN, F(own_host), NULL},
    {"helo", 0, SESSION_CONN, F(helo), NULL}, /* the HELO callback's */
    {"{tls_version}", AT_H | AT_M, SESSION_TLS, F(tls_version), NULL},
    {"{cipher}", AT_H | AT_M, SESSION_TLS, F(cipher), NULL},
    {"{cipher_bits}", AT_H | AT_M, SESSION_TLS, F(cipher_bits), NULL},
    {"{cert_subject}", AT_H | AT_M, SESSION_TLS, F(cert_subject), NULL},
    {"{cert_issuer}", AT_H | AT_M, SESSION_TLS, F(cert_issuer), NULL},
    {"{auth_authen}", AT_M, SESSION_MSG, F(auth_authen), NULL},
    {"{auth_type}", AT_M, SESSION_MSG, F(auth_type), NULL},
    {"{mail_addr}", AT_M, SESSION_MSG, F(sender), set_sender},
    {"i", AT_E, SESSION_MSG, F(queue_id), NULL},
    {NULL, 0, SESSION_CONN, 0, NULL},
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

/* clear_kinds - free the string fields of the kinds in mask */
static void
clear_kinds(struct pm_session *s, unsigned mask)
{
	const struct session_macro *m;

	for (m = session_macros; m->name != NULL; m++) {
		if (m->field == SESSION_NO_FIELD ||
		    (SESSION_KIND(m->kind) & mask) == 0)
			continue;
		free(*field(s, m->field));
		*field(s, m->field) = NULL;
	}
}

/* session_free - release strings */
void
session_free(struct pm_session *s)
{
	clear_kinds(s, ~0u); /* helo too: it is in the table */
}

/* session_reset_message - clear the per-message fields */
void
session_reset_message(struct pm_session *s)
{
	clear_kinds(s, SESSION_KIND(SESSION_MSG));
}

/* session_reset_tls - clear the TLS fields */
void
session_reset_tls(struct pm_session *s)
{
	clear_kinds(s, SESSION_KIND(SESSION_TLS));
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

/* set_addr - {client_addr}: parse the address */
static int
set_addr(struct pm_session *s, const char *value)
{
	return (session_set_addr(s, value));
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

/* bare - name without braces into buf; 0, or -1 when too long */
static int
bare(const char *name, char *buf, size_t size)
{
	size_t len = strlen(name);

	if (len >= 2 && name[0] == '{' && name[len - 1] == '}') {
		name++;
		len -= 2;
	}
	if (len >= size)
		return (-1);
	memcpy(buf, name, len);
	buf[len] = 0;
	return (0);
}

/* session_set_macro - store one macro by name */
int
session_set_macro(struct pm_session *s, const char *name, const char *value)
{
	const struct session_macro *m;
	char want[32], have[32];

	if (name == NULL || bare(name, want, sizeof(want)) < 0)
		return (0);
	for (m = session_macros; m->name != NULL; m++) {
		if (bare(m->name, have, sizeof(have)) < 0)
			continue;
		if (strcmp(want, have) != 0)
			continue;
		if (m->set != NULL)
			return (m->set(s, value));
		return (set_string(field(s, m->field), value));
	}
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
