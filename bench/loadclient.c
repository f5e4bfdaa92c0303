/*++
/* NAME
/*	loadclient 1
/* SUMMARY
/*	milter protocol load generator: plays the MTA side, as Postfix does
/* SYNOPSIS
/*	loadclient -s SOCKET [-c CONNS] [-m MSGS] [-d SECONDS] [-n PER_SESSION]
/*		[-k] [-A EVERY] [-p PID] [-H MILLISECONDS [-W LOGFILE]]
/*		[-b BODYBYTES] [-l LABEL] [-v]
/*	loadclient -M [-b BODYBYTES]
/* DESCRIPTION
/*	loadclient speaks the Sendmail 8 milter protocol, version 6, over a
/*	unix socket, exactly as an MTA does: it offers every protocol step
/*	and action (SMFIC_OPTNEG), honours what the milter negotiates away
/*	(SMFIP_NO*: the event is not sent, though its macros are, as Postfix
/*	does) and the no-reply flags (SMFIP_NR_*: no reply is awaited), sends
/*	SMFIC_MACRO before each event (or only the macros the milter asked
/*	for with SMFIR_SETSYMLIST), and reads modification requests at end
/*	of message until the final reply. Commands that need no reply are
/*	buffered and written together with the next one that does, as
/*	Postfix's VSTREAM does.
/*
/*	CONNS threads each run MSGS messages (or run for SECONDS). Every
/*	PER_SESSION messages (default 1: one message per SMTP session, a
/*	new milter connection per session as Postfix does) the session ends
/*	with SMFIC_QUIT and the socket is closed; with -k the socket is
/*	kept and SMFIC_QUIT_NC announces the next session (Sendmail).
/*	With -A N every Nth message is aborted after the headers
/*	(SMFIC_ABORT, as an RSET does); aborted messages are counted apart.
/*
/*	Each message is a realistic authenticated submission: 20 headers
/*	(three Received, User-Agent, a folded References and Autocrypt) and
/*	a body of BODYBYTES (default 4096) in one chunk; the macros are
/*	those of an authenticated TLS 1.3 session: {daemon_name},
/*	{daemon_port}, j, _ at connect; {tls_version}, {cipher},
/*	{cipher_bits} at HELO; i, {auth_type}, {auth_authen}, {mail_addr}
/*	at MAIL; {rcpt_addr} at RCPT; i at DATA and end of message.
/*
/*	Per-message latency runs from the message's first command (for the
/*	first message of a session: from connect(), so the session set-up
/*	is included) to the final reply. With -p PID the CPU seconds (user +
/*	system) used by PID and all its descendants during the run, and
/*	their summed peak RSS (VmHWM), are reported: a supervisor with a
/*	worker child is measured as a whole (pages the two still share
/*	after fork() count twice: the sum is an upper bound); rss_max_kib is
/*	the largest single process's VmHWM. With -H MS, SIGHUP is sent to
/*	PID every MS milliseconds while the load runs. With -W LOGFILE (the
/*	milter's log) each SIGHUP waits for the next "reload: generation"
/*	line, and the time from SIGHUP to that line is the reload time; the
/*	next SIGHUP follows MS after the previous one, or at once when the
/*	reload took longer (the milter then reloads back to back).
/*
/*	The result is one line of key=value pairs on stdout:
/*	label, conns, msgs (completed), secs, msgs_per_s, p50_ms, p99_ms,
/*	max_ms, changes_per_msg (modification requests per message), chg,
/*	del, ins, add (per kind, totals), accept, cont (final replies),
/*	rejected (reject/tempfail/discard/replycode), aborted, errors
/*	(protocol or I/O failures), hups, cpu_s, cpu_us_per_msg, rss_kib,
/*	rss_max_kib,
/*	proto (the milter's protocol flags, hex); with -W also reloads,
/*	reload_p50_ms, reload_max_ms. With -c 0 -d SECONDS -H MS no load
/*	runs: the reload time of an idle milter. -v also prints the
/*	negotiation and the modification requests of the first message on
/*	stderr.
/*
/*	-M prints the benchmark message as a file (for smtp-source -F in
/*	bench/postfix-bench) and exits.
/* DIAGNOSTICS
/*	Exit 0 when every message completed without protocol error, 1 when
/*	a message failed, 64 on usage errors.
/*--*/
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "benchmsg.h"

#define LC_MAX_REPLY (1024 * 1024) /* bound on one milter reply */
#define LC_RBUF 65536
#define LC_TIMEOUT 30 /* seconds without a reply: an error */
#define LC_MAX_PROCS 64 /* process tree size we follow */

/* Protocol steps an MTA offers (Postfix 3.7 with milter_protocol = 6). */
#define LC_OFFER_PROT SMFI_CURR_PROT
#define LC_OFFER_ACTS SMFI_CURR_ACTS

/* SMFIR_SETSYMLIST stages. */
enum lc_stage {
	LC_M_CONNECT,
	LC_M_HELO,
	LC_M_MAIL,
	LC_M_RCPT,
	LC_M_DATA,
	LC_M_EOM,
	LC_M_EOH,
	LC_M_NSTAGES,
};

struct lc_macro {
	const char *name;
	const char *value; /* NULL: computed per message ({i}) */
};

struct lc_opts {
	const char *socket;
	unsigned conns;
	unsigned long msgs; /* per connection */
	double duration; /* seconds; 0: use msgs */
	unsigned per_session;
	int keep; /* reuse socket with QUIT_NC */
	unsigned abort_every;
	pid_t pid;
	unsigned hup_ms;
	size_t body_bytes;
	const char *label;
	int verbose;
};

