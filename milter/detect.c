/*++
/* NAME
/*	detect 3
/* SUMMARY
/*	find personal data in a header value by what it is
/* DESCRIPTION
/*	The contract is in include/detect.h.
/*
/*	The session kinds are needles: every textual form of the session's
/*	values, lower-cased, each with the boundary rule that keeps it from
/*	matching inside a longer token (bound_ok()). One pass over the value
/*	tries, at each byte, only the needles that start with it (a 64-bit
/*	mask per first byte). The other kinds are small hand-written
/*	scanners: address literals (scan_addresses), the by-host of a local
/*	hop (scan_local_host), private and dynamic host names
/*	(scan_names), account names (scan_accounts) and product tokens
/*	(scan_products). A hit enclosed in "[...]" (with or
/*	without "IPv6:") grows to the brackets, so "[192.0.2.1]" and
/*	"192.0.2.1" both become one replacement. Hits are then sorted and
/*	overlapping ones merged (merge_hits()).
/*
/*	Why no PCRE2 here: the forms are fixed by the data (addresses,
/*	names), the boundary rules are easier to read as code, and the
/*	detectors run on every header of in-scope mail: a single pass
/*	keeps the engine above its 2,000,000 headers/s target
/*	(BENCHMARKS.md).
/*--*/
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "detect.h"
#include "util.h"

enum detect_bound {
	BOUND_NUM, /* a number: not inside a longer dotted/dashed number */
	BOUND_HEX, /* not inside a longer hex string */
	BOUND_V6, /* not inside a longer IPv6 address */
	BOUND_NAME, /* a host name: not inside a longer name */
	BOUND_LOGIN, /* a login or local part: a whole word */
};

static const struct {
	const char *name;
	unsigned bits;
} detect_kinds[] = {
    {"client-address", DETECT_CLIENT_ADDRESS},
    {"client-name", DETECT_CLIENT_NAME},
    {"helo", DETECT_HELO},
    {"login", DETECT_LOGIN},
    {"session", DETECT_SESSION},
    {"address", DETECT_ADDRESS},
    {"local-host", DETECT_LOCAL_HOST},
    {"private-host", DETECT_PRIVATE_HOST},
    {"product", DETECT_PRODUCT},
    {"dynamic-host", DETECT_DYNAMIC_HOST},
    {"account", DETECT_ACCOUNT},
};

/* Zones whose names only a private network resolves. */
static const char *const detect_private_zones[] = {"lan", "local", "home",
    "home.arpa", "internal", "intranet", "intern", "corp", "private",
    "localdomain", "localnet", "fritz.box"};

/* ASCII classes without the locale: these run on every byte of a header. */
#define LC(c) ((unsigned char)((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c)))
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_ALPHA(c) (((c) | 32) >= 'a' && ((c) | 32) <= 'z')
#define IS_ALNUM(c) (IS_DIGIT(c) || IS_ALPHA(c))
#define IS_HEX(c) (IS_DIGIT(c) || (((c) | 32) >= 'a' && ((c) | 32) <= 'f'))
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')

/* detect_kind_parse - bits of a kind's name */
unsigned
detect_kind_parse(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(detect_kinds) / sizeof(detect_kinds[0]); i++)
		if (strlen(detect_kinds[i].name) == len &&
		    strncasecmp(detect_kinds[i].name, name, len) == 0)
			return (detect_kinds[i].bits);
	return (0);
}

/* detect_kind_name - the name of one kind bit */
const char *
detect_kind_name(unsigned bit)
{
	size_t i;

	for (i = 0; i < sizeof(detect_kinds) / sizeof(detect_kinds[0]); i++)
		if (detect_kinds[i].bits == bit)
			return (detect_kinds[i].name);
	return ("?");
}

/* is_name_char - a byte of a host name label */
static int
is_name_char(int c)
{
	return (IS_ALNUM((unsigned char)c) || c == '-' || c == '_');
}

/* is_login_char - a byte of a login or an address's local part */
static int
is_login_char(int c)
{
	return (IS_ALNUM((unsigned char)c) || (c != 0 && strchr("._%+-", c)));
}

/* ipv6_prefix_before - v[0..off) ends with "IPv6:" */
static int
ipv6_prefix_before(const char *v, size_t off)
{
	return (off >= 5 && strncasecmp(v + off - 5, "ipv6:", 5) == 0);
}

