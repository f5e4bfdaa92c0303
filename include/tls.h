/*++
/* NAME
/*	tls 3h
/* SUMMARY
/*	TLS facts of the session -> one header value
/* SYNOPSIS
/*	#include "tls.h"
/* DESCRIPTION
/*	tls_init() builds, once at start-up, the map from OpenSSL cipher
/*	names to IANA standard names and key exchange, by walking the
/*	cipher list of an SSL_CTX with every cipher enabled (OpenSSL has no
/*	lookup by OpenSSL name). It is safe to call more than once.
/*
/*	tls_cipher_lookup() answers for one name (OpenSSL or IANA form):
/*	the IANA name, and whether the key exchange gives forward secrecy
/*	(ECDHE/DHE, and every TLS 1.3 suite). An unknown name returns 0.
/*
/*	tls_format_header() renders the header value for the session
/*	(with a leading space, as values are kept). Formats:
/*	TLS_FMT_KV:  " mail.example.org; version=TLSv1.3;
/*	    cipher=TLS_AES_256_GCM_SHA384; bits=256; pfs=yes; client-cert=none"
/*	TLS_FMT_AR:  " mail.example.org; x-tls=pass smtp.version=TLSv1.3
/*	    smtp.cipher=TLS_AES_256_GCM_SHA384 smtp.bits=256 smtp.pfs=yes
/*	    smtp.client-cert=none"
/*	A plain-text session gives "...; tls=none" (KV) or "x-tls=none"
/*	(AR). An unknown cipher is written as given and flagged
/*	("cipher-unknown=yes", at the end; its pfs is "yes" for TLSv1.3,
/*	else "unknown"). client-cert is "trusted" when the MTA sent
/*	{cert_issuer}/{cert_subject} (Postfix does only for a trusted
/*	certificate), else "none"; the subject is never written. Values
/*	from macros are sanitised: only printable ASCII without ';' and
/*	white space survives, so a hostile macro cannot inject text.
/*
/*	tls_header_authserv_id() extracts the authserv-id (the first token,
/*	up to ';' or white space) of an existing header value.
/*--*/
#ifndef PM_TLS_H
#define PM_TLS_H

#include <stddef.h>

#include "session.h"
#include "util.h"

enum tls_format {
	TLS_FMT_KV,
	TLS_FMT_AR,
};

struct tls_cipher_info {
	const char *iana; /* static storage, owned by the map */
	int pfs; /* 1: forward secrecy */
};

int tls_init(void);
int tls_cipher_lookup(const char *name, struct tls_cipher_info *);
int tls_format_header(const struct pm_session *, enum tls_format,
    const char *authserv_id, struct pm_buf *out);
int tls_header_authserv_id(const char *value, char *buf, size_t len);

#endif
