/*++
/* NAME
/*	pseudonym 3h
/* SUMMARY
/*	keyed HMAC-SHA256 tokens that stand in for removed values
/* SYNOPSIS
/*	#include "pseudonym.h"
/*
/*	struct pseudonym_key *pseudonym_key_load(const char *path,
/*		    struct pm_error *err)
/*	struct pseudonym_key *pseudonym_key_from_bytes(const void *secret,
/*		    size_t len, struct pm_error *err)
/*	const char *pseudonym_key_id(const struct pseudonym_key *key)
/*	int	pseudonym_token(const struct pseudonym_key *key,
/*		    const char *in, size_t len, char *out, size_t outlen)
/*	void	pseudonym_key_free(struct pseudonym_key *key)
/* DESCRIPTION
/*	pseudonym_key_load() reads a secret key file. The secret is the
/*	file's bytes with trailing white space removed (so "openssl rand
/*	-hex 32 > FILE" gives a 64-byte secret: the hex text itself, not
/*	the bytes it spells). The file must be a regular file with no
/*	permission bits for "other" users, and the secret must be 16 to
/*	4096 bytes.
/*
/*	pseudonym_key_from_bytes() makes a key from a secret in memory (at
/*	least 16 bytes). Both fetch OpenSSL's HMAC EVP_MAC once; each token
/*	uses its own EVP_MAC_CTX, so one key serves every thread.
/*
/*	pseudonym_key_id() is the first 8 hex digits of SHA-256(secret): a
/*	new key gives new ids, so tokens name the key that made them.
/*
/*	pseudonym_token() writes "anon-KEYID-HEX16" into out, HEX16 being
/*	the first 16 hex digits (64 bits) of HMAC-SHA256(secret, in). Same
/*	input and key, same token. An admin recomputes a token with
/*	"privacy-milter -c CONF --pseudonym VALUE" or with openssl dgst
/*	-sha256 -mac HMAC -macopt hexkey:HEX (see privacy-milter.rules(5)).
/*
/*	pseudonym_key_free() wipes the secret and releases the key.
/* DIAGNOSTICS
/*	pseudonym_key_load() and pseudonym_key_from_bytes() return NULL and
/*	fill err ("PATH: reason", naming the chmod that fixes a mode
/*	problem). pseudonym_token() returns -1 when out is too small, the
/*	key is NULL or OpenSSL fails; 0 on success.
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