/* bound_ok - v[off..off+n) stands alone by the rule of its kind */
static int
bound_ok(
    const char *v, size_t len, size_t off, size_t n, enum detect_bound bound)
{
	int p = off > 0 ? (unsigned char)v[off - 1] : 0;
	int pp = off > 1 ? (unsigned char)v[off - 2] : 0;
	int a = off + n < len ? (unsigned char)v[off + n] : 0;
	int aa = off + n + 1 < len ? (unsigned char)v[off + n + 1] : 0;

	switch (bound) {
	case BOUND_NUM:
		return (!IS_DIGIT(p) &&
		    !((p == '.' || p == '-') && IS_DIGIT(pp)) && !IS_DIGIT(a) &&
		    !((a == '.' || a == '-') && IS_DIGIT(aa)));
	case BOUND_HEX:
		return (!IS_HEX(p) && !IS_HEX(a));
	case BOUND_V6:
		return (!IS_HEX(p) &&
		    (p != ':' || ipv6_prefix_before(v, off)) && p != '.' &&
		    !IS_HEX(a) && a != ':' && !(a == '.' && IS_DIGIT(aa)));
	case BOUND_NAME:
		return (!is_name_char(p) && p != '.' && !is_name_char(a) &&
		    !(a == '.' && IS_ALNUM(aa)));
	case BOUND_LOGIN:
		return (!is_login_char(p) && !is_name_char(a) &&
		    !(a != 0 && strchr("%+", a)) &&
		    !(a == '.' && IS_ALNUM(aa)));
	}
	return (0);
}

/* own_name - s (n bytes) is localhost or one of this server's names */
static int
own_name(const struct detect_set *ds, const char *s, size_t n)
{
	size_t i;

	if ((n == 9 && strncasecmp(s, "localhost", 9) == 0) ||
	    (n == 21 && strncasecmp(s, "localhost.localdomain", 21) == 0))
		return (1);
	for (i = 0; i < ds->nown; i++)
		if (ds->own[i] != NULL && strlen(ds->own[i]) == n &&
		    strncasecmp(ds->own[i], s, n) == 0)
			return (1);
	return (0);
}

/* add_needle - one textual form; a repeated form adds its kind */
static void
add_needle(struct detect_set *ds, const char *s, unsigned kind,
    enum detect_bound bound)
{
	size_t i, n = strlen(s);
	struct detect_needle *nd;
	unsigned char c;

	if (n == 0 || n >= DETECT_NEEDLE_MAX)
		return;
	for (i = 0; i < ds->n; i++)
		if (ds->v[i].len == n && ds->v[i].bound == (int)bound &&
		    strncasecmp(ds->v[i].s, s, n) == 0) {
			ds->v[i].kind |= kind;
			return;
		}
	if (ds->n == DETECT_MAX_NEEDLES)
		pm_panic("detect: more than %d forms of one session's values",
		    DETECT_MAX_NEEDLES);
	nd = &ds->v[ds->n];
	for (i = 0; i < n; i++)
		nd->s[i] = (char)LC(s[i]);
	nd->s[n] = 0;
	nd->len = n;
	nd->kind = kind;
	nd->bound = (int)bound;
	c = (unsigned char)nd->s[0];
	ds->first[c] |= 1u << ds->n;
	if (IS_ALPHA(c))
		ds->first[c - 32] |= 1u << ds->n;
	ds->n++;
}

/* put_num - one byte of an address in decimal, zero-padded or not */
static size_t
put_num(char *o, unsigned v, int pad)
{
	size_t n = 0;

	if (pad || v >= 100)
		o[n++] = (char)('0' + v / 100);
	if (pad || v >= 10)
		o[n++] = (char)('0' + v / 10 % 10);
	o[n++] = (char)('0' + v % 10);
	return (n);
}

/* put_ipv4 - a, b, c, d joined by sep (none when 0), zero-padded or not */
static void
put_ipv4(char *buf, const unsigned char *q, int sep, int pad)
{
	size_t i, o = 0;

	for (i = 0; i < 4; i++) {
		if (i > 0 && sep != 0)
			buf[o++] = (char)sep;
		o += put_num(buf + o, q[i], pad);
	}
	buf[o] = 0;
}

/* put_hex - len bytes in lower-case hex; colon-separated 16-bit groups of
 * an IPv6 address when v6, zero-padded or not */
static void
put_hex(char *buf, const unsigned char *a, size_t len, int v6, int pad)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;
	unsigned g;
	int k, started;

	for (i = 0; i < len; i += v6 ? 2 : 1) {
		if (v6 && i > 0)
			buf[o++] = ':';
		g = v6 ? (unsigned)(a[i] << 8 | a[i + 1]) : a[i];
		for (k = v6 ? 12 : 4, started = pad; k >= 0; k -= 4) {
			if (started || (g >> k) != 0 || k == 0) {
				buf[o++] = hex[(g >> k) & 15];
				started = 1;
			}
		}
	}
	buf[o] = 0;
}

