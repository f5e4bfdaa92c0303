/*++
/* NAME
/*	pseudonym 3h
/* SUMMARY
/*	keyed HMAC-SHA256 tokens that stand in for removed values
/* SYNOPSIS
/*	#include "pseudonym.h"
/* DESCRIPTION
/*	pseudonym_key_load() reads a secret key file (at least 16 bytes of
/*	secret; trailing white space of a text key is not part of it).
/*	It refuses a file that is readable or writable by "other" users.
/*	The key id is the first 8 hex digits of SHA-256(secret): a new key
/*	gives new ids, so tokens name the key that made them.
/*
/*	pseudonym_token() writes "anon-KEYID-HMAC" where HMAC is the first
/*	16 hex digits (64 bits) of HMAC-SHA256(secret, input), computed
/*	with OpenSSL's EVP_MAC. Same input and key, same token; it is
/*	thread-safe. An admin recomputes a token with
/*	"privacy-milter -c CONF --pseudonym VALUE" or with
/*	openssl dgst -sha256 -mac HMAC -macopt hexkey:HEX (see
/*	privacy-milter.rules(5)).
/*--*/
#ifndef PM_PSEUDONYM_H
#define PM_PSEUDONYM_H

#include <stddef.h>

#include "util.h"

#define PSEUDONYM_TOKEN_MAX 40 /* "anon-" 8 "-" 16 NUL, with room */

struct pseudonym_key;

struct pseudonym_key *pseudonym_key_load(const char *path, struct pm_error *);
struct pseudonym_key *pseudonym_key_from_bytes(
    const void *, size_t, struct pm_error *);
const char *pseudonym_key_id(const struct pseudonym_key *);
int pseudonym_token(const struct pseudonym_key *, const char *in, size_t len,
    char *out, size_t outlen);
void pseudonym_key_free(struct pseudonym_key *);

#endif
