/*++
/* NAME
/*	detect 3h
/* SUMMARY
/*	find personal data in a header value by what it is
/* SYNOPSIS
/*	#include "detect.h"
/* DESCRIPTION
/*	A detector finds the parts of a header value that identify the
/*	sender's machine, network or account, whatever the header's name.
/*	Rules name the kinds they act on ("find session, address"); the
/*	offline audit uses the same detectors to report what would still
/*	leak. Pure: no libmilter, no I/O.
/*
/*	Kinds (DETECT_*, names as rules write them):
/* .IP "client-address"
/*	the session's client address in every textual form: IPv4 dotted,
/*	dashed ("203-0-113-45"), reversed ("45.113.0.203", "45-113-0-203"),
/*	zero-padded ("203.000.113.045", "203000113045") and hex
/*	("cb00712d", as in p4fd2c3a1.dip0.t-ipconnect.de); IPv6 compressed,
/*	fully expanded, with or without leading zeros (any case, with or
/*	without "IPv6:" or brackets); an IPv4-mapped IPv6 client counts as
/*	IPv4. A loopback client (a local submission) has no address worth
/*	finding.
/* .IP "client-name"
/*	the session's PTR name (not "unknown", "localhost" or a bracketed
/*	address).
/* .IP helo
/*	the HELO/EHLO name (not localhost, not an address literal, not
/*	the client name again).
/* .IP login
/*	the SASL login (five characters or more when it is letters only:
/*	"web" and "info" are words too) and, when the login is an
/*	address, its local part (three characters or more) as a whole
/*	word.
/* .IP session
/*	the four kinds above.
/* .IP address
/*	any IPv4 or IPv6 address literal (with an IPv6 zone id such as
/*	"%13") outside the keep networks; never one joined to a "/" (a
/*	version pair such as "(8.17.1.9/8.17.1.9)" or a CIDR) but the
/*	host of a URL ("https://192.0.2.1/"), inside a longer dotted or
/*	dashed number, or after "version", "release" or "build".
/* .IP local-host
/*	in a Received header, the by-host of a hop that by its form was a
/*	submission on the sender's own machine: Sendmail's MSP
/*	("(8.x/8.x/Submit)"), Exim's "with local", Postfix's "(Postfix, from
/*	userid N)", sSMTP, the DragonFly Mail Agent, and Sendmail's MTA hop
/*	taking mail from the local MSP ("from H (... [127.0.0.1]) by H").
/* .IP private-host
/*	host names in private zones (.lan, .local, .home, .home.arpa,
/*	.internal, .intranet, .intern, .corp, .private, .localdomain,
/*	.localnet, .fritz.box) and Windows' default machine names
/*	(DESKTOP-XXXXXXX, LAPTOP-XXXXXXX, WIN-XXXXXXXXXXX).
/* .IP dynamic-host
/*	a host name that looks like an access provider's name for a client
/*	line: it embeds an IPv4 address (dsl-203-0-113-45.example.net,
/*	45.113.0.203.example.net), a hex one (p4fd2c3a1.dip0.example.net,
/*	ip5b5b0102.example.net), or a label such as dyn, dynamic, dsl,
/*	dhcp, pool, ppp, dialup, dip, cable, cust, customer, broadband,
/*	ftth, res, client (alone or followed by digits).
/* .IP account
/*	the login or user id after "Authenticated sender:", "authenticated
/*	user:", "authenticated as", "authenticated_id:" (cPanel),
/*	"smtp.auth=", "sasl_username=", "auth=", "from userid", "invoked
/*	by uid" (qmail, nullmailer), and the user of Sendmail's "(from
/*	user@localhost)".
/* .IP product
/*	a product and version token ("Thunderbird/115.3.1", "Exim 4.96"):
/*	reported by the audit; a client fingerprint.
/* .PP
/*	Names of this server (own names: {j}, AuthservID) and "localhost"
/*	are never found, and neither is the text "[redacted]".
/*
/*	detect_prepare() builds the needles of one session (every textual
/*	form of its values, lower-cased) for detect_scan(), in the set
/*	itself: no allocation. The session's values are copied; the own
/*	names and keep networks are the caller's and must outlive the set.
/*	detect_free() empties a set (there is nothing to release).
/*
/*	detect_scan() appends to hits every part of v[0..len) that one of
/*	the kinds finds, in order of position; overlapping parts are
/*	merged into one whose kind is the union. name is the header's
/*	name (local-host looks only at Received). hits is reset first.
/*
/*	detect_kind_parse() maps a kind's name (len bytes) to its bits;
/*	detect_kind_name() names one bit.
/* DIAGNOSTICS
/*	detect_prepare() returns 0 (a value too long for a needle is not
/*	looked for). detect_scan() returns -1 when memory runs out (hits
/*	are then empty), else the number of hits. detect_kind_parse()
/*	returns 0 for an unknown name.
/*--*/
#ifndef PM_DETECT_H
#define PM_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"

#define DETECT_CLIENT_ADDRESS 0x01u
#define DETECT_CLIENT_NAME 0x02u
#define DETECT_HELO 0x04u
#define DETECT_LOGIN 0x08u
#define DETECT_SESSION 0x0fu
#define DETECT_ADDRESS 0x10u
#define DETECT_LOCAL_HOST 0x20u
#define DETECT_PRIVATE_HOST 0x40u
#define DETECT_PRODUCT 0x80u
#define DETECT_DYNAMIC_HOST 0x100u
#define DETECT_ACCOUNT 0x200u
#define DETECT_ALL 0x3ffu
#define DETECT_NKINDS 10 /* bits in DETECT_ALL: bit i is (1u << i) */

struct detect_input {
	int family; /* AF_INET, AF_INET6, 0: no client address */
	const unsigned char *addr; /* 4 or 16 bytes, network order */
	const char *client_name; /* NULL: none */
	const char *helo;
	const char *login;
	const char *const *own; /* this server's names */
	size_t nown;
	const struct pm_net *keep; /* networks "address" leaves alone */
	size_t nkeep;
};

#define DETECT_MAX_NEEDLES 32 /* a session has about 16 forms */
#define DETECT_NEEDLE_MAX 256 /* longer names are not DNS names */

/* One textual form of a session value. */
struct detect_needle {
	char s[DETECT_NEEDLE_MAX]; /* lower-case */
	size_t len;
	unsigned kind;
	int bound; /* the boundary rule (detect.c) */
};

/* The detectors of one session: no allocation, nothing to free. */
struct detect_set {
	struct detect_needle v[DETECT_MAX_NEEDLES];
	size_t n;
	uint32_t first[256]; /* needles starting with a byte, any case */
	const char *const *own; /* the caller's: must outlive the set */
	size_t nown;
	const struct pm_net *keep; /* the caller's too */
	size_t nkeep;
};

struct detect_hit {
	size_t off;
	size_t len;
	unsigned kind;
};

struct detect_hits {
	struct detect_hit *v;
	size_t n;
	size_t cap;
};

int detect_prepare(struct detect_set *, const struct detect_input *);
void detect_free(struct detect_set *);
int detect_scan(const struct detect_set *, unsigned kinds, const char *name,
    const char *v, size_t len, struct detect_hits *);
void detect_hits_free(struct detect_hits *);
unsigned detect_kind_parse(const char *name, size_t len);
const char *detect_kind_name(unsigned bit);

#endif