/* add_ipv4 - the forms an IPv4 address takes in text and PTR names */
static void
add_ipv4(struct detect_set *ds, const unsigned char *a)
{
	static const struct {
		int sep, pad;
	} form[] = {{'.', 0}, {'-', 0}, {'.', 1}, {'-', 1}, {0, 1}};
	const unsigned char rev[4] = {a[3], a[2], a[1], a[0]};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(form) / sizeof(form[0]); i++) {
		put_ipv4(buf, a, form[i].sep, form[i].pad);
		add_needle(ds, buf, DETECT_CLIENT_ADDRESS, BOUND_NUM);
		/* Reversed, as in-addr.arpa and many PTR names write it. */
		put_ipv4(buf, rev, form[i].sep, form[i].pad);
		add_needle(ds, buf, DETECT_CLIENT_ADDRESS, BOUND_NUM);
	}
	put_hex(buf, a, 4, 0, 1);
	add_needle(ds, buf, DETECT_CLIENT_ADDRESS, BOUND_HEX);
}

/* add_ipv6 - compressed, expanded and unpadded forms */
static void
add_ipv6(struct detect_set *ds, const unsigned char *a)
{
	char buf[64];

	if (inet_ntop(AF_INET6, a, buf, sizeof(buf)) != NULL)
		add_needle(ds, buf, DETECT_CLIENT_ADDRESS, BOUND_V6);
	put_hex(buf, a, 16, 1, 1);
	add_needle(ds, buf, DETECT_CLIENT_ADDRESS, BOUND_V6);
	put_hex(buf, a, 16, 1, 0);
	add_needle(ds, buf, DETECT_CLIENT_ADDRESS, BOUND_V6);
}

/* add_client_address - the client's address, unless loopback or unknown */
static void
add_client_address(struct detect_set *ds, int family, const unsigned char *a)
{
	static const unsigned char v4mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char loop6[16] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	static const unsigned char any6[16];

	if (a == NULL)
		return;
	if (family == AF_INET6 && memcmp(a, v4mapped, 12) == 0) {
		family = AF_INET;
		a += 12;
	}
	if (family == AF_INET && a[0] != 127 &&
	    (a[0] | a[1] | a[2] | a[3]) != 0)
		add_ipv4(ds, a);
	else if (family == AF_INET6 && memcmp(a, loop6, 16) != 0 &&
	    memcmp(a, any6, 16) != 0)
		add_ipv6(ds, a);
}

/* usable_name - a host name worth finding (not an address, not ours) */
static int
usable_name(const struct detect_set *ds, const char *s)
{
	unsigned char a[16];
	size_t n;

	if (s == NULL || (n = strlen(s)) < 3 || s[0] == '[' ||
	    strcasecmp(s, "unknown") == 0 || own_name(ds, s, n) ||
	    inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1)
		return (0);
	return (strspn(s, "0123456789.") != n);
}

/* add_login - the login, and the local part of an address login */
static void
add_login(struct detect_set *ds, const char *login)
{
	const char *at;
	char buf[DETECT_NEEDLE_MAX];

	if (login == NULL || *login == 0)
		return;
	/* A short login of letters only ("web", "info") is a word too. */
	if (strlen(login) >= 5 ||
	    strspn(login,
	        "abcdefghijklmnopqrstuvwxyz"
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(login))
		add_needle(ds, login, DETECT_LOGIN, BOUND_LOGIN);
	if ((at = strchr(login, '@')) != NULL && at - login >= 3 &&
	    (size_t)(at - login) < sizeof(buf)) {
		memcpy(buf, login, (size_t)(at - login));
		buf[at - login] = 0;
		add_needle(ds, buf, DETECT_LOGIN, BOUND_LOGIN);
	}
}

/* detect_prepare - the needles of one session */
int
detect_prepare(struct detect_set *ds, const struct detect_input *in)
{
	ds->n = 0;
	memset(ds->first, 0, sizeof(ds->first));
	ds->own = in->own;
	ds->nown = in->nown;
	ds->keep = in->keep;
	ds->nkeep = in->nkeep;
	add_client_address(ds, in->family, in->addr);
	if (usable_name(ds, in->client_name))
		add_needle(ds, in->client_name, DETECT_CLIENT_NAME, BOUND_NAME);
	if (usable_name(ds, in->helo))
		add_needle(ds, in->helo, DETECT_HELO, BOUND_NAME);
	add_login(ds, in->login);
	return (0);
}

/* detect_free - empty a set */
void
detect_free(struct detect_set *ds)
{
	ds->n = 0;
	ds->nown = 0;
	ds->nkeep = 0;
}

/* hit_add - append one hit */
static int
hit_add(struct detect_hits *h, size_t off, size_t len, unsigned kind)
{
	if (pm_grow(&h->v, &h->cap, h->n + 1, sizeof(*h->v)) < 0)
		return (-1);
	h->v[h->n].off = off;
	h->v[h->n].len = len;
	h->v[h->n].kind = kind;
	h->n++;
	return (0);
}

/* scan_needles - every session needle of the wanted kinds */
static int
scan_needles(const struct detect_set *ds, unsigned kinds, const char *v,
    size_t len, struct detect_hits *h)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint32_t m = ds->first[(unsigned char)v[i]];

		while (m != 0) {
			const struct detect_needle *nd =
			    &ds->v[__builtin_ctz(m)];
			size_t j;

			m &= m - 1;
			if (!(nd->kind & kinds) || nd->len > len - i)
				continue;
			for (j = 1; j < nd->len &&
			     LC(v[i + j]) == (unsigned char)nd->s[j];
			     j++)
				;
			if (j == nd->len &&
			    bound_ok(v, len, i, nd->len, nd->bound) &&
			    hit_add(h, i, nd->len, nd->kind & kinds) < 0)
				return (-1);
		}
	}
	return (0);
}

