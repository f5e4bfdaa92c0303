/*++
/* NAME
/*	cidr 3h
/* SUMMARY
/*	IPv4 and IPv6 networks: parse "addr[/prefix]", test an address
/* SYNOPSIS
/*	#include "cidr.h"
/*
/*	int	cidr_parse(const char *s, size_t len, struct cidr *c,
/*		    char *why, size_t whylen)
/*	int	cidr_contains(const struct cidr *c, int family,
/*		    const unsigned char *addr)
/* DESCRIPTION
/*	cidr_parse() reads len bytes of s as an IPv4 or IPv6 address with
/*	an optional prefix length ("192.0.2.0/24", "2001:db8::/32"; an
/*	IPv6 address may be written in brackets, as in Postfix cidr
/*	tables). Without a prefix the network is the one address. As in
/*	Postfix cidr tables, an address with bits set beyond its prefix is
/*	refused, and the message names the network that was probably
/*	meant.
/*
/*	cidr_contains() is 1 when addr (network byte order, 4 bytes for
/*	AF_INET, 16 for AF_INET6) lies in the network; an IPv4-mapped IPv6
/*	address (::ffff:a.b.c.d) is tested against IPv4 networks as the
/*	IPv4 address it carries.
/* DIAGNOSTICS
/*	cidr_parse() returns -1 and writes a sentence to why ("\"x\" is
/*	not an IPv4 or IPv6 address", "prefix length \"33\" must be a
/*	number from 0 to 32", "address has bits set beyond the prefix
/*	length /24 (did you mean 192.0.2.0/24?)").
/*--*/
#ifndef PM_CIDR_H
#define PM_CIDR_H

#include <stddef.h>

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network byte order */
	unsigned prefix;
};

int cidr_parse(
    const char *s, size_t len, struct cidr *, char *why, size_t whylen);
int cidr_contains(const struct cidr *, int family, const unsigned char *addr);

#endif
