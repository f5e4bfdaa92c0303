/*++
/* NAME
/*	noop-opt 8
/* SUMMARY
/*	baseline: a no-op libmilter milter that negotiates away what it can
/* SYNOPSIS
/*	noop-opt [-e] [-m] -p SOCKET
/* DESCRIPTION
/*	The practical limit of the libmilter path: a milter that reads the
/*	headers and answers only at end of message. Its negotiate callback
/*	asks the MTA not to send any step it has no use for (SMFIP_NOCONNECT,
/*	NOHELO, NOMAIL, NORCPT, NODATA, NOEOH, NOBODY, NOUNKNOWN) and not to
/*	wait for a reply to each header (SMFIP_NR_HDR), so a whole message
/*	costs one round trip. It changes nothing.
/*
/*	With -e it also takes what privacy-milter needs besides the headers,
/*	connect, HELO and MAIL (for the session's macros), without replies
/*	(SMFIP_NR_CONN, NR_HELO, NR_MAIL), and header values with their
/*	leading space (SMFIP_HDR_LEADSPC): the same protocol traffic as
/*	privacy-milter with none of its work, to separate the protocol's
/*	cost from the engine's.
/*
/*	With -m it makes, at end of message, the six edits privacy-milter
/*	makes on the benchmark message (bench/benchmsg.h): insert X-TLS-Info,
/*	change the three Received, delete User-Agent and X-Originating-IP,
/*	with fixed values. With -e, this is privacy-milter's protocol traffic
/*	in full, without its engine: what remains between the two is the
/*	cost of computing the edits.
/* DIAGNOSTICS
/*	Exit 0 after SIGTERM, 1 when the socket cannot be set up, 64 on
/*	usage errors.
/*--*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

static int opt_envelope; /* -e: take connect, HELO, MAIL */
static int opt_nr_hdr; /* SMFIP_NR_HDR was granted */
static int opt_edits; /* -m: make privacy-milter's edits */

/* opt_negotiate - ask for headers and end of message only */
static sfsistat
opt_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0, unsigned long *pf1,
    unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL |
	    SMFIP_NORCPT | SMFIP_NODATA | SMFIP_NOEOH | SMFIP_NOBODY |
	    SMFIP_NOUNKNOWN | SMFIP_NR_HDR;

	(void)ctx;
	(void)f2;
	(void)f3;
	if (opt_envelope)
		want =
		    (want & ~(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL)) |
		    SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL |
		    SMFIP_HDR_LEADSPC;
	*pf0 = opt_edits ? (SMFIF_ADDHDRS | SMFIF_CHGHDRS) & f0 : 0;
	*pf1 = want & f1; /* only what the MTA offers */
	*pf2 = 0;
	*pf3 = 0;
	opt_nr_hdr = (*pf1 & SMFIP_NR_HDR) != 0;
	return (SMFIS_CONTINUE);
}

/* opt_connect - connect: nothing to do, no reply */
static sfsistat
opt_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	(void)ctx;
	(void)host;
	(void)sa;
	return (SMFIS_NOREPLY);
}

/* opt_helo - HELO: nothing to do, no reply */
static sfsistat
opt_helo(SMFICTX *ctx, char *helo)
{
	(void)ctx;
	(void)helo;
	return (SMFIS_NOREPLY);
}

/* opt_envfrom - MAIL: nothing to do, no reply */
static sfsistat
opt_envfrom(SMFICTX *ctx, char **argv)
{
	(void)ctx;
	(void)argv;
	return (SMFIS_NOREPLY);
}

/* opt_header - look at one header; no reply when NR_HDR was granted */
static sfsistat
opt_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return (opt_nr_hdr ? SMFIS_NOREPLY : SMFIS_CONTINUE);
}

/* opt_eom - end of message: accept (with -m: after the edits) */
static sfsistat
opt_eom(SMFICTX *ctx)
{
	static const char *const rcvd[] = {
	    " by mail.example.org (amavis, port 10024) with ESMTP id"
	    " 3kQ9xWv1Zt2m\n\tfor <bob@example.com>;"
	    " Mon, 23 Nov 2026 19:00:01 +0000 (UTC)",
	    " by msa.example.org (Postfix) with ESMTPSA id 4ZbQ1x2yZ3z9s\n"
	    "\tfor <bob@example.com>; Mon, 23 Nov 2026 19:00:00 +0000 (UTC)",
	    " by vpn-gw.example.org with esmtpa (Exim 4.96) id"
	    " 1t9XyZ-000AbC-2Q;\n\tMon, 23 Nov 2026 18:59:59 +0000",
	};
	int i;

	if (!opt_edits)
		return (SMFIS_CONTINUE);
	(void)smfi_insheader(ctx, 1, "X-TLS-Info",
	    " mail.example.org; version=TLSv1.3;"
	    " cipher=TLS_AES_256_GCM_SHA384;\n\tbits=256; pfs=yes;"
	    " client-cert=none");
	for (i = 3; i >= 1; i--)
		(void)smfi_chgheader(ctx, "Received", i, (char *)rcvd[i - 1]);
	(void)smfi_chgheader(ctx, "User-Agent", 1, NULL);
	(void)smfi_chgheader(ctx, "X-Originating-IP", 1, NULL);
	return (SMFIS_CONTINUE);
}

static struct smfiDesc opt_desc = {
    .xxfi_name = "noop-opt",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = 0,
    .xxfi_header = opt_header,
    .xxfi_eom = opt_eom,
    .xxfi_negotiate = opt_negotiate,
};

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	int ch, bad = 0;

	while (!bad && (ch = getopt(argc, argv, "emp:")) != -1) {
		switch (ch) {
		case 'e':
			opt_envelope = 1;
			break;
		case 'm':
			opt_edits = 1;
			break;
		case 'p':
			sock = optarg;
			break;
		default:
			bad = 1;
			break;
		}
	}
	if (bad || sock == NULL || optind != argc) {
		fprintf(stderr, "usage: noop-opt [-e] [-m] -p SOCKET\n");
		return (64);
	}
	if (opt_edits)
		opt_desc.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	if (opt_envelope) {
		opt_desc.xxfi_connect = opt_connect;
		opt_desc.xxfi_helo = opt_helo;
		opt_desc.xxfi_envfrom = opt_envfrom;
	}
	if (smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_register(opt_desc) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "noop-opt: cannot set up %s\n", sock);
		return (1);
	}
	return (smfi_main() == MI_SUCCESS ? 0 : 1);
}