/* kept - an address literal the admin keeps, or one that says nothing */
static int
kept(const struct detect_set *ds, int family, const unsigned char *a)
{
	static const unsigned char zero[16];
	size_t i;

	if (memcmp(a, zero, family == AF_INET ? 4 : 16) == 0)
		return (1);
	for (i = 0; i < ds->nkeep; i++)
		if (pm_net_has(&ds->keep[i], family, a))
			return (1);
	return (0);
}

/* version_before - "version", "release", "build" or "v" just before off */
static int
version_before(const char *v, size_t off)
{
	static const char *const words[] = {
	    "version", "release", "build", "ver", "ver."};
	size_t e = off, b, i;

	while (e > 0 && (v[e - 1] == ' ' || v[e - 1] == '='))
		e--;
	for (b = e;
	     b > 0 && (IS_ALPHA((unsigned char)v[b - 1]) || v[b - 1] == '.');
	     b--)
		;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (e - b == strlen(words[i]) &&
		    strncasecmp(v + b, words[i], e - b) == 0)
			return (1);
	return (0);
}

/* parse_ipv4 - s[0..n) is a dotted quad (1-3 digits, each <= 255) */
static int
parse_ipv4(const char *s, size_t n, unsigned char *a)
{
	size_t i = 0, part = 0;

	while (part < 4) {
		unsigned val = 0, digits = 0;

		while (i < n && IS_DIGIT((unsigned char)s[i]) && digits < 4) {
			val = val * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || val > 255)
			return (0);
		a[part++] = (unsigned char)val;
		if (part < 4) {
			if (i >= n || s[i] != '.')
				return (0);
			i++;
		}
	}
	return (i == n);
}

/* literal_at - an address literal starting at v[i]; its end in *end */
static int
literal_at(const struct detect_set *ds, const char *v, size_t len, size_t i,
    size_t *end)
{
	unsigned char a[16];
	char buf[64];
	size_t j = i, n, colons = 0, hex = 0;
	int family, url;

	while (j < len &&
	    (IS_HEX((unsigned char)v[j]) || v[j] == ':' || v[j] == '.')) {
		colons += v[j] == ':';
		hex += IS_HEX((unsigned char)v[j]) != 0;
		j++;
	}
	/* A sentence's full stop is not part of the address. */
	while (j > i && v[j - 1] == '.')
		j--;
	n = j - i;
	/* Most runs are words like "cafe" or numbers like "2026": no address. */
	if (n < 2 || n >= sizeof(buf) || hex == 0 ||
	    (colons < 2 && memchr(v + i, '.', n) == NULL))
		return (0);
	memcpy(buf, v + i, n);
	buf[n] = 0;
	if (colons >= 2 && inet_pton(AF_INET6, buf, a) == 1) {
		family = AF_INET6;
	} else {
		/* IPv4, perhaps with a port: "192.0.2.1:587". */
		n = strcspn(buf, ":");
		buf[n] = 0;
		if (!parse_ipv4(buf, n, a))
			return (0);
		family = AF_INET;
		j = i + n;
	}
	/*
	 * Joined to a letter, a digit or a "/": a word, a version, a CIDR;
	 * but the host of a URL ("//192.0.2.1/x", "//[2001:db8::1]:443/")
	 * is an address.
	 */
	url = i >= 2 && v[i - 1] == '/' && v[i - 2] == '/';
	if (j < len &&
	    (IS_ALNUM((unsigned char)v[j]) || v[j] == '_' ||
	        (v[j] == '/' && !url)))
		return (0);
	if (i > 0 && v[i - 1] == '/' && !url)
		return (0);
	if (family == AF_INET && version_before(v, i))
		return (0);
	if (kept(ds, family, a))
		return (0);
	/* An IPv6 zone id: fe80::1%13, fe80::1%eth0. */
	if (family == AF_INET6 && j + 1 < len && v[j] == '%' &&
	    IS_ALNUM((unsigned char)v[j + 1])) {
		j++;
		while (j < len && (is_name_char(v[j]) || v[j] == '.'))
			j++;
		while (v[j - 1] == '.')
			j--;
	}
	*end = j;
	return (1);
}

