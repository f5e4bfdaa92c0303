/*++
/* NAME
/*	noop-naive 8
/* SUMMARY
/*	baseline: a no-op libmilter milter with libmilter's defaults
/* SYNOPSIS
/*	noop-naive -p SOCKET
/* DESCRIPTION
/*	The simplest milter one writes from the libmilter documentation:
/*	header and end-of-message callbacks, no negotiate callback. libmilter
/*	asks the MTA not to send the steps that have no callback (SMFIP_NO*
/*	for connect, HELO, MAIL, RCPT, DATA, end of headers, body, unknown),
/*	but every header and the end of message are answered, one round trip
/*	each. It changes nothing. The benchmarks measure privacy-milter
/*	against it (bench/run).
/* DIAGNOSTICS
/*	Exit 0 after SIGTERM, 1 when the socket cannot be set up, 64 on
/*	usage errors.
/*--*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

/* naive_header - look at one header, ask for the next */
static sfsistat
naive_header(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	(void)name;
	(void)value;
	return (SMFIS_CONTINUE);
}

/* naive_eom - end of message: accept unchanged */
static sfsistat
naive_eom(SMFICTX *ctx)
{
	(void)ctx;
	return (SMFIS_CONTINUE);
}

static struct smfiDesc naive_desc = {
    .xxfi_name = "noop-naive",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = 0,
    .xxfi_header = naive_header,
    .xxfi_eom = naive_eom,
};

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "p:")) != -1) {
		if (ch != 'p') {
			fprintf(stderr, "usage: noop-naive -p SOCKET\n");
			return (64);
		}
		sock = optarg;
	}
	if (sock == NULL || optind != argc) {
		fprintf(stderr, "usage: noop-naive -p SOCKET\n");
		return (64);
	}
	if (smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_register(naive_desc) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "noop-naive: cannot set up %s\n", sock);
		return (1);
	}
	return (smfi_main() == MI_SUCCESS ? 0 : 1);
}
