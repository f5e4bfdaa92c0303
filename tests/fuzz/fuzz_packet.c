/*++
/* NAME
/*	fuzz_packet 1
/* SUMMARY
/*	libFuzzer target: the front's packet framing and checks
/* SYNOPSIS
/*	fuzz_packet [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	The input is what an MTA might send on one connection (the socket
/*	fuzzer's corpus, tests/hostile/corpus/, is a good seed). The first
/*	byte picks MaxDataSize (65535, 262143 or 1048575, or a small 64 to
/*	reach the limit often); packet_next() then frames the rest packet
/*	by packet, as the front does, until PACKET_MORE or PACKET_BAD.
/*
/*	Invariants: a packet never extends past the input; its size is
/*	5 + its data length; data is at most MaxDataSize; PACKET_BAD comes
/*	with a reason. For each macro packet passed on, the walk libmilter
/*	does (dec_argv() splits at every NUL; smfi_getsymval() steps two
/*	strings at a time until a NULL) is replayed on the split and must
/*	stay inside the list: the flaw the checks are there for (issue 14).
/*--*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "packet.h"

/* libmilter_walk_ok - dec_argv() + smfi_getsymval()'s walk stay inside */
static int
libmilter_walk_ok(const unsigned char *buf, size_t len)
{
	size_t i, nelem = 0, s;

	for (i = 0; i < len; i++)
		if (buf[i] == 0)
			nelem++;
	if (nelem == 0)
		return (1); /* dec_argv() fails: libmilter drops the packet */
	/* argv[0..nelem) strings, argv[nelem] NULL; steps of two. */
	for (s = 0; s < nelem; s += 2)
		;
	return (s == nelem); /* stopped on the NULL, not past it */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t maxes[] = {65535, 262143, 1048575, 64};
	const unsigned char *p;
	struct packet pk;
	const char *why;
	size_t max, left;
	char *copy;
	enum packet_status st;

	if (size < 1)
		return (0);
	max = maxes[data[0] % 4];
	copy = fuzz_dup(data + 1, size - 1);
	p = (const unsigned char *)copy;
	left = size - 1;
	for (;;) {
		st = packet_next(p, left, max, &pk, &why);
		if (st == PACKET_MORE)
			break;
		if (st == PACKET_BAD) {
			FUZZ_ASSERT(why != NULL);
			break;
		}
		FUZZ_ASSERT(pk.size <= left);
		FUZZ_ASSERT(pk.size == PACKET_HDR + pk.len);
		FUZZ_ASSERT(pk.len <= max);
		FUZZ_ASSERT(pk.data == p + PACKET_HDR);
		if (pk.cmd == 'D' && pk.len > 1)
			FUZZ_ASSERT(libmilter_walk_ok(pk.data + 1, pk.len - 1));
		p += pk.size;
		left -= pk.size;
	}
	free(copy);
	return (0);
}