/* scan_addresses - every address literal not kept */
static int
scan_addresses(const struct detect_set *ds, const char *v, size_t len,
    struct detect_hits *h)
{
	size_t i = 0, end;

	while (i < len) {
		int c = (unsigned char)v[i];
		int p = i > 0 ? (unsigned char)v[i - 1] : 0;
		size_t start = i;

		if ((c == 'I' || c == 'i') && i + 5 < len &&
		    strncasecmp(v + i, "ipv6:", 5) == 0 && !is_name_char(p))
			start = i + 5;
		else if (!(IS_HEX(c) || c == ':') || is_name_char(p) ||
		    p == '.' || (p == ':' && !ipv6_prefix_before(v, i))) {
			i++;
			continue;
		}
		if (literal_at(ds, v, len, start, &end)) {
			if (hit_add(h, i, end - i, DETECT_ADDRESS) < 0)
				return (-1);
			i = end;
			continue;
		}
		/* Skip the rest of this token. */
		i = start + 1;
		while (i < len &&
		    (IS_HEX((unsigned char)v[i]) || v[i] == ':' || v[i] == '.'))
			i++;
	}
	return (0);
}

/* word_at - v[i..) starts with w (case-insensitive) */
static int
word_at(const char *v, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);

	return (i + n <= len && strncasecmp(v + i, w, n) == 0);
}

/* host_end - the end of a host token starting at i */
static size_t
host_end(const char *v, size_t len, size_t i)
{
	while (i < len && !IS_SPACE((unsigned char)v[i]) && v[i] != '(' &&
	    v[i] != ')' && v[i] != ';')
		i++;
	return (i);
}

/* local_marker - the hop text v[i..e) says "submitted on this machine" */
static int
local_marker(const char *v, size_t i, size_t e)
{
	static const char *const marks[] = {"/submit)", "(postfix, from userid",
	    "(ssmtp sendmail emulation)", "(dragonfly mail agent"};
	size_t k, m;

	for (; i < e; i++) {
		if (v[i] != '(' && v[i] != '/' && v[i] != 'w' && v[i] != 'W')
			continue;
		for (m = 0; m < sizeof(marks) / sizeof(marks[0]); m++)
			if (word_at(v, e, i, marks[m]))
				return (1);
		/* Exim: "with local", "with local-esmtp", "with local-bsmtp". */
		if (word_at(v, e, i, "with local") &&
		    (i == 0 || IS_SPACE((unsigned char)v[i - 1]))) {
			k = i + 10;
			if (k == e || !is_name_char(v[k]) || v[k] == '-')
				return (1);
		}
	}
	return (0);
}

/* msp_hop - "from H (... [127.0.0.1]) by H (8.": Sendmail's MTA hop that
 * took the message from the local MSP; bs/be is the by-host */
static int
msp_hop(const char *v, size_t len, size_t bs, size_t be)
{
	size_t i = 0, hs, he;

	while (i < len && IS_SPACE((unsigned char)v[i]))
		i++;
	if (!word_at(v, len, i, "from "))
		return (0);
	hs = i + 5;
	he = host_end(v, len, hs);
	if (he - hs != be - bs || strncasecmp(v + hs, v + bs, be - bs) != 0)
		return (0);
	for (i = he; i + 11 <= bs; i++)
		if (word_at(v, bs, i, "[127.0.0.1]") ||
		    word_at(v, bs, i, "[ipv6:::1]"))
			return (word_at(v, len, be, " (8."));
	return (0);
}

/* scan_local_host - the by-host of a hop on the sender's own machine */
static int
scan_local_host(const struct detect_set *ds, const char *v, size_t len,
    struct detect_hits *h)
{
	size_t i, hs, he, e;

