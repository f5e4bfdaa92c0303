/*++
/* NAME
/*	tls 3
/* SUMMARY
/*	TLS facts of the session -> one header value
/* DESCRIPTION
/*	The contract is in include/tls.h. build_table() walks
/*	SSL_CTX_get_ciphers() of a TLS_method() context with security
/*	level 0, the cipher list "ALL:COMPLEMENTOFALL" and all five TLS
/*	1.3 suites, and records for every cipher its OpenSSL name, its
/*	IANA name (SSL_CIPHER_standard_name) and its key exchange
/*	(SSL_CIPHER_get_kx_nid), one entry per name form, sorted
/*	case-insensitively for bsearch().
/*--*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/objects.h>
#include <openssl/ssl.h>

#include "tls.h"

#define TLS_VALUE_MAX 64 /* octets of one sanitised macro value */
#define TLS_ID_MAX 255 /* octets of the authserv-id */

#define TLS13_SUITES                                                           \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"                       \
	"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:"                 \
	"TLS_AES_128_CCM_8_SHA256"

struct tls_entry {
	char *name; /* OpenSSL or IANA form */
	const char *iana; /* shared with the IANA-form entry */
	int pfs;
};

static struct tls_entry *tls_table;
static size_t tls_ntable;
static int tls_init_status = -1;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;

/* entry_cmp - order entries by name, ignoring case */
static int
entry_cmp(const void *a, const void *b)
{
	return (strcasecmp(((const struct tls_entry *)a)->name,
	    ((const struct tls_entry *)b)->name));
}

/* key_cmp - compare a name with an entry */
static int
key_cmp(const void *key, const void *e)
{
	return (strcasecmp(key, ((const struct tls_entry *)e)->name));
}

/* kx_pfs - 1 if the key exchange gives forward secrecy */
static int
kx_pfs(int nid)
{
	return (nid == NID_kx_ecdhe || nid == NID_kx_dhe ||
	    nid == NID_kx_ecdhe_psk || nid == NID_kx_dhe_psk ||
	    nid == NID_kx_any);
}

/* table_add - one entry; name is copied, iana must live in the table */
static int
table_add(size_t *cap, const char *name, const char *iana, int pfs)
{
	if (pm_grow(&tls_table, cap, tls_ntable + 1, sizeof(*tls_table)) < 0)
		return (-1);
	if ((tls_table[tls_ntable].name = strdup(name)) == NULL)
		return (-1);
	tls_table[tls_ntable].iana = iana;
	tls_table[tls_ntable].pfs = pfs;
	tls_ntable++;
	return (0);
}

/* build_table - walk the cipher list (once) */
static void
build_table(void)
{
	STACK_OF(SSL_CIPHER) * sk;
	const SSL_CIPHER *c;
	const char *ossl, *std;
	size_t cap = 0, i, o;
	SSL_CTX *ctx;
	char *iana;
	int n, pfs;

	if ((ctx = SSL_CTX_new(TLS_method())) == NULL)
		return;
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_cipher_list(ctx, "ALL:COMPLEMENTOFALL") != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, TLS13_SUITES) != 1 ||
	    (sk = SSL_CTX_get_ciphers(ctx)) == NULL)
		goto fail;
	for (n = 0; n < sk_SSL_CIPHER_num(sk); n++) {
		c = sk_SSL_CIPHER_value(sk, n);
		if ((ossl = SSL_CIPHER_get_name(c)) == NULL)
			continue;
		std = SSL_CIPHER_standard_name(c);
		if (std == NULL || strcmp(std, "(NONE)") == 0)
			std = ossl;
		pfs = kx_pfs(SSL_CIPHER_get_kx_nid(c));
		/* The IANA-form entry owns the iana string. */
		if (table_add(&cap, std, NULL, pfs) < 0)
			goto fail;
		iana = tls_table[tls_ntable - 1].name;
		tls_table[tls_ntable - 1].iana = iana;
		if (strcasecmp(ossl, std) != 0 &&
		    table_add(&cap, ossl, iana, pfs) < 0)
			goto fail;
	}
	qsort(tls_table, tls_ntable, sizeof(*tls_table), entry_cmp);
	/*
	 * Drop duplicate names. Their strings stay allocated: other entries
	 * may point at them, and the table lives as long as the process.
	 */
	for (i = o = 0; i < tls_ntable; i++)
		if (o == 0 ||
		    strcasecmp(tls_table[o - 1].name, tls_table[i].name) != 0)
			tls_table[o++] = tls_table[i];
	tls_ntable = o;
	tls_init_status = 0;
	SSL_CTX_free(ctx);
	return;