/* One connection's state and results. */
struct lc_conn {
	unsigned id;
	int fd;
	uint32_t prot; /* the milter's protocol flags */
	uint32_t acts;
	char *symlist[LC_M_NSTAGES]; /* NULL: send our default set */
	/* Output buffer: commands not yet written. */
	char *obuf;
	size_t olen, ocap;
	/* Input buffer. */
	char ibuf[LC_RBUF];
	size_t ioff, ilen;
	/* Last reply. */
	char *rbuf;
	size_t rcap;
	/* Results. */
	double *lat; /* seconds per completed message */
	size_t nlat, caplat;
	unsigned long chg, del, ins, add, other;
	unsigned long accept, cont, rejected, aborted, errors;
	unsigned long seq; /* message counter for {i} */
	int dump; /* print modifications (first msg) */
	char err[256];
};

static struct lc_opts opts;
static char *lc_body;
static struct timespec lc_t0;
static volatile int lc_stop;

static const struct lc_macro lc_conn_macros[] = {
    {"j", "mail.example.org"},
    {"{daemon_name}", "submission"},
    {"{daemon_addr}", "192.0.2.1"},
    {"{daemon_port}", "587"},
    {"v", "Postfix 3.7.11"},
    {"_", "dsl-198-51-100-23.dyn.example.net [198.51.100.23]"},
    {NULL, NULL},
};
static const struct lc_macro lc_helo_macros[] = {
    {"{tls_version}", "TLSv1.3"},
    {"{cipher}", "TLS_AES_256_GCM_SHA384"},
    {"{cipher_bits}", "256"},
    {NULL, NULL},
};
static const struct lc_macro lc_mail_macros[] = {
    {"i", NULL},
    {"{auth_type}", "PLAIN"},
    {"{auth_authen}", "alice"},
    {"{mail_addr}", "alice@example.org"},
    {NULL, NULL},
};
static const struct lc_macro lc_rcpt_macros[] = {
    {"{rcpt_addr}", "bob@example.com"},
    {NULL, NULL},
};
static const struct lc_macro lc_data_macros[] = {
    {"i", NULL},
    {NULL, NULL},
};
static const struct lc_macro lc_eom_macros[] = {
    {"i", NULL},
    {NULL, NULL},
};
static const struct lc_macro lc_no_macros[] = {
    {NULL, NULL},
};

static const size_t lc_nheaders = BENCH_NHEADERS;
#define lc_headers bench_headers

/* lc_now - monotonic seconds */
static double
lc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)(ts.tv_sec - lc_t0.tv_sec) +
	    (double)(ts.tv_nsec - lc_t0.tv_nsec) / 1e9);
}

