/*++
/* NAME
/*	tls 3h
/* SUMMARY
/*	TLS facts of the session -> one header value
/* SYNOPSIS
/*	#include "tls.h"
/*
/*	int	tls_init(void)
/*	int	tls_cipher_lookup(const char *name,
/*		    struct tls_cipher_info *info)
/*	int	tls_format_header(const struct pm_session *s,
/*		    enum tls_format fmt, const char *authserv_id,
/*		    struct pm_buf *out)
/*	int	tls_header_authserv_id(const char *value, char *buf,
/*		    size_t len)
/* DESCRIPTION
/*	tls_init() builds, once at start-up (pthread_once; later calls
/*	return the first call's result), the map from OpenSSL cipher names
/*	to IANA standard names and key exchange. OpenSSL has no lookup by
/*	OpenSSL name, so it walks the cipher list of an SSL_CTX with every
/*	cipher enabled. After tls_init() the map never changes: lookups
/*	take no lock. Ciphers the loaded providers cannot do are not in it
/*	and read as unknown.
/*
/*	tls_cipher_lookup() answers for one name, in OpenSSL or IANA form,
/*	case-insensitively: 1 and info filled (the IANA name, and whether
/*	the key exchange gives forward secrecy: ECDHE, DHE, ECDHE-PSK,
/*	DHE-PSK and every TLS 1.3 suite), or 0 for an unknown name. It
/*	calls tls_init() if nobody did.
/*
/*	tls_format_header() appends the header value for the session to
/*	out, with a leading space, as values are kept. Formats:
/*	TLS_FMT_KV:  " mail.example.org; version=TLSv1.3;
/*	    cipher=TLS_AES_256_GCM_SHA384; bits=256; pfs=yes; client-cert=none"
/*	TLS_FMT_AR:  " mail.example.org; x-tls=pass smtp.version=TLSv1.3
/*	    smtp.cipher=TLS_AES_256_GCM_SHA384 smtp.bits=256 smtp.pfs=yes
/*	    smtp.client-cert=none"
/*	A plain-text session gives "...; tls=none" (KV) or "x-tls=none"
/*	(AR). An unknown cipher is written as given and flagged at the end
/*	("; cipher-unknown=yes" or " smtp.cipher-unknown=yes"); its pfs is
/*	"yes" for TLSv1.3, else "unknown". client-cert is "trusted" when
/*	the MTA sent {cert_issuer} or {cert_subject} (Postfix does only for
/*	a trusted certificate), else "none"; the subject is never written.
/*	Every macro value is sanitised so a hostile macro cannot inject
/*	text: bytes outside 0x21..0x7e and ; " \ ( ) are dropped, the
/*	result is cut at 64 octets, and an empty result reads "unknown".
/*	The authserv-id is sanitised the same way (cut at 255 octets).
/*
/*	tls_header_authserv_id() extracts the authserv-id of an existing
/*	header value: it skips leading white space (folding included) and
/*	copies the token up to ';' or white space.
/* DIAGNOSTICS
/*	tls_init() returns -1 when OpenSSL cannot build the map (lookups
/*	then answer 0). tls_format_header() returns -1 when memory runs
/*	out. tls_header_authserv_id() returns -1 when there is no token or
/*	it does not fit in len bytes with its NUL; 0 otherwise.
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
