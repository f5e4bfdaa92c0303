/*++
/* NAME
/*	packet 3
/* SUMMARY
/*	milter protocol packets from the MTA: framing and checks
/* SYNOPSIS
/*	See include/packet.h.
/* DESCRIPTION
/*	Implementation notes: the checks follow what libmilter's
/*	engine.c does with each command (st_macros() and dec_argv() for
/*	D, st_optionneg(), st_connectinfo(), st_helo(), dec_arg2() for L,
/*	the argv commands M and R). Every check reads only buf[0..len).
/*--*/
#include <string.h>

#include "packet.h"

/* packet_nuls - number of NUL bytes in data[0..len) */
static size_t
packet_nuls(const unsigned char *data, size_t len)
{
	const unsigned char *p = data, *end = data + len;
	size_t n = 0;

	while (p < end && (p = memchr(p, 0, (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return (n);
}

/* packet_macros - a stage (any: libmilter drops unknown ones), pairs */
static const char *
packet_macros(const unsigned char *d, size_t len)
{
	if (len < 1)
		return ("macros without a stage");
	if (len == 1)
		return (NULL);
	if (d[len - 1] != 0)
		return ("macro list not NUL-terminated");
	if (packet_nuls(d + 1, len - 1) % 2 != 0)
		return ("macro name without a value");
	return (NULL);
}

/* packet_connect - host, family, port and address */
static const char *
packet_connect(const unsigned char *d, size_t len)
{
	const unsigned char *nul = memchr(d, 0, len);
	size_t rest;

	if (nul == NULL)
		return ("connect: host name not NUL-terminated");
	rest = len - (size_t)(nul + 1 - d);
	if (rest < 1)
		return ("connect: no address family");
	if (nul[1] == 'U')
		return (NULL);
	if (strchr("L46", nul[1]) == NULL || nul[1] == 0)
		return ("connect: unknown address family");
	if (rest < 1 + 2 + 1 || d[len - 1] != 0)
		return ("connect: address not NUL-terminated");
	return (NULL);
}

/* packet_check - whether libmilter can take the packet; NULL: yes */
static const char *
packet_check(const struct packet *pk)
{
	const unsigned char *d = pk->data;
	size_t len = pk->len;

	switch (pk->cmd) {
	case 'D':
		return (packet_macros(d, len));
	case 'O':
		return (len < 12 ? "negotiation shorter than 12 bytes" : NULL);
	case 'C':
		return (packet_connect(d, len));
	case 'H':
	case 'M':
	case 'R':
	case 'U':
		return (len < 1 || d[len - 1] != 0 ? "string not NUL-terminated"
		                                   : NULL);
	case 'L':
		return (len < 2 || d[len - 1] != 0 || packet_nuls(d, len) < 2
		        ? "header not two NUL-terminated strings"
		        : NULL);
	case 'A':
	case 'B':
	case 'E':
	case 'K':
	case 'N':
	case 'Q':
	case 'T':
		return (NULL);
	default:
		return ("unknown command");
	}
}

/* packet_next - frame and check the first packet of buf */
enum packet_status
packet_next(const unsigned char *buf, size_t len, size_t max_data,
    struct packet *pk, const char **why)
{
	unsigned long n;

	memset(pk, 0, sizeof(*pk));
	*why = NULL;
	if (len < 4)
		return (PACKET_MORE);
	n = (unsigned long)buf[0] << 24 | (unsigned long)buf[1] << 16 |
	    (unsigned long)buf[2] << 8 | (unsigned long)buf[3];
	if (n < 1) {
		*why = "packet length 0";
		return (PACKET_BAD);
	}
	if (n - 1 > max_data) {
		*why = "packet longer than MaxDataSize";
		return (PACKET_BAD);
	}
	pk->size = PACKET_HDR + (size_t)(n - 1);
	if (len < pk->size)
		return (PACKET_MORE);
	pk->cmd = (char)buf[4];
	pk->data = buf + PACKET_HDR;
	pk->len = (size_t)(n - 1);
	if ((*why = packet_check(pk)) != NULL)
		return (PACKET_BAD);
	return (PACKET_OK);
}
