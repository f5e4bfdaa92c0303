/*++
/* NAME
/*	packet 3h
/* SUMMARY
/*	milter protocol packets from the MTA: framing and the checks
/*	libmilter leaves out (pure: no libmilter, no I/O)
/* SYNOPSIS
/*	#include "packet.h"
/* DESCRIPTION
/*	A packet is a 4-byte big-endian length, a command byte and
/*	length - 1 bytes of data (libmilter's mfdef.h). The front (see
/*	front.h) reads what the MTA sends, and passes a packet on to
/*	libmilter only when packet_next() says PACKET_OK: libmilter itself
/*	trusts some of what it reads, and one malformed packet could
/*	crash the whole child (issue 14: a macro packet with an odd number
/*	of strings makes smfi_getsymval() walk past the end of its list).
/*
/*	packet_next() looks at the first packet of buf[0..len):
/*	PACKET_MORE when it is not complete yet (*pk->size tells how
/*	many bytes it needs once the length is known, 0 before);
/*	PACKET_OK with *pk filled when it is complete and passes the
/*	checks below; PACKET_BAD with *why (a static phrase for the log)
/*	otherwise. A length below 1 or data over max_data (MaxDataSize,
/*	what libmilter accepts) is PACKET_BAD as soon as the length is
/*	read, so a buffer never grows past max_data + PACKET_HDR.
/*
/*	The checks, per command (names as in mfdef.h):
/* .IP "D (macros)"
/*	a stage byte (any: Postfix sends one with every event, and
/*	libmilter drops the stages it does not keep), then nothing
/*	(Postfix sends empty lists), or NUL-terminated strings, an even
/*	number of them: name, value, name, value, ...
/* .IP "O (negotiate)"
/*	at least 12 bytes (version, actions, steps).
/* .IP "C (connect)"
/*	a NUL-terminated host name and a family byte (U, L, 4 or 6); unless
/*	U, a 2-byte port and a NUL-terminated address ending the data.
/* .IP "H, M, R, U (HELO, MAIL, RCPT, unknown)"
/*	data that ends with a NUL.
/* .IP "L (header)"
/*	a NUL-terminated name and a NUL-terminated value ending the data.
/* .IP "A, B, E, K, N, Q, T"
/*	anything (their data is a body chunk or ignored).
/* .PP
/*	Any other command byte is PACKET_BAD. The state machine (which
/*	command may follow which) is libmilter's: out-of-order commands
/*	are ignored there, never read past their data.
/*--*/
#ifndef PM_PACKET_H
#define PM_PACKET_H

#include <stddef.h>

#define PACKET_HDR 5 /* length (4 bytes) and command */

enum packet_status {
	PACKET_MORE,
	PACKET_OK,
	PACKET_BAD,
};

struct packet {
	char cmd;
	const unsigned char *data; /* after the command byte */
	size_t len; /* of data */
	size_t size; /* of the whole packet: PACKET_HDR + len */
};

enum packet_status packet_next(const unsigned char *buf, size_t len,
    size_t max_data, struct packet *pk, const char **why);

#endif
