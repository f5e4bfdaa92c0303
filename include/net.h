/*++
/* NAME
/*	net 3h
/* SUMMARY
/*	IPv4 and IPv6 networks: parse "addr[/prefix]", test membership
/* SYNOPSIS
/*	#include "net.h"
/* DESCRIPTION
/*	struct pm_net is one network, as Postfix cidr tables write it:
/*	an IPv4 or IPv6 address with an optional prefix length (a host
/*	when absent); "[IPv6]" in brackets is accepted.
/*
/*	pm_net_parse() parses s[0..len). A prefix with host bits set
/*	beyond it is an error (as in Postfix), and so is a prefix longer
/*	than the family allows.
/*
/*	pm_net_has() says whether the binary address (network byte
/*	order; 4 bytes for AF_INET, 16 for AF_INET6) lies inside the
/*	network. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) matches
/*	IPv4 networks.
/* DIAGNOSTICS
/*	pm_net_parse() returns -1 and a sentence in why (a user can act on
/*	it: "\"x\" is not an IPv4 or IPv6 address", "prefix length ...",
/*	"address has bits set beyond the prefix length /24 (did you mean
/*	192.0.2.0/24?)", the wording rules have always used), 0 on success.
/*--*/
#ifndef PM_NET_H
#define PM_NET_H

#include <stddef.h>

struct pm_net {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network byte order */
	unsigned prefix; /* 0..32 or 0..128 */
};

int pm_net_parse(
    const char *s, size_t len, struct pm_net *, char *why, size_t whylen);
int pm_net_has(const struct pm_net *, int family, const unsigned char *addr);

#endif