	for (i = 0; i + 3 < len; i++) {
		if ((v[i] != 'b' && v[i] != 'B') || !word_at(v, len, i, "by") ||
		    !IS_SPACE((unsigned char)v[i + 2]) ||
		    (i > 0 && !IS_SPACE((unsigned char)v[i - 1]) &&
		        v[i - 1] != '('))
			continue;
		for (hs = i + 2; hs < len && IS_SPACE((unsigned char)v[hs]);
		     hs++)
			;
		he = host_end(v, len, hs);
		if (he == hs)
			continue;
		for (e = he; e < len && v[e] != ';'; e++)
			;
		if (own_name(ds, v + hs, he - hs) ||
		    (he - hs == 10 && strncmp(v + hs, "[redacted]", 10) == 0) ||
		    word_at(v, len, hs, "[127.") ||
		    word_at(v, len, hs, "[ipv6:::1]"))
			continue;
		if (local_marker(v, he, e) || msp_hop(v, len, hs, he))
			return (hit_add(h, hs, he - hs, DETECT_LOCAL_HOST));
	}
	return (0);
}

/* private_name - s[0..n) is a name in a private zone or a Windows default */
static int
private_name(const char *s, size_t n)
{
	static const struct {
		const char *prefix;
		size_t tail;
	} win[] = {{"desktop-", 7}, {"laptop-", 7}, {"win-", 11}};
	size_t k, z, i;

	for (k = 0; k < sizeof(win) / sizeof(win[0]); k++) {
		z = strlen(win[k].prefix);
		if (n == z + win[k].tail &&
		    strncasecmp(s, win[k].prefix, z) == 0) {
			for (i = z; i < n && IS_ALNUM((unsigned char)s[i]); i++)
				;
			if (i == n)
				return (1);
		}
	}
	for (k = 0;
	     k < sizeof(detect_private_zones) / sizeof(detect_private_zones[0]);
	     k++) {
		z = strlen(detect_private_zones[k]);
		if (n > z + 1 && s[n - z - 1] == '.' &&
		    strncasecmp(s + n - z, detect_private_zones[k], z) == 0)
			return (1);
	}
	return (0);
}

/* embeds_ipv4 - s[0..n) holds four numbers up to 255 joined by one '-'
 * or '.' (as access providers write a client's address into its name) */
static int
embeds_ipv4(const char *s, size_t n)
{
	size_t i, j, d, part;
	unsigned val;
	int sep;

	for (i = 0; i < n; i++) {
		if (!IS_DIGIT((unsigned char)s[i]) ||
		    (i > 0 && IS_DIGIT((unsigned char)s[i - 1])))
			continue;
		for (j = i, part = 0, sep = 0;; part++) {
			for (d = j, val = 0; j < n &&
			     IS_DIGIT((unsigned char)s[j]) && j - d < 4;
			     j++)
				val = val * 10 + (unsigned)(s[j] - '0');
			if (j == d || j - d > 3 || val > 255)
				break;
			if (part == 3) {
				if (j >= n || !IS_DIGIT((unsigned char)s[j]))
					return (1);
				break;
			}
			if (j >= n || (s[j] != '-' && s[j] != '.') ||
			    (sep != 0 && (unsigned char)s[j] != sep))
				break;
			sep = (unsigned char)s[j++];
		}
	}
	return (0);
}

/* dynamic_label - one label of a name says "an access line" */
static int
dynamic_label(const char *l, size_t n)
{
	static const char *const words[] = {"dyn", "dynamic", "dsl", "adsl",
	    "vdsl", "xdsl", "dhcp", "pool", "ppp", "pppoe", "dialup", "dial",
	    "dip", "cable", "catv", "cust", "customer", "broadband", "fttx",
	    "ftth", "fttc", "res", "residential", "client", "clients", "hsd"};
	size_t k, i, z;

	/* A hex address: p4fd2c3a1, ip5b5b0102 (up to 3 letters first). */
	for (z = 0; z < n && z < 3 && IS_ALPHA((unsigned char)l[z]) &&
	     !IS_HEX((unsigned char)l[z]);
	     z++)
		;
	if (n - z == 8) {
		for (i = z; i < n && IS_HEX((unsigned char)l[i]); i++)
			;
		if (i == n)
			return (1);
	}
	/* A keyword, alone or with digits after it: dyn, dip0, pool-12. */
	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
		z = strlen(words[k]);
		if (n < z || strncasecmp(l, words[k], z) != 0)
			continue;
		for (i = z; i < n && IS_DIGIT((unsigned char)l[i]); i++)
			;
		if (i == n)
			return (1);
	}
	return (0);
}

