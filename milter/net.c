/*++
/* NAME
/*	net 3
/* SUMMARY
/*	IPv4 and IPv6 networks
/* DESCRIPTION
/*	The contract is in include/net.h. A mask byte is computed by
/*	net_mask_byte(), the one place that knows how a prefix covers the
/*	bytes of an address.
/*--*/
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"

/* net_mask_byte - the bits of byte i that a prefix covers */
static unsigned
net_mask_byte(unsigned prefix, unsigned i)
{
	if (prefix >= i * 8 + 8)
		return (0xff);
	if (prefix <= i * 8)
		return (0);
	return ((0xff00u >> (prefix - i * 8)) & 0xff);
}

/* pm_net_parse - "addr[/prefix]" into n */
int
pm_net_parse(
    const char *s, size_t len, struct pm_net *n, char *why, size_t whylen)
{
	char buf[128], *slash, *end, *a;
	unsigned long prefix;
	unsigned maxp, i, bytes;
	int bad = 0;

	memset(n, 0, sizeof(*n));
	if (len == 0 || len >= sizeof(buf)) {
		snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return (-1);
	}
	memcpy(buf, s, len);
	buf[len] = 0;
	a = buf;
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = 0;
	/* Allow [IPv6] as in Postfix cidr tables. */
	if (a[0] == '[' && a[strlen(a) - 1] == ']') {
		a[strlen(a) - 1] = 0;
		a++;
	}
	if (inet_pton(AF_INET, a, n->addr) == 1) {
		n->family = AF_INET;
		maxp = 32;
	} else if (inet_pton(AF_INET6, a, n->addr) == 1) {
		n->family = AF_INET6;
		maxp = 128;
	} else {
		snprintf(
		    why, whylen, "\"%s\" is not an IPv4 or IPv6 address", a);
		return (-1);
	}
	n->prefix = maxp;
	if (slash == NULL)
		return (0);
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (!isdigit((unsigned char)slash[1]) || *end != 0 || errno != 0 ||
	    prefix > maxp) {
		snprintf(why, whylen,
		    "prefix length \"%s\" must be a number from 0 to %u",
		    slash + 1, maxp);
		return (-1);
	}
	n->prefix = (unsigned)prefix;
	bytes = maxp / 8;
	for (i = 0; i < bytes; i++)
		if (n->addr[i] & ~net_mask_byte(n->prefix, i) & 0xff)
			bad = 1;
	if (bad) {
		char net[INET6_ADDRSTRLEN];
		unsigned char masked[16];

		for (i = 0; i < bytes; i++)
			masked[i] = (unsigned char)(n->addr[i] &
			    net_mask_byte(n->prefix, i));
		inet_ntop(n->family, masked, net, sizeof(net));
		snprintf(why, whylen,
		    "address has bits set beyond the prefix length /%u (did you mean %s/%u?)",
		    n->prefix, net, n->prefix);
		return (-1);
	}
	return (0);
}

/* pm_net_has - the address lies inside the network */
int
pm_net_has(const struct pm_net *n, int family, const unsigned char *addr)
{
	static const unsigned char v4mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	unsigned i, m;

	/* An IPv4-mapped IPv6 address matches IPv4 networks. */
	if (family == AF_INET6 && n->family == AF_INET &&
	    memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
		family = AF_INET;
		addr += 12;
	}
	if (family != n->family)
		return (0);
	for (i = 0; i < (family == AF_INET ? 4u : 16u); i++) {
		m = net_mask_byte(n->prefix, i);
		if (m == 0)
			break;
		if ((addr[i] & m) != (n->addr[i] & m))
			return (0);
	}
	return (1);
}
