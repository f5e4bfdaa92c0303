/*++
/* NAME
/*	fuzz_tls 1
/* SUMMARY
/*	libFuzzer target: the TLS header formatter
/* SYNOPSIS
/*	fuzz_tls [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	The input is up to eight values separated by NUL bytes, in order:
/*	{tls_version}, {cipher}, {cipher_bits}, {cert_subject},
/*	{cert_issuer}, {daemon_name}, the authserv-id, and a value for
/*	tls_header_authserv_id(). Each macro goes through
/*	session_set_macro() (an absent one is not set; an empty one
/*	clears), then tls_format_header() renders both formats.
/*
/*	Invariants: the header is one line of printable ASCII (space and
/*	tab allowed, no control character, no CR or LF) starting with a
/*	space; the certificate subject is never written (the header
/*	holds the subject's text no more often than the header of the same
/*	session with another subject does); tls_header_authserv_id() of the rendered value stays
/*	inside its buffer; tls_cipher_lookup() of the cipher returns a
/*	printable IANA name or 0.
/*--*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "session.h"
#include "tls.h"
#include "util.h"

#define NFIELDS 8

static const char *const macro_names[] = {
    "{tls_version}",
    "{cipher}",
    "{cipher_bits}",
    "{cert_subject}",
    "{cert_issuer}",
    "{daemon_name}",
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tls_init();
	return (0);
}

/* check_header - one printable line with a leading space */
static void
check_header(const struct pm_buf *b)
{
	size_t i;

	FUZZ_ASSERT(b->s != NULL && b->len == strlen(b->s));
	FUZZ_ASSERT(b->len > 0 && b->s[0] == ' ');
	for (i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->s[i];

		FUZZ_ASSERT(c == '\t' || (c >= 32 && c < 127));
	}
}

/* count - occurrences of needle in hay */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return (n);
}

/* valid_id - an authserv-id as config would accept it */
static int
valid_id(const char *s)
{
	if (*s == 0)
		return (0);
	for (; *s; s++)
		if (*s <= 32 || *s >= 127 || *s == ';')
			return (0);
	return (1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *field[NFIELDS] = {0};
	struct pm_session s;
	struct pm_buf out = PM_BUF_INIT;
	struct tls_cipher_info ci;
	char id[64];
	size_t i, nf = 0, start = 0;
	const char *authserv;
	int fmt, rc;

	buf = fuzz_strdup(data, size);
	for (i = 0; i <= size && nf < NFIELDS; i++) {
		if (i == size || buf[i] == 0) {
			field[nf++] = buf + start;
			start = i + 1;
		}
	}
	session_init(&s);
	for (i = 0; i < 6 && i < nf; i++)
		session_set_macro(&s, macro_names[i], field[i]);
	/* The authserv-id is configuration, not a macro: keep it valid. */
	authserv = nf > 6 && valid_id(field[6]) ? field[6] : "mail.example.org";
	for (fmt = TLS_FMT_KV; fmt <= TLS_FMT_AR; fmt++) {
		pm_buf_reset(&out);
		rc =
		    tls_format_header(&s, (enum tls_format)fmt, authserv, &out);
		if (rc < 0)
			continue;
		check_header(&out);
		if (nf > 3 && strlen(field[3]) >= 4) {
			struct pm_session s2;
			struct pm_buf o2 = PM_BUF_INIT;

			session_init(&s2);
			for (i = 0; i < 6 && i < nf; i++)
				session_set_macro(&s2, macro_names[i],
				    i == 3 ? "CN=other" : field[i]);
			if (tls_format_header(
			        &s2, (enum tls_format)fmt, authserv, &o2) == 0)
				FUZZ_ASSERT(count(out.s, field[3]) <=
				    count(o2.s, field[3]));
			pm_buf_free(&o2);
			session_free(&s2);
		}
		memset(id, 'x', sizeof(id));
		if (tls_header_authserv_id(out.s, id, 16) == 0)
			FUZZ_ASSERT(memchr(id, 0, 16) != NULL);
	}
	if (nf > 7) {
		memset(id, 'x', sizeof(id));
		if (tls_header_authserv_id(field[7], id, sizeof(id)) == 0)
			FUZZ_ASSERT(memchr(id, 0, sizeof(id)) != NULL);
	}
	if (nf > 1 && tls_cipher_lookup(field[1], &ci) == 1) {
		const char *c;

		FUZZ_ASSERT(ci.iana != NULL);
		for (c = ci.iana; *c; c++)
			FUZZ_ASSERT(*c > 32 && *c < 127);
	}
	pm_buf_free(&out);
	session_free(&s);
	free(buf);
	return (0);
}