/* dynamic_name - s[0..n) looks like a provider's name for a client line */
static int
dynamic_name(const char *s, size_t n)
{
	size_t i, b, digits = 0, dots = 0, numeric = 0;

	for (i = 0; i < n; i++) {
		digits += IS_DIGIT((unsigned char)s[i]) != 0;
		dots += s[i] == '.';
		numeric += IS_DIGIT((unsigned char)s[i]) || s[i] == '.';
	}
	if (dots == 0 || digits == 0 || numeric == n)
		return (0);
	/* A host name ends in a top-level domain of letters: a queue id
	 * such as 00400317.4C87FB1D.00000DF6 does not. */
	for (b = n; b > 0 && s[b - 1] != '.'; b--)
		;
	for (i = b; i < n && IS_ALPHA((unsigned char)s[i]); i++)
		;
	if (i < n || n - b < 2)
		return (0);
	if (embeds_ipv4(s, n))
		return (1);
	for (b = 0, i = 0; i <= n; i++)
		if (i == n || s[i] == '.' || s[i] == '-') {
			if (dynamic_label(s + b, i - b))
				return (1);
			b = i + 1;
		}
	return (0);
}

/* scan_names - host names in private zones, or like a client line's */
static int
scan_names(const struct detect_set *ds, unsigned kinds, const char *v,
    size_t len, struct detect_hits *h)
{
	size_t i = 0, e;

	while (i < len) {
		if (!IS_ALNUM((unsigned char)v[i]) ||
		    (i > 0 && (is_name_char(v[i - 1]) || v[i - 1] == '.'))) {
			i++;
			continue;
		}
		for (e = i; e < len && (is_name_char(v[e]) || v[e] == '.'); e++)
			;
		while (e > i && v[e - 1] == '.')
			e--;
		if (own_name(ds, v + i, e - i)) {
			i = e + 1;
			continue;
		}
		if ((kinds & DETECT_PRIVATE_HOST) &&
		    private_name(v + i, e - i)) {
			if (hit_add(h, i, e - i, DETECT_PRIVATE_HOST) < 0)
				return (-1);
		} else if ((kinds & DETECT_DYNAMIC_HOST) &&
		    dynamic_name(v + i, e - i) &&
		    hit_add(h, i, e - i, DETECT_DYNAMIC_HOST) < 0)
			return (-1);
		i = e + 1;
	}
	return (0);
}

/* account_end - the end of the account token at s */
static size_t
account_end(const char *v, size_t len, size_t s, int digits)
{
	size_t e;

	for (e = s; e < len && !IS_SPACE((unsigned char)v[e]) && v[e] != ')' &&
	     v[e] != ';' && v[e] != ',' && v[e] != '>';
	     e++)
		if (digits && !IS_DIGIT((unsigned char)v[e]))
			break;
	return (e);
}

/* scan_accounts - the login or user id in the forms MTAs and panels write */
static int
scan_accounts(const char *v, size_t len, struct detect_hits *h)
{
	static const struct {
		const char *mark;
		int digits; /* a number follows */
	} marks[] = {{"authenticated sender:", 0}, {"authenticated user:", 0},
	    {"authenticated as ", 0}, {"authenticated_id:", 0},
	    {"smtp.auth=", 0}, {"sasl_username=", 0}, {"auth=", 0},
	    {"from userid ", 1}, {"invoked by uid ", 1}, {"(from ", 0}};
	size_t i, k, z, s, e;
	const char *at;

	for (i = 0; i < len; i++) {
		int c = LC(v[i]);

		if (c != 'a' && c != 's' && c != 'f' && c != 'i' && c != '(')
			continue;
		for (k = 0; k < sizeof(marks) / sizeof(marks[0]); k++) {
			z = strlen(marks[k].mark);
			if (i + z > len ||
			    strncasecmp(v + i, marks[k].mark, z) != 0 ||
			    (i > 0 && IS_ALNUM((unsigned char)v[i - 1])))
				continue;
			for (s = i + z;
			     s < len && (v[s] == ' ' || v[s] == '\t'); s++)
				;
			e = account_end(v, len, s, marks[k].digits);
			/* Sendmail's MSP: "(from user@localhost)": the user. */
			if (marks[k].mark[0] == '(') {
				at = memchr(v + s, '@', e - s);
				if (at == NULL || (size_t)(v + e - at) != 10 ||
				    strncasecmp(at, "@localhost", 10) != 0)
					break;
				e = (size_t)(at - v);
			}
			if (e > s && hit_add(h, s, e - s, DETECT_ACCOUNT) < 0)
				return (-1);
			break;
		}
	}
	return (0);
}

