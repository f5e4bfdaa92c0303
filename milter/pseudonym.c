/*++
/* NAME
/*	pseudonym 3
/* SUMMARY
/*	keyed HMAC-SHA256 tokens that stand in for removed values
/* DESCRIPTION
/*	The contract is in include/pseudonym.h. The secret is wiped with
/*	OPENSSL_cleanse() wherever a copy of it ends its life.
/*--*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "fileset.h"
#include "pseudonym.h"

#define PSEUDONYM_MIN_SECRET 16
#define PSEUDONYM_MAX_SECRET 4096

struct pseudonym_key {
	unsigned char *secret;
	size_t len;
	char id[9]; /* 8 hex digits */
	EVP_MAC *mac; /* HMAC, fetched once */
};

static const char hexdigits[] = "0123456789abcdef";

/* hex - lower-case hex of n bytes into out (2n+1 bytes) */
static void
hex(const unsigned char *in, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 15];
	}
	out[2 * n] = 0;
}

/* pseudonym_key_free - wipe and release */
void
pseudonym_key_free(struct pseudonym_key *key)
{
	if (key == NULL)
		return;
	if (key->secret != NULL) {
		OPENSSL_cleanse(key->secret, key->len);
		free(key->secret);
	}
	EVP_MAC_free(key->mac);
	free(key);
}

/* pseudonym_key_from_bytes - key from a secret in memory */
struct pseudonym_key *
pseudonym_key_from_bytes(const void *secret, size_t len, struct pm_error *err)
{
	unsigned char digest[32];
	unsigned int dlen = 0;
	struct pseudonym_key *key;

	if (len < PSEUDONYM_MIN_SECRET) {
		pm_error_set(err,
		    "pseudonym key too short (%zu bytes, need at least %d)",
		    len, PSEUDONYM_MIN_SECRET);
		return (NULL);
	}
	if ((key = calloc(1, sizeof(*key))) == NULL ||
	    (key->secret = malloc(len)) == NULL) {
		free(key);
		pm_error_set(err, "pseudonym key: %s", strerror(ENOMEM));
		return (NULL);
	}
	memcpy(key->secret, secret, len);
	key->len = len;
	if (EVP_Digest(secret, len, digest, &dlen, EVP_sha256(), NULL) != 1 ||
	    dlen != sizeof(digest) ||
	    (key->mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		pseudonym_key_free(key);
		pm_error_set(err, "pseudonym key: OpenSSL has no SHA-256 HMAC");
		return (NULL);
	}
	hex(digest, 4, key->id);
	return (key);
}

/* pseudonym_key_load - read and check a key file */
struct pseudonym_key *
pseudonym_key_load(const char *path, struct pm_error *err)
{
	struct pm_buf buf = PM_BUF_INIT;
	struct pseudonym_key *key = NULL;
	struct pm_error e2;
	mode_t mode;
	size_t len;

	/* Through fileset_read(): a restarted child replays the bytes. */
	if (fileset_read(path, &buf, &mode) < 0) {
		if (mode != 0 && !S_ISREG(mode))
			pm_error_set(err,
			    "%s: pseudonym key is not a regular file", path);
		else if (errno == EFBIG)
			pm_error_set(err,
			    "%s: pseudonym key too long (more than %d bytes)",
			    path, PSEUDONYM_MAX_SECRET);
		else
			pm_error_set(err, "%s: %s pseudonym key: %s", path,
			    mode == 0 ? "cannot open" : "cannot read",
			    strerror(errno));
		goto out;
	}
	if ((mode & S_IRWXO) != 0) {
		pm_error_set(err,
		    "%s: pseudonym key is accessible by other users (mode %04o); run \"chmod 600 %s\" (or \"chmod 640\" with the milter's group)",
		    path, (unsigned)(mode & 07777), path);
		goto out;
	}
	len = buf.len;
	while (len > 0 &&
	    (buf.s[len - 1] == ' ' || buf.s[len - 1] == '\t' ||
	        buf.s[len - 1] == '\n' || buf.s[len - 1] == '\r' ||
	        buf.s[len - 1] == '\v' || buf.s[len - 1] == '\f'))
		len--;
	if (len > PSEUDONYM_MAX_SECRET) {
		pm_error_set(err,
		    "%s: pseudonym key too long (more than %d bytes)", path,
		    PSEUDONYM_MAX_SECRET);
		goto out;
	}
	key = pseudonym_key_from_bytes((const unsigned char *)buf.s, len, &e2);
	if (key == NULL)
		pm_error_set(err, "%s: %s", path, e2.text);
out:
	if (buf.s != NULL)
		OPENSSL_cleanse(buf.s, buf.cap);
	pm_buf_free(&buf);
	return (key);
}

/* pseudonym_key_id - 8 hex digits naming the key */
const char *
pseudonym_key_id(const struct pseudonym_key *key)
{
	return (key->id);
}

/* pseudonym_token - "anon-KEYID-HEX16" */
int
pseudonym_token(const struct pseudonym_key *key, const char *in, size_t len,
    char *out, size_t outlen)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	char digest[] = "SHA256";
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t maclen = 0;
	int ok;

	if (key == NULL || out == NULL ||
	    outlen < sizeof("anon-") - 1 + 8 + 1 + 16 + 1)
		return (-1);
	if ((ctx = EVP_MAC_CTX_new(key->mac)) == NULL)
		return (-1);
	params[0] =
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key->secret, key->len, params) == 1 &&
	    EVP_MAC_update(ctx, (const unsigned char *)in, len) == 1 &&
	    EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)) == 1 && maclen >= 8;
	EVP_MAC_CTX_free(ctx);
	if (!ok)
		return (-1);
	memcpy(out, "anon-", 5);
	memcpy(out + 5, key->id, 8);
	out[13] = '-';
	hex(mac, 8, out + 14);
	return (0);
}