fail:
	/* Entries may share strings: leak them rather than free twice. */
	free(tls_table);
	tls_table = NULL;
	tls_ntable = 0;
	SSL_CTX_free(ctx);
}

/* tls_init - build the cipher table once */
int
tls_init(void)
{
	if (pthread_once(&tls_once, build_table) != 0)
		return (-1);
	return (tls_init_status);
}

/* tls_cipher_lookup - IANA name and pfs of a cipher */
int
tls_cipher_lookup(const char *name, struct tls_cipher_info *info)
{
	const struct tls_entry *e;

	if (name == NULL || tls_init() < 0)
		return (0);
	e = bsearch(name, tls_table, tls_ntable, sizeof(*tls_table), key_cmp);
	if (e == NULL)
		return (0);
	if (info != NULL) {
		info->iana = e->iana;
		info->pfs = e->pfs;
	}
	return (1);
}

/* sanitize - copy the allowed octets of in, at most max; "unknown" if none */
static void
sanitize(const char *in, char *out, size_t max)
{
	size_t o = 0;
	unsigned char c;

	for (; in != NULL && *in != 0 && o < max; in++) {
		c = (unsigned char)*in;
		if (c < 0x21 || c > 0x7e || c == ';' || c == '"' || c == '\\' ||
		    c == '(' || c == ')')
			continue;
		out[o++] = (char)c;
	}
	out[o] = 0;
	if (o == 0)
		snprintf(out, max + 1, "%s", "unknown");
}

/* tls_format_header - the header value for the session */
int
tls_format_header(const struct pm_session *s, enum tls_format fmt,
    const char *authserv_id, struct pm_buf *out)
{
	char id[TLS_ID_MAX + 1], version[TLS_VALUE_MAX + 1];
	char cipher[TLS_VALUE_MAX + 1], bits[TLS_VALUE_MAX + 1];
	struct tls_cipher_info info;
	const char *name, *pfs, *cert;
	int known;

	sanitize(authserv_id, id, TLS_ID_MAX);
	if (!session_has_tls(s)) {
		if (fmt == TLS_FMT_AR)
			return (pm_buf_printf(out, " %s; x-tls=none", id));
		return (pm_buf_printf(out, " %s; tls=none", id));
	}
	sanitize(s->tls_version, version, TLS_VALUE_MAX);
	sanitize(s->cipher, cipher, TLS_VALUE_MAX);
	sanitize(s->cipher_bits, bits, TLS_VALUE_MAX);
	known = tls_cipher_lookup(cipher, &info);
	if (known) {
		name = info.iana;
		pfs = info.pfs ? "yes" : "no";
	} else {
		name = cipher;
		pfs = strcmp(version, "TLSv1.3") == 0 ? "yes" : "unknown";
	}
	cert = (s->cert_issuer != NULL && *s->cert_issuer != 0) ||
	        (s->cert_subject != NULL && *s->cert_subject != 0)
	    ? "trusted"
	    : "none";
	if (fmt == TLS_FMT_AR)
		return (pm_buf_printf(out,
		    " %s; x-tls=pass smtp.version=%s smtp.cipher=%s smtp.bits=%s smtp.pfs=%s smtp.client-cert=%s%s",
		    id, version, name, bits, pfs, cert,
		    known ? "" : " smtp.cipher-unknown=yes"));
	return (pm_buf_printf(out,
	    " %s; version=%s; cipher=%s; bits=%s; pfs=%s; client-cert=%s%s", id,
	    version, name, bits, pfs, cert,
	    known ? "" : "; cipher-unknown=yes"));
}

/* tls_header_authserv_id - first token of a header value */
int
tls_header_authserv_id(const char *value, char *buf, size_t len)
{
	const char *p = value, *end;
	size_t n;

	if (value == NULL || buf == NULL || len == 0)
		return (-1);
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	for (end = p; *end != 0 && *end != ';' && *end != ' ' && *end != '\t' &&
	     *end != '\r' && *end != '\n';
	     end++)
		;
	n = (size_t)(end - p);
	if (n == 0 || n >= len)
		return (-1);
	memcpy(buf, p, n);
	buf[n] = 0;
	return (0);
}