/* product_word - a preposition that puts an address after it */
static int
product_word(const char *w, size_t n)
{
	static const char *const words[] = {"for", "from", "by", "via", "with",
	    "and", "at", "to", "host", "ip", "client", "addr", "address"};
	size_t k;

	for (k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (strlen(words[k]) == n && strncasecmp(words[k], w, n) == 0)
			return (1);
	return (0);
}

/* scan_products - "Name/1.2" and "Name 1.2.3" tokens */
static int
scan_products(const char *v, size_t len, struct detect_hits *h)
{
	size_t i = 0, e, d;

	while (i < len) {
		if (!IS_ALPHA((unsigned char)v[i]) ||
		    (i > 0 &&
		        (IS_ALNUM((unsigned char)v[i - 1]) ||
		            v[i - 1] == '.'))) {
			i++;
			continue;
		}
		for (e = i; e < len &&
		     (IS_ALNUM((unsigned char)v[e]) ||
		         (v[e] != 0 && strchr("+._-", v[e])));
		     e++)
			;
		/* Name, one "/" or space, digits, at least one ".digits". */
		d = e + 1;
		if (e - i >= 2 && e < len && (v[e] == '/' || v[e] == ' ') &&
		    d < len && IS_DIGIT(v[d])) {
			size_t k = d, dots = 0;

			while (k < len &&
			    (IS_DIGIT((unsigned char)v[k]) ||
			        (v[k] == '.' && k + 1 < len &&
			            IS_DIGIT(v[k + 1])))) {
				dots += v[k] == '.';
				k++;
			}
			while (k < len &&
			    (IS_ALNUM((unsigned char)v[k]) || v[k] == '-'))
				k++;
			/* "for 203.0.113.99", "via 10.0.0.1": a word and an
			 * address, not a product. */
			if (dots > 0 &&
			    !(dots == 3 && product_word(v + i, e - i))) {
				if (hit_add(h, i, k - i, DETECT_PRODUCT) < 0)
					return (-1);
				i = k;
				continue;
			}
		}
		i = e;
	}
	return (0);
}

/* grow_to_brackets - a hit inside "[...]" or "[IPv6:...]" covers them */
static void
grow_to_brackets(const char *v, size_t len, struct detect_hit *t)
{
	size_t b = t->off, e = t->off + t->len;

	if (ipv6_prefix_before(v, b))
		b -= 5;
	if (b > 0 && v[b - 1] == '[' && e < len && v[e] == ']') {
		t->off = b - 1;
		t->len = e + 1 - t->off;
	}
}

/* hit_cmp - by position, the longer first */
static int
hit_cmp(const void *x, const void *y)
{
	const struct detect_hit *a = x, *b = y;

	if (a->off != b->off)
		return (a->off < b->off ? -1 : 1);
	return (a->len > b->len ? -1 : a->len < b->len);
}

/* merge_hits - sort; overlapping hits become one */
static void
merge_hits(const char *v, size_t len, struct detect_hits *h)
{
	size_t i, o = 0;

	if (h->n == 0)
		return;
	for (i = 0; i < h->n; i++)
		grow_to_brackets(v, len, &h->v[i]);
	if (h->n > 1) /* qsort() wants a vector, and h->v is NULL at 0 */
		qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
	for (i = 0; i < h->n; i++) {
		struct detect_hit *last = o ? &h->v[o - 1] : NULL;

		if (last != NULL && h->v[i].off < last->off + last->len) {
			size_t end = h->v[i].off + h->v[i].len;

			if (end > last->off + last->len)
				last->len = end - last->off;
			last->kind |= h->v[i].kind;
			continue;
		}
		h->v[o++] = h->v[i];
	}
	h->n = o;
}

/* detect_scan - every hit of the wanted kinds in v[0..len) */
int
detect_scan(const struct detect_set *ds, unsigned kinds, const char *name,
    const char *v, size_t len, struct detect_hits *h)
{
	h->n = 0;
	if (((kinds & DETECT_SESSION) &&
	        scan_needles(ds, kinds, v, len, h) < 0) ||
	    ((kinds & DETECT_ADDRESS) && scan_addresses(ds, v, len, h) < 0) ||
	    ((kinds & DETECT_LOCAL_HOST) && name != NULL &&
	        strcasecmp(name, "Received") == 0 &&
	        scan_local_host(ds, v, len, h) < 0) ||
	    ((kinds & (DETECT_PRIVATE_HOST | DETECT_DYNAMIC_HOST)) &&
	        scan_names(ds, kinds, v, len, h) < 0) ||
	    ((kinds & DETECT_ACCOUNT) && scan_accounts(v, len, h) < 0) ||
	    ((kinds & DETECT_PRODUCT) && scan_products(v, len, h) < 0)) {
		h->n = 0;
		return (-1);
	}
	merge_hits(v, len, h);
	return ((int)h->n);
}

/* detect_hits_free - release the hits array */
void
detect_hits_free(struct detect_hits *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}
