/*++
/* NAME
/*	cidr 3
/* SUMMARY
/*	IPv4 and IPv6 networks: parse "addr[/prefix]", test an address
/* DESCRIPTION
/*	The contract is in include/cidr.h. Addresses are parsed with
/*	inet_pton(); the prefix is compared byte by byte.
/*--*/
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"

/* cidr_host_bits - the bits of address byte i that lie beyond prefix */
static unsigned char
cidr_host_bits(unsigned prefix, unsigned i)
{
	if (i * 8 >= prefix)
		return (0xff);
	if (i * 8 + 8 <= prefix)
		return (0);
	return ((unsigned char)(0xffu >> (prefix - i * 8)));
}

/* cidr_parse - "addr[/prefix]" into c; -1 with why */
int
cidr_parse(const char *w, size_t len, struct cidr *c, char *why, size_t whylen)
{
	char buf[128], *slash, *end, *a, ntext[INET6_ADDRSTRLEN];
	struct cidr net;
	unsigned long prefix;
	unsigned maxp, i;

	memset(c, 0, sizeof(*c));
	if (len == 0 || len >= sizeof(buf)) {
		snprintf(why, whylen, "not an IPv4 or IPv6 address");
		return (-1);
	}
	memcpy(buf, w, len);
	buf[len] = 0;
	a = buf;
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = 0;
	/* Allow [IPv6] as in Postfix cidr tables. */
	if (a[0] == '[' && a[strlen(a) - 1] == ']') {
		a[strlen(a) - 1] = 0;
		a++;
	}
	if (inet_pton(AF_INET, a, c->addr) == 1) {
		c->family = AF_INET;
		maxp = 32;
	} else if (inet_pton(AF_INET6, a, c->addr) == 1) {
		c->family = AF_INET6;
		maxp = 128;
	} else {
		snprintf(
		    why, whylen, "\"%s\" is not an IPv4 or IPv6 address", a);
		return (-1);
	}
	if (slash == NULL) {
		c->prefix = maxp;
		return (0);
	}
	errno = 0;
	prefix = strtoul(slash + 1, &end, 10);
	if (slash[1] == 0 || *end != 0 || !isdigit((unsigned char)slash[1]) ||
	    errno != 0 || prefix > maxp) {
		snprintf(why, whylen,
		    "prefix length \"%s\" must be a number from 0 to %u",
		    slash + 1, maxp);
		return (-1);
	}
	c->prefix = (unsigned)prefix;
	net = *c;
	for (i = 0; i < maxp / 8; i++)
		net.addr[i] &= (unsigned char)~cidr_host_bits(c->prefix, i);
	if (memcmp(net.addr, c->addr, maxp / 8) != 0) {
		inet_ntop(c->family, net.addr, ntext, sizeof(ntext));
		snprintf(why, whylen,
		    "address has bits set beyond the prefix length /%u (did you mean %s/%u?)",
		    c->prefix, ntext, c->prefix);
		return (-1);
	}
	return (0);
}

/* cidr_contains - the address lies in the network */
int
cidr_contains(const struct cidr *n, int family, const unsigned char *addr)
{
	static const unsigned char v4mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	unsigned bits = n->prefix, i;

	/* An IPv4-mapped IPv6 client matches IPv4 networks. */
	if (family == AF_INET6 && n->family == AF_INET &&
	    memcmp(addr, v4mapped, 12) == 0) {
		family = AF_INET;
		addr += 12;
	}
	if (family != n->family)
		return (0);
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (addr[i] != n->addr[i])
			return (0);
	if (bits > 0 &&
	    ((addr[i] ^ n->addr[i]) & (unsigned char)(0xff << (8 - bits))))
		return (0);
	return (1);
}