/* lc_fail - record the first error of a connection; returns -1 */
static int
lc_fail(struct lc_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0] == 0) {
		va_start(ap, fmt);
		vsnprintf(c->err, sizeof(c->err), fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* lc_put - append bytes to the output buffer */
static int
lc_put(struct lc_conn *c, const void *p, size_t n)
{
	if (c->olen + n > c->ocap) {
		size_t cap = c->ocap ? c->ocap : 8192;
		char *nb;

		while (cap < c->olen + n)
			cap *= 2;
		if ((nb = realloc(c->obuf, cap)) == NULL)
			return (lc_fail(c, "out of memory"));
		c->obuf = nb;
		c->ocap = cap;
	}
	memcpy(c->obuf + c->olen, p, n);
	c->olen += n;
	return (0);
}

/* lc_cmd_begin - start a command: length placeholder and code */
static size_t
lc_cmd_begin(struct lc_conn *c, int cmd)
{
	char hdr[5] = {0, 0, 0, 0, (char)cmd};
	size_t at = c->olen;

	if (lc_put(c, hdr, sizeof(hdr)) < 0)
		return ((size_t)-1);
	return (at);
}

/* lc_cmd_end - patch the length of the command begun at "at" */
static void
lc_cmd_end(struct lc_conn *c, size_t at)
{
	uint32_t len = htonl((uint32_t)(c->olen - at - 4));

	memcpy(c->obuf + at, &len, 4);
}

/* lc_simple - queue a command without data */
static int
lc_simple(struct lc_conn *c, int cmd)
{
	size_t at = lc_cmd_begin(c, cmd);

	if (at == (size_t)-1)
		return (-1);
	lc_cmd_end(c, at);
	return (0);
}

/* lc_put_str - append a NUL-terminated string, NUL included */
static int
lc_put_str(struct lc_conn *c, const char *s)
{
	return (lc_put(c, s, strlen(s) + 1));
}

/* lc_flush - write the output buffer */
static int
lc_flush(struct lc_conn *c)
{
	size_t off = 0;
	ssize_t n;

	while (off < c->olen) {
		n = write(c->fd, c->obuf + off, c->olen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (lc_fail(c, "write: %s", strerror(errno)));
		off += (size_t)n;
	}
	c->olen = 0;
	return (0);
}

/* lc_read - read exactly n bytes through the input buffer */
static int
lc_read(struct lc_conn *c, void *p, size_t n)
{
	char *dst = p;
	ssize_t r;
	size_t k;

	while (n > 0) {
		if (c->ioff == c->ilen) {
			c->ioff = c->ilen = 0;
			r = read(c->fd, c->ibuf, sizeof(c->ibuf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return (
				    lc_fail(c, "read: %s", strerror(errno)));
			if (r == 0)
				return (
				    lc_fail(c, "milter closed the connection"));
			c->ilen = (size_t)r;
		}
		k = c->ilen - c->ioff;
		if (k > n)
			k = n;
		memcpy(dst, c->ibuf + c->ioff, k);
		c->ioff += k;
		dst += k;
		n -= k;
	}
	return (0);
}

/* lc_reply - flush, then read one reply: code and data into c->rbuf */
static int
lc_reply(struct lc_conn *c, int *cmd, size_t *len)
{
	uint32_t nl;
	unsigned char code;
	size_t n;

	if (c->olen > 0 && lc_flush(c) < 0)
		return (-1);
	if (lc_read(c, &nl, 4) < 0)
		return (-1);
	n = ntohl(nl);
	if (n < 1 || n > LC_MAX_REPLY)
		return (lc_fail(c, "bad reply length %zu", n));
	if (lc_read(c, &code, 1) < 0)
		return (-1);
	n--;
	if (n + 1 > c->rcap) {
		char *nb = realloc(c->rbuf, n + 1);

		if (nb == NULL)
			return (lc_fail(c, "out of memory"));
		c->rbuf = nb;
		c->rcap = n + 1;
	}
	if (n > 0 && lc_read(c, c->rbuf, n) < 0)
		return (-1);
	c->rbuf[n] = 0;
	*cmd = code;
	*len = n;
	return (0);
}

/* lc_wanted - 1 if the milter asked for this macro at this stage */
static int
lc_wanted(const char *list, const char *name)
{
	size_t nl = strlen(name);
	const char *p = list;

	/* Lists name macros with or without braces: "{i} j". */
	while (*p) {
		const char *e;
		size_t l;

		while (*p == ' ' || *p == ',')
			p++;
		for (e = p; *e && *e != ' ' && *e != ','; e++)
			;
		l = (size_t)(e - p);
		if (l == nl && memcmp(p, name, l) == 0)
			return (1);
		if (l + 2 == nl && name[0] == '{' &&
		    memcmp(p, name + 1, l) == 0)
			return (1);
		if (l == nl + 2 && p[0] == '{' && memcmp(p + 1, name, nl) == 0)
			return (1);
		p = e;
	}
	return (0);
}

/* lc_macros - queue SMFIC_MACRO for an event, if there is anything */
static int
lc_macros(
    struct lc_conn *c, int event, enum lc_stage st, const struct lc_macro *m)
{
	char qid[32];
	size_t at;
	int any = 0;

	snprintf(qid, sizeof(qid), "4Zb%04X%08lX", c->id & 0xffff, c->seq);
	for (const struct lc_macro *p = m; p->name; p++)
		if (c->symlist[st] == NULL ||
		    lc_wanted(c->symlist[st], p->name))
			any = 1;
	if (!any)
		return (0);
	if ((at = lc_cmd_begin(c, SMFIC_MACRO)) == (size_t)-1)
		return (-1);
	if (lc_put(c, &(char){(char)event}, 1) < 0)
		return (-1);
	for (; m->name; m++) {
		if (c->symlist[st] != NULL &&
		    !lc_wanted(c->symlist[st], m->name))
			continue;
		if (lc_put_str(c, m->name) < 0 ||
		    lc_put_str(c, m->value ? m->value : qid) < 0)
			return (-1);
	}
	lc_cmd_end(c, at);
	return (0);
}

enum lc_outcome {
	LC_CONTINUE, /* go on with the next event */
	LC_DONE, /* message decided (accept/reject/...) */
	LC_ERROR,
};

/* lc_step_reply - read the reply to a non-final event */
static enum lc_outcome
lc_step_reply(struct lc_conn *c, int event)
{
	size_t len;
	int cmd;

	for (;;) {
		if (lc_reply(c, &cmd, &len) < 0)
			return (LC_ERROR);
		switch (cmd) {
		case SMFIR_PROGRESS:
			continue;
		case SMFIR_CONTINUE:
		case SMFIR_SKIP:
			return (LC_CONTINUE);
		case SMFIR_ACCEPT:
			c->accept++;
			return (LC_DONE);
		case SMFIR_REJECT:
		case SMFIR_TEMPFAIL:
		case SMFIR_DISCARD:
		case SMFIR_REPLYCODE:
		case SMFIR_SHUTDOWN:
		case SMFIR_CONN_FAIL:
			c->rejected++;
			return (LC_DONE);
		default:
			lc_fail(c, "unexpected reply '%c' to event '%c'", cmd,
			    event);
			return (LC_ERROR);
		}
	}
}

/*
 * lc_event - queue macros and (unless negotiated away) an event; read its
 * reply unless the milter said it will not send one.
 */
static enum lc_outcome
lc_event(struct lc_conn *c, int event, enum lc_stage st,
    const struct lc_macro *m, uint32_t noflag, uint32_t nrflag,
    const char *const *args, const void *raw, size_t rawlen)
{
	size_t at;

	if (m != NULL && lc_macros(c, event, st, m) < 0)
		return (LC_ERROR);
	if (noflag != 0 && (c->prot & noflag) != 0)
		return (LC_CONTINUE);
	if ((at = lc_cmd_begin(c, event)) == (size_t)-1)
		return (LC_ERROR);
	for (; args != NULL && *args != NULL; args++)
		if (lc_put_str(c, *args) < 0)
			return (LC_ERROR);
	if (raw != NULL && lc_put(c, raw, rawlen) < 0)
		return (LC_ERROR);
	lc_cmd_end(c, at);
	if (nrflag != 0 && (c->prot & nrflag) != 0)
		return (LC_CONTINUE);
	return (lc_step_reply(c, event));
}

/* lc_open - connect to the milter's socket */
static int
lc_open(struct lc_conn *c)
{
	struct timeval tv = {LC_TIMEOUT, 0};
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(opts.socket) >= sizeof(sun.sun_path))
		return (lc_fail(c, "socket path too long"));
	strcpy(sun.sun_path, opts.socket);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return (lc_fail(c, "socket: %s", strerror(errno)));
	/* A milter that stops answering is an error, not a hang. */
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return (lc_fail(c, "setsockopt: %s", strerror(errno)));
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		return (
		    lc_fail(c, "connect %s: %s", opts.socket, strerror(errno)));
	c->ioff = c->ilen = 0;
	return (0);
}

/* lc_negotiate - SMFIC_OPTNEG and the milter's answer */
static int
lc_negotiate(struct lc_conn *c)
{
	uint32_t v[3];
	size_t at, len, off;
	int cmd, i;

	v[0] = htonl(SMFI_PROT_VERSION);
	v[1] = htonl(LC_OFFER_ACTS);
	v[2] = htonl(LC_OFFER_PROT);
	if ((at = lc_cmd_begin(c, SMFIC_OPTNEG)) == (size_t)-1 ||
	    lc_put(c, v, sizeof(v)) < 0)
		return (-1);
	lc_cmd_end(c, at);
	if (lc_reply(c, &cmd, &len) < 0)
		return (-1);
	if (cmd != SMFIC_OPTNEG || len < 12)
		return (lc_fail(
		    c, "bad negotiation reply '%c' (%zu bytes)", cmd, len));
	memcpy(v, c->rbuf, 12);
	if (ntohl(v[0]) > SMFI_PROT_VERSION)
		return (lc_fail(c, "milter protocol version %u > 6",
		    (unsigned)ntohl(v[0])));
	c->acts = ntohl(v[1]);
	c->prot = ntohl(v[2]);
	if ((c->prot & LC_OFFER_PROT) != c->prot)
		return (lc_fail(c, "milter asks for protocol flags 0x%x",
		    (unsigned)c->prot));
	for (i = 0; i < LC_M_NSTAGES; i++) {
		free(c->symlist[i]);
		c->symlist[i] = NULL;
	}
	/* SMFIR_SETSYMLIST: pairs of (stage, "macro list"). */
	for (off = 12; off + 4 < len;) {
		uint32_t st;
		size_t l;

		memcpy(&st, c->rbuf + off, 4);
		st = ntohl(st);
		off += 4;
		l = strnlen(c->rbuf + off, len - off);
		if (off + l >= len)
			return (lc_fail(c, "unterminated macro list"));
		if (st < LC_M_NSTAGES &&
		    (c->symlist[st] = strdup(c->rbuf + off)) == NULL)
			return (lc_fail(c, "out of memory"));
		off += l + 1;
	}
	if (opts.verbose && c->id == 0 && c->seq == 0)
		fprintf(stderr,
		    "loadclient: milter version %u actions 0x%x"
		    " protocol 0x%x\n",
		    (unsigned)ntohl(v[0]), (unsigned)c->acts,
		    (unsigned)c->prot);
	return (0);
}

/* lc_eom - send end of message and read edits up to the final reply */
static int
lc_eom(struct lc_conn *c)
{
	size_t len;
	int cmd;

	if (lc_macros(c, SMFIC_BODYEOB, LC_M_EOM, lc_eom_macros) < 0)
		return (-1);
	if (lc_simple(c, SMFIC_BODYEOB) < 0)
		return (-1);
	for (;;) {
		if (lc_reply(c, &cmd, &len) < 0)
			return (-1);
		switch (cmd) {
		case SMFIR_CHGHEADER:
		case SMFIR_INSHEADER:
			/* index, name, value */
			if (len < 4)
				return (lc_fail(c, "short '%c' request", cmd));
			{
				const char *name = c->rbuf + 4;
				size_t nl = strnlen(name, len - 4);
				const char *val =
				    (4 + nl + 1 < len) ? name + nl + 1 : "";
				uint32_t idx;

				memcpy(&idx, c->rbuf, 4);
				if (cmd == SMFIR_INSHEADER)
					c->ins++;
				else if (*val == 0)
					c->del++;
				else
					c->chg++;
				if (c->dump)
					fprintf(stderr,
					    "loadclient:   %s %u %s:%s\n",
					    cmd == SMFIR_INSHEADER ? "insert"
					        : *val             ? "change"
					                           : "delete",
					    (unsigned)ntohl(idx), name, val);
			}
			continue;
		case SMFIR_ADDHEADER:
			c->add++;
			if (c->dump) {
				size_t nl = strnlen(c->rbuf, len);

				fprintf(stderr, "loadclient:   add %s:%s\n",
				    c->rbuf,
				    nl + 1 < len ? c->rbuf + nl + 1 : "");
			}
			continue;
		case SMFIR_ADDRCPT:
		case SMFIR_DELRCPT:
		case SMFIR_ADDRCPT_PAR:
		case SMFIR_CHGFROM:
		case SMFIR_REPLBODY:
		case SMFIR_QUARANTINE:
		case SMFIR_PROGRESS:
			if (cmd != SMFIR_PROGRESS)
				c->other++;
			continue;
		case SMFIR_ACCEPT:
			c->accept++;
			return (0);
		case SMFIR_CONTINUE:
			c->cont++;
			return (0);
		case SMFIR_REJECT:
		case SMFIR_TEMPFAIL:
		case SMFIR_DISCARD:
		case SMFIR_REPLYCODE:
		case SMFIR_SHUTDOWN:
			c->rejected++;
			return (0);
		default:
			return (lc_fail(c,
			    "unexpected reply '%c' at end of"
			    " message",
			    cmd));
		}
	}
}

/* lc_message - one transaction: MAIL .. end of message (or ABORT) */
static int
lc_message(struct lc_conn *c, int do_abort)
{
	static const char *const mail_args[] = {
	    "<alice@example.org>", "SIZE=6144", "BODY=8BITMIME", NULL};
	static const char *const rcpt_args[] = {"<bob@example.com>", NULL};
	enum lc_outcome o;
	size_t i;

	o = lc_event(c, SMFIC_MAIL, LC_M_MAIL, lc_mail_macros, SMFIP_NOMAIL,
	    SMFIP_NR_MAIL, mail_args, NULL, 0);
	if (o == LC_CONTINUE)
		o = lc_event(c, SMFIC_RCPT, LC_M_RCPT, lc_rcpt_macros,
		    SMFIP_NORCPT, SMFIP_NR_RCPT, rcpt_args, NULL, 0);
	if (o == LC_CONTINUE)
		o = lc_event(c, SMFIC_DATA, LC_M_DATA, lc_data_macros,
		    SMFIP_NODATA, SMFIP_NR_DATA, NULL, NULL, 0);
	for (i = 0; o == LC_CONTINUE && i < lc_nheaders; i++) {
		const char *val = lc_headers[i][1];
		const char *args[3];

		/* Without SMFIP_HDR_LEADSPC the MTA drops the space. */
		if ((c->prot & SMFIP_HDR_LEADSPC) == 0 && *val == ' ')
			val++;
		args[0] = lc_headers[i][0];
		args[1] = val;
		args[2] = NULL;
		o = lc_event(c, SMFIC_HEADER, LC_M_NSTAGES, NULL, SMFIP_NOHDRS,
		    SMFIP_NR_HDR, args, NULL, 0);
	}
	if (o == LC_CONTINUE)
		o = lc_event(c, SMFIC_EOH, LC_M_EOH, lc_no_macros, SMFIP_NOEOH,
		    SMFIP_NR_EOH, NULL, NULL, 0);
	if (o == LC_ERROR)
		return (-1);
	if (o == LC_DONE)
		return (1);
	if (do_abort) {
		if (lc_simple(c, SMFIC_ABORT) < 0)
			return (-1);
		c->aborted++;
		return (2);
	}
	o = lc_event(c, SMFIC_BODY, LC_M_NSTAGES, NULL, SMFIP_NOBODY,
	    SMFIP_NR_BODY, NULL, lc_body, opts.body_bytes);
	if (o == LC_ERROR)
		return (-1);
	if (o == LC_DONE)
		return (1);
	return (lc_eom(c) < 0 ? -1 : 0);
}

/* lc_session_start - connect (unless kept), negotiate, CONNECT, HELO */
static enum lc_outcome
lc_session_start(struct lc_conn *c)
{
	static const char *const helo_args[] = {"[192.168.1.23]", NULL};
	char raw[128];
	size_t n;
	enum lc_outcome o;

	/* After SMFIC_QUIT_NC the milter expects CONNECT: no new OPTNEG. */
	if (c->fd < 0 && (lc_open(c) < 0 || lc_negotiate(c) < 0))
		return (LC_ERROR);
	/* CONNECT: host name, family, port (network order), address. */
	n = (size_t)snprintf(
	    raw, sizeof(raw), "%s", "dsl-198-51-100-23.dyn.example.net");
	raw[n++] = 0;
	raw[n++] = SMFIA_INET;
	raw[n++] = (char)(49152 >> 8);
	raw[n++] = (char)(49152 & 0xff);
	n += (size_t)snprintf(raw + n, sizeof(raw) - n, "198.51.100.23") + 1;
	o = lc_event(c, SMFIC_CONNECT, LC_M_CONNECT, lc_conn_macros,
	    SMFIP_NOCONNECT, SMFIP_NR_CONN, NULL, raw, n);
	if (o == LC_CONTINUE)
		o = lc_event(c, SMFIC_HELO, LC_M_HELO, lc_helo_macros,
		    SMFIP_NOHELO, SMFIP_NR_HELO, helo_args, NULL, 0);
	return (o);
}

/* lc_session_end - QUIT (close) or QUIT_NC (keep the socket) */
static int
lc_session_end(struct lc_conn *c)
{
	if (lc_simple(c, opts.keep ? SMFIC_QUIT_NC : SMFIC_QUIT) < 0 ||
	    lc_flush(c) < 0)
		return (-1);
	if (!opts.keep) {
		close(c->fd);
		c->fd = -1;
	}
	return (0);
}

/* lc_add_lat - record one latency */
static int
lc_add_lat(struct lc_conn *c, double s)
{
	if (c->nlat == c->caplat) {
		size_t cap = c->caplat ? c->caplat * 2 : 1024;
		double *nl = realloc(c->lat, cap * sizeof(*nl));

		if (nl == NULL)
			return (lc_fail(c, "out of memory"));
		c->lat = nl;
		c->caplat = cap;
	}
	c->lat[c->nlat++] = s;
	return (0);
}

/* lc_worker - one connection's loop */
static void *
lc_worker(void *arg)
{
	struct lc_conn *c = arg;
	unsigned long done = 0;
	int in_session = 0;
	unsigned in_this = 0;

	c->fd = -1;
	while (!lc_stop) {
		double t0 = lc_now();
		int r, do_abort;

		if (opts.duration > 0 ? t0 >= opts.duration : done >= opts.msgs)
			break;
		if (!in_session) {
			enum lc_outcome o = lc_session_start(c);

			if (o == LC_ERROR)
				break;
			in_session = 1;
			in_this = 0;
			if (o == LC_DONE) {
				/* Connection-level decision: no message. */
				if (lc_session_end(c) < 0)
					break;
				in_session = 0;
				done++;
				continue;
			}
		}
		c->dump = opts.verbose && c->id == 0 && c->seq == 0;
		if (c->dump)
			fprintf(stderr, "loadclient: first message:\n");
		do_abort = opts.abort_every > 0 &&
		    (c->seq + 1) % opts.abort_every == 0;
		r = lc_message(c, do_abort);
		c->seq++;
		if (r < 0)
			break;
		if (r == 0 || r == 1) {
			if (lc_add_lat(c, lc_now() - t0) < 0)
				break;
		}
		done++;
		if (++in_this >= opts.per_session) {
			if (lc_session_end(c) < 0)
				break;
			in_session = 0;
		}
	}
	if (c->err[0] != 0)
		c->errors++;
	if (c->fd >= 0) {
		if (in_session && c->err[0] == 0)
			(void)lc_session_end(c);
		if (c->fd >= 0)
			close(c->fd);
	}
	return (NULL);
}

/* Process tree accounting. */
struct lc_proc {
	pid_t pid;
	pid_t ppid;
	double cpu; /* utime + stime, seconds */
	unsigned long hwm_kib;
};

/* lc_read_stat - ppid and CPU seconds of one process; -1 if gone */
static int
lc_read_stat(pid_t pid, struct lc_proc *p)
{
	char path[64], buf[1024], *s;
	unsigned long utime, stime;
	FILE *fp;
	size_t n;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = 0;
	/* comm may hold spaces and parentheses: parse after the last ')'. */
	if ((s = strrchr(buf, ')')) == NULL)
		return (-1);
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime */
	if (sscanf(s + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	        &ppid, &utime, &stime) != 3)
		return (-1);
	p->pid = pid;
	p->ppid = ppid;
	p->cpu = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
	p->hwm_kib = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) != NULL) {
		while (fgets(buf, sizeof(buf), fp) != NULL)
			if (strncmp(buf, "VmHWM:", 6) == 0)
				p->hwm_kib = strtoul(buf + 6, NULL, 10);
		fclose(fp);
	}
	return (0);
}

/* lc_tree - CPU seconds and summed VmHWM of pid and its descendants */
static int
lc_tree(pid_t root, double *cpu, unsigned long *hwm, unsigned long *hwm_max)
{
	struct lc_proc all[4096], tree[LC_MAX_PROCS];
	size_t nall = 0, ntree = 0, i, j;
	struct dirent *de;
	DIR *d;
	int grew;

	*cpu = 0;
	*hwm = 0;
	*hwm_max = 0;
	if (lc_read_stat(root, &tree[0]) < 0)
		return (-1);
	ntree = 1;
	if ((d = opendir("/proc")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL && nall < 4096) {
		pid_t pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (pid != root && lc_read_stat(pid, &all[nall]) == 0)
			nall++;
	}
	closedir(d);
	do {
		grew = 0;
		for (i = 0; i < nall; i++) {
			if (all[i].pid == 0)
				continue;
			for (j = 0; j < ntree; j++)
				if (all[i].ppid == tree[j].pid)
					break;
			if (j < ntree && ntree < LC_MAX_PROCS) {
				tree[ntree++] = all[i];
				all[i].pid = 0;
				grew = 1;
			}
		}
	} while (grew);
	for (i = 0; i < ntree; i++) {
		*cpu += tree[i].cpu;
		*hwm += tree[i].hwm_kib;
		if (tree[i].hwm_kib > *hwm_max)
			*hwm_max = tree[i].hwm_kib;
	}
	return (0);
}

/* Reload timing (-W): a log line per finished reload. */
#define LC_RELOAD_MARK "reload: generation"
#define LC_MAX_RELOADS 100000

struct lc_reloads {
	unsigned long hups; /* SIGHUPs sent */
	double ms[LC_MAX_RELOADS]; /* SIGHUP to log line, per reload */
	size_t n;
	int fd; /* the log, -1: not timing */
	char tail[64]; /* carry-over between reads */
	size_t ntail;
};

/* lc_log_marks - read what the log gained; count reload lines in it */
static unsigned
lc_log_marks(struct lc_reloads *r)
{
	char buf[65536 + sizeof(r->tail)];
	size_t ml = strlen(LC_RELOAD_MARK), len;
	unsigned found = 0;
	ssize_t n;
	char *p;

	memcpy(buf, r->tail, r->ntail);
	while ((n = read(r->fd, buf + r->ntail, 65536)) > 0) {
		len = r->ntail + (size_t)n;
		for (p = buf; (p = memmem(p, (size_t)(buf + len - p),
		                   LC_RELOAD_MARK, ml)) != NULL;
		     p += ml)
			found++;
		r->ntail = len < ml - 1 ? len : ml - 1;
		memmove(r->tail, buf + len - r->ntail, r->ntail);
		memcpy(buf, r->tail, r->ntail);
	}
	return (found);
}

/* lc_sleep_ms - sleep ms milliseconds */
static void
lc_sleep_ms(double ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)((ms - (double)ts.tv_sec * 1000) * 1e6);
	nanosleep(&ts, NULL);
}

/*
 * lc_hupper - send SIGHUP to the milter every opts.hup_ms. With -W, wait
 * after each SIGHUP until the log shows the reload done (so SIGHUPs never
 * pile up: when a reload takes longer than the interval the next one is
 * sent at once, and the milter reloads back to back) and record the time.
 */
static void *
lc_hupper(void *arg)
{
	struct lc_reloads *r = arg;
	double t0, t1;

	if (r->fd >= 0)
		(void)lc_log_marks(r); /* skip what is already there */
	t1 = t0 = lc_now();
	while (!lc_stop) {
		lc_sleep_ms(opts.hup_ms - (lc_now() - t0) * 1e3);
		if (lc_stop)
			break;
		t0 = lc_now();
		if (kill(opts.pid, SIGHUP) != 0)
			break;
		r->hups++;
		if (r->fd < 0)
			continue;
		while (lc_log_marks(r) == 0) {
			if (lc_now() - t0 > 30)
				return (NULL);
			lc_sleep_ms(0.2);
		}
		t1 = lc_now();
		if (r->n < LC_MAX_RELOADS)
			r->ms[r->n++] = (t1 - t0) * 1e3;
	}
	return (NULL);
}

/* lc_cmp - qsort order for doubles */
static int
lc_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* lc_pct - the p-th percentile of sorted v */
static double
lc_pct(const double *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return (0);
	i = (size_t)(p / 100.0 * (double)n);
	if (i >= n)
		i = n - 1;
	return (v[i]);
}

/* lc_make_body - body text of n bytes, CRLF lines */
static char *
lc_make_body(size_t n)
{
	static const char *words[] = {"the", "quarterly", "figures", "are",
	    "attached", "please", "review", "before", "Thursday", "and", "send",
	    "comments", "to", "the", "list", "regards", "Alice"};
	size_t i = 0, w = 0, col = 0;
	char *b = malloc(n + 1);

	if (b == NULL)
		return (NULL);
	while (i < n) {
		const char *s = words[w++ % (sizeof(words) / sizeof(*words))];
		size_t l = strlen(s);

		if (col + l + 1 > 72 || i + l + 3 > n) {
			if (i + 2 <= n) {
				b[i++] = '\r';
				b[i++] = '\n';
			} else {
				b[i++] = ' ';
			}
			col = 0;
			continue;
		}
		memcpy(b + i, s, l);
		i += l;
		b[i++] = ' ';
		col += l + 1;
	}
	if (n >= 2) {
		b[n - 2] = '\r';
		b[n - 1] = '\n';
	}
	b[n] = 0;
	return (b);
}

/* lc_print_message - the message as a file (LF line ends) */
static int
lc_print_message(FILE *fp)
{
	const char *p;
	size_t i;

	for (i = 0; i < lc_nheaders; i++)
		fprintf(fp, "%s:%s\n", lc_headers[i][0], lc_headers[i][1]);
	fputc('\n', fp);
	for (p = lc_body; *p; p++)
		if (*p != '\r')
			fputc(*p, fp);
	return (fflush(fp) == 0 ? 0 : -1);
}

/* usage - print the synopsis and exit 64 */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: loadclient -s SOCKET [-c CONNS] [-m MSGS] [-d SECONDS]"
	    " [-n PER_SESSION]\n"
	    "                  [-k] [-A EVERY] [-p PID] [-H MS [-W LOG]]"
	    " [-b BYTES] [-l LABEL] [-v]\n"
	    "       loadclient -M [-b BYTES]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	struct lc_conn *conns;
	pthread_t *tids, hup_tid;
	struct lc_reloads *rl;
	unsigned long nmsg = 0, chg = 0, del = 0, ins = 0, add = 0, other = 0,
	              accept = 0, cont = 0, rej = 0, abrt = 0, errs = 0;
	double cpu0 = 0, cpu1 = 0, secs, *all;
	unsigned long hwm = 0, hwm_max = 0;
	size_t nall = 0, i;
	uint32_t prot = 0;
	int ch, have_cpu = 0, print_msg = 0;

	opts.conns = 1;
	opts.msgs = 100;
	opts.per_session = 1;
	opts.body_bytes = 4096;
	opts.label = "milter";
	if ((rl = calloc(1, sizeof(*rl))) == NULL) {
		fprintf(stderr, "loadclient: out of memory\n");
		return (1);
	}
	rl->fd = -1;
	while ((ch = getopt(argc, argv, "s:c:m:d:n:kA:p:H:W:b:l:vM")) != -1) {
		switch (ch) {
		case 's':
			opts.socket = optarg;
			if (strncmp(optarg, "unix:", 5) == 0)
				opts.socket = optarg + 5;
			else if (strncmp(optarg, "local:", 6) == 0)
				opts.socket = optarg + 6;
			break;
		case 'c':
			opts.conns = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			opts.msgs = strtoul(optarg, NULL, 10);
			break;
		case 'd':
			opts.duration = strtod(optarg, NULL);
			break;
		case 'n':
			opts.per_session = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'k':
			opts.keep = 1;
			break;
		case 'A':
			opts.abort_every = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'p':
			opts.pid = (pid_t)strtol(optarg, NULL, 10);
			break;
		case 'H':
			opts.hup_ms = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'W':
			if ((rl->fd = open(optarg, O_RDONLY)) < 0) {
				fprintf(stderr, "loadclient: %s: %s\n", optarg,
				    strerror(errno));
				return (1);
			}
			break;
		case 'b':
			opts.body_bytes = strtoul(optarg, NULL, 10);
			break;
		case 'l':
			opts.label = optarg;
			break;
		case 'v':
			opts.verbose = 1;
			break;
		case 'M':
			print_msg = 1;
			break;
		default:
			usage();
		}
	}
	if (print_msg) {
		if ((lc_body = lc_make_body(opts.body_bytes)) == NULL)
			return (1);
		return (lc_print_message(stdout) < 0 ? 1 : 0);
	}
	/* -c 0: no load, only SIGHUPs (reload time of an idle milter). */
	if (opts.socket == NULL ||
	    (opts.conns == 0 && (opts.hup_ms == 0 || opts.duration <= 0)) ||
	    opts.conns > 4096 || opts.per_session == 0 ||
	    opts.body_bytes > 65535 || (opts.hup_ms > 0 && opts.pid <= 0) ||
	    (rl->fd >= 0 && opts.hup_ms == 0) || optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if ((lc_body = lc_make_body(opts.body_bytes)) == NULL ||
	    (conns = calloc(opts.conns + 1, sizeof(*conns))) == NULL ||
	    (tids = calloc(opts.conns + 1, sizeof(*tids))) == NULL) {
		fprintf(stderr, "loadclient: out of memory\n");
		return (1);
	}
	if (opts.pid > 0 && lc_tree(opts.pid, &cpu0, &hwm, &hwm_max) == 0)
		have_cpu = 1;
	clock_gettime(CLOCK_MONOTONIC, &lc_t0);
	for (i = 0; i < opts.conns; i++) {
		conns[i].id = (unsigned)i;
		if (pthread_create(&tids[i], NULL, lc_worker, &conns[i]) != 0) {
			fprintf(
			    stderr, "loadclient: cannot start thread %zu\n", i);
			lc_stop = 1;
			opts.conns = (unsigned)i;
			break;
		}
	}
	if (opts.hup_ms > 0 &&
	    pthread_create(&hup_tid, NULL, lc_hupper, rl) != 0)
		opts.hup_ms = 0;
	for (i = 0; i < opts.conns; i++)
		pthread_join(tids[i], NULL);
	if (opts.conns == 0)
		lc_sleep_ms(opts.duration * 1e3);
	secs = lc_now();
	lc_stop = 1;
	if (opts.hup_ms > 0)
		pthread_join(hup_tid, NULL);
	if (have_cpu && lc_tree(opts.pid, &cpu1, &hwm, &hwm_max) < 0)
		have_cpu = 0;

	for (i = 0; i < opts.conns; i++)
		nall += conns[i].nlat;
	if ((all = malloc((nall + 1) * sizeof(*all))) == NULL) {
		fprintf(stderr, "loadclient: out of memory\n");
		return (1);
	}
	nall = 0;
	for (i = 0; i < opts.conns; i++) {
		struct lc_conn *c = &conns[i];

		memcpy(all + nall, c->lat, c->nlat * sizeof(*all));
		nall += c->nlat;
		chg += c->chg;
		del += c->del;
		ins += c->ins;
		add += c->add;
		other += c->other;
		accept += c->accept;
		cont += c->cont;
		rej += c->rejected;
		abrt += c->aborted;
		errs += c->errors;
		if (c->prot != 0)
			prot = c->prot;
		if (c->err[0] != 0)
			fprintf(stderr, "loadclient: connection %u: %s\n",
			    c->id, c->err);
	}
	nmsg = nall;
	qsort(all, nall, sizeof(*all), lc_cmp);
	printf("label=%s conns=%u msgs=%lu secs=%.3f msgs_per_s=%.1f"
	       " p50_ms=%.3f p99_ms=%.3f max_ms=%.3f changes_per_msg=%.2f"
	       " chg=%lu del=%lu ins=%lu add=%lu other=%lu accept=%lu"
	       " cont=%lu rejected=%lu aborted=%lu errors=%lu hups=%lu",
	    opts.label, opts.conns, nmsg, secs, secs > 0 ? nmsg / secs : 0,
	    lc_pct(all, nall, 50) * 1e3, lc_pct(all, nall, 99) * 1e3,
	    nall ? all[nall - 1] * 1e3 : 0,
	    nmsg ? (double)(chg + del + ins + add + other) / nmsg : 0, chg, del,
	    ins, add, other, accept, cont, rej, abrt, errs, rl->hups);
	if (rl->fd >= 0) {
		qsort(rl->ms, rl->n, sizeof(rl->ms[0]), lc_cmp);
		printf(" reloads=%zu reload_p50_ms=%.1f reload_max_ms=%.1f",
		    rl->n, lc_pct(rl->ms, rl->n, 50),
		    rl->n ? rl->ms[rl->n - 1] : 0);
	}
	if (have_cpu)
		printf(" cpu_s=%.2f cpu_us_per_msg=%.1f rss_kib=%lu"
		       " rss_max_kib=%lu",
		    cpu1 - cpu0, nmsg ? (cpu1 - cpu0) * 1e6 / nmsg : 0, hwm,
		    hwm_max);
	else
		printf(" cpu_s=- cpu_us_per_msg=- rss_kib=- rss_max_kib=-");
	printf(" proto=0x%x\n", (unsigned)prot);
	return (errs > 0 || (nmsg == 0 && opts.conns > 0) ? 1 : 0);
}
