/*++
/* NAME
/*	testmsg 3
/* SUMMARY
/*	offline tester: run the engine on a message read from a file
/* SYNOPSIS
/*	#include "testmsg.h"
/*
/*	int	testmsg_parse(buf, len, msg)
/*	const char *buf;
/*	size_t	len;
/*	struct testmsg *msg;
/*
/*	void	testmsg_free(msg)
/*	struct testmsg *msg;
/*
/*	int	testmsg_run(snap, file, macros, nmacros, hide_first_received,
/*			out, err)
/*	const struct snapshot *snap;
/*	const char *file;
/*	const char *const *macros;
/*	size_t	nmacros;
/*	int	hide_first_received;
/*	FILE	*out;
/*	FILE	*err;
/* DESCRIPTION
/*	testmsg_parse() splits a message into its header list and body.
/*	Lines end at LF; a CR before the LF is part of the line end (the
/*	message is flagged crlf when its first line ends in CRLF); a bare
/*	CR elsewhere is an ordinary byte. A header line is "Name: value"
/*	where Name is one or more printable ASCII characters other than
/*	':' (white space between Name and ':' is tolerated, as in Postfix);
/*	the value is the text after the colon exactly, leading white space
/*	included, as a milter sees it with SMFIP_HDR_LEADSPC. A line that
/*	starts with SP or TAB continues the previous header: it is joined
/*	with "\n", its own leading white space kept. The header section
/*	ends at the first empty line (which belongs to neither part) or at
/*	the first line that is neither a header nor a continuation; that
/*	line is the first line of the body, as Postfix does it. A NUL byte
/*	inside a header value is shown as a space (the milter protocol
/*	carries C strings). A leading mbox "From " line is dropped, as
/*	Postfix's sendmail(1) does; it is not printed either. The parser
/*	never fails on content; it returns -1 only when memory runs out.
/*
/*	testmsg_free() releases what testmsg_parse() allocated.
/*
/*	testmsg_run() reads file ("-": standard input; any size that fits
/*	in memory), fills a session from macros ("NAME=VALUE", see
/*	session_set_macro()), and builds the engine parameters as the
/*	milter does at end of message, with params_engine(): the
/*	rules and key of the snapshot; with TLSHeader the TLS header name
/*	(forged copies are removed) and, unless the session is a local
/*	submission, the header value from tls_format_header(); the
/*	authserv-id; trusted re-injection when {daemon_name} is listed in
/*	TrustedReinjection. With
/*	hide_first_received the topmost Received header is not shown to
/*	the engine (as Postfix and Sendmail hide their own) but is printed
/*	in its place.
/*
/*	The rewritten message goes to out. Headers the engine did not touch
/*	are printed byte for byte as read; new and changed headers are
/*	written "Name:value" with each fold ending in the input's line
/*	ending style; the body is copied unchanged. To err goes one line
/*	per edit, in message order:
/*
/*	    privacy-milter: remove User-Agent #1 (rules/default.rules:103 remove)
/*	    privacy-milter: change Received #2 (rules/default.rules:53 redact,
/*	        rules/default.rules:92 redact)	(one line)
/*	    privacy-milter: insert X-TLS-Info (tls-header)
/*	    privacy-milter: add X-Foo (rules/x.rules:3 add)
/*
/*	The parenthesis names every rule that made the edit, in evaluation
/*	order, separated by ", ": for a change, each rule of a continue
/*	chain that changed the value (see engine.h).
/*	"#N" counts the headers of that name from the top of the message
/*	as read (the hidden Received included), so it names the header in
/*	the input file. Notes read "log Name #N (...)", "log-only remove
/*	Name #N (...)" (the edit a log-only rule would make) and "dkim-skip
/*	change Name #N (...)" (not changed: the header is DKIM-signed).
/*	With DryRun the message is printed unchanged and every edit line
/*	starts with "would ".
/* DIAGNOSTICS
/*	testmsg_run() returns 0; EX_NOINPUT when the file cannot be read;
/*	EX_USAGE for a macro that the session refuses; EX_TEMPFAIL when
/*	the engine fails and OnError is tempfail (nothing is printed to
/*	out); EX_IOERR when out cannot be written; EX_OSERR when memory
/*	runs out. Engine errors are printed as "privacy-milter: FILE:LINE:
/*	reason"; with OnError=accept the message is printed unchanged and
/*	err says so.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "config.h"
#include "engine.h"
#include "params.h"
#include "session.h"
#include "snapshot.h"
#include "testmsg.h"
#include "util.h"

/* Where each header came from, for printing untouched headers as read. */
struct tm_span {
	const char *start; /* first byte of the header's first line */
	size_t len; /* through the line end of its last line */
};

/* The parse with the layout details testmsg_run() needs. */
struct tm_parse {
	struct testmsg msg;
	struct tm_span *spans; /* one per header */
	const char *sep; /* the empty line ending the headers */
	size_t seplen; /* 0: no empty line */
	size_t cap;
};

/* tm_line - find the line at p: content length and line-end length */
static void
tm_line(const char *p, const char *end, size_t *contlen, size_t *eollen)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL) {
		*contlen = (size_t)(end - p);
		*eollen = 0;
	} else if (nl > p && nl[-1] == '\r') {
		*contlen = (size_t)(nl - 1 - p);
		*eollen = 2;
	} else {
		*contlen = (size_t)(nl - p);
		*eollen = 1;
	}
}

/* tm_header_name - length of the name if the line is a header, else 0 */
static size_t
tm_header_name(const char *p, size_t len, size_t *colon)
{
	size_t i, n;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= 32 || c >= 127 || c == ':')
			break;
	}
	if ((n = i) == 0)
		return (0);
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= len || p[i] != ':')
		return (0);
	*colon = i;
	return (n);
}

/* tm_copy_value - copy value bytes, a NUL shown as a space */
static void
tm_copy_value(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = src[i] == '\0' ? ' ' : src[i];
}

/* tm_add_header - append one header (name, and its raw lines) */
static int
tm_add_header(struct tm_parse *tp, const char *name, size_t namelen,
    const char *start, const char *end)
{
	struct engine_header *h;
	struct tm_span *s;
	char *nm, *val;
	const char *p, *vstart;
	size_t vlen, cl, el, colon = 0;

	if (tp->msg.nhdrs == tp->cap) {
		size_t ncap = tp->cap ? tp->cap * 2 : 32;

		h = realloc(tp->msg.hdrs, ncap * sizeof(*h));
		if (h == NULL)
			return (-1);
		tp->msg.hdrs = h;
		s = realloc(tp->spans, ncap * sizeof(*s));
		if (s == NULL)
			return (-1);
		tp->spans = s;
		tp->cap = ncap;
	}

	/* The value: after the colon; folds joined with "\n". */
	(void)tm_header_name(start, (size_t)(end - start), &colon);
	vstart = start + colon + 1;
	if ((val = malloc((size_t)(end - vstart) + 1)) == NULL)
		return (-1);
	vlen = 0;
	for (p = vstart; p < end; p += cl + el) {
		tm_line(p, end, &cl, &el);
		if (p != vstart)
			val[vlen++] = '\n';
		tm_copy_value(val + vlen, p, cl);
		vlen += cl;
	}
	val[vlen] = 0;
	if ((nm = malloc(namelen + 1)) == NULL) {
		free(val);
		return (-1);
	}
	memcpy(nm, name, namelen);
	nm[namelen] = 0;
	tp->msg.hdrs[tp->msg.nhdrs].name = nm;
	tp->msg.hdrs[tp->msg.nhdrs].value = val;
	tp->spans[tp->msg.nhdrs].start = start;
	tp->spans[tp->msg.nhdrs].len = (size_t)(end - start);
	tp->msg.nhdrs++;
	return (0);
}

/* tm_parse - the parser behind testmsg_parse, keeping the layout */
static int
tm_parse(const char *buf, size_t len, struct tm_parse *tp)
{
	const char *p = buf, *end = buf + len;
	const char *hstart = NULL, *name = NULL;
	size_t namelen = 0, cl, el, colon;

	memset(tp, 0, sizeof(*tp));
	if (len == 0) {
		tp->msg.body = buf;
		return (0);
	}
	tm_line(p, end, &cl, &el);
	tp->msg.crlf = (el == 2);

	/* A leading mbox "From " line is not part of the message. */
	if (cl >= 5 && memcmp(p, "From ", 5) == 0)
		p += cl + el;

	for (; p < end; p += cl + el) {
		tm_line(p, end, &cl, &el);
		if (hstart != NULL && cl > 0 && (*p == ' ' || *p == '\t'))
			continue; /* continuation of the open header */
		if (hstart != NULL) {
			if (tm_add_header(tp, name, namelen, hstart, p) < 0)
				return (-1);
			hstart = NULL;
		}
		if (cl == 0 && el > 0) {
			tp->sep = p;
			tp->seplen = el;
			p += el;
			break;
		}
		if (cl == 0)
			break; /* end of input */
		if ((namelen = tm_header_name(p, cl, &colon)) == 0)
			break; /* not a header: the body starts here */
		hstart = p;
		name = p;
	}
	if (hstart != NULL) {
		if (tm_add_header(tp, name, namelen, hstart, end) < 0)
			return (-1);
		p = end;
	}
	tp->msg.body = p;
	tp->msg.bodylen = (size_t)(end - p);
	return (0);
}

/* tm_parse_free - release a parse */
static void
tm_parse_free(struct tm_parse *tp)
{
	testmsg_free(&tp->msg);
	free(tp->spans);
	tp->spans = NULL;
}

/* testmsg_parse - split a message into headers and body */
int
testmsg_parse(const char *buf, size_t len, struct testmsg *msg)
{
	struct tm_parse tp;

	if (tm_parse(buf, len, &tp) < 0) {
		tm_parse_free(&tp);
		memset(msg, 0, sizeof(*msg));
		return (-1);
	}
	free(tp.spans);
	*msg = tp.msg;
	return (0);
}

/* testmsg_free - release the header list */
void
testmsg_free(struct testmsg *msg)
{
	size_t i;

	for (i = 0; i < msg->nhdrs; i++) {
		free((char *)msg->hdrs[i].name);
		free((char *)msg->hdrs[i].value);
	}
	free(msg->hdrs);
	msg->hdrs = NULL;
	msg->nhdrs = 0;
}

/* tm_read - read a whole file or stdin into memory */
static int
tm_read(const char *file, struct pm_buf *b, FILE *err)
{
	FILE *fp;
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (strcmp(file, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(file, "rb")) == NULL) {
		fprintf(err, "privacy-milter: %s: %s\n", file, strerror(errno));
		return (EX_NOINPUT);
	}
	if (pm_buf_append(b, "", 0) < 0)
		rc = EX_OSERR;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (pm_buf_append(b, chunk, n) < 0)
			rc = EX_OSERR;
	if (rc == 0 && ferror(fp)) {
		fprintf(err, "privacy-milter: %s: read error\n", file);
		rc = EX_NOINPUT;
	}
	if (rc == EX_OSERR)
		fprintf(err, "privacy-milter: %s: out of memory\n", file);
	if (fp != stdin)
		fclose(fp);
	return (rc);
}

/* tm_put_header - write a new or changed header in the input's style */
static void
tm_put_header(FILE *out, const char *name, const char *value, int crlf)
{
	const char *eol = crlf ? "\r\n" : "\n";
	const char *p;

	fputs(name, out);
	fputc(':', out);
	for (p = value; *p != 0; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue; /* a "\r\n" fold: written as eol */
		if (*p == '\n')
			fputs(eol, out);
		else
			fputc(*p, out);
	}
	fputs(eol, out);
}

/* tm_put_raw - write an untouched header as read (line end ensured) */
static void
tm_put_raw(FILE *out, const struct tm_span *s, int crlf)
{
	fwrite(s->start, 1, s->len, out);
	if (s->len == 0 || s->start[s->len - 1] != '\n')
		fputs(crlf ? "\r\n" : "\n", out);
}

/* tm_occurrence - 1-based occurrence of header i's name among all */
static size_t
tm_occurrence(const struct testmsg *m, size_t i)
{
	size_t j, n = 0;

	for (j = 0; j <= i; j++)
		if (strcasecmp(m->hdrs[j].name, m->hdrs[i].name) == 0)
			n++;
	return (n);
}

/* tm_op_word - the verb of an edit line */
static const char *
tm_op_word(enum engine_op op)
{
	switch (op) {
	case ENGINE_CHANGE:
		return ("change");
	case ENGINE_DELETE:
		return ("remove");
	case ENGINE_INSERT:
		return ("insert");
	case ENGINE_ADD:
		return ("add");
	}
	return ("edit");
}

/*
 * tm_why - "(file:line ACTION, file:line ACTION...)" or "(reason)"
 *
 * The rules are those of a continue chain, in evaluation order.
 */
static void
tm_why(
    FILE *err, const struct rule *const *rules, size_t nrules, const char *why)
{
	const struct rule *r;
	size_t i;

	if (nrules == 0) {
		fprintf(err, " (%s)\n", why != NULL ? why : "built-in");
		return;
	}
	for (i = 0; i < nrules; i++) {
		r = rules[i];
		fprintf(err, "%s%s:%u %s", i == 0 ? " (" : ", ", r->file,
		    r->line, r->action_word != NULL ? r->action_word : "?");
	}
	fputs(")\n", err);
}

/* Order of edit lines: message position, inserts above the header. */
struct tm_item {
	size_t pos; /* position in the full list */
	int rank; /* insert 0, note 1, change/delete 2, add 3 */
	size_t seq; /* stable tie break */
	const struct engine_edit *e;
	const struct engine_note *n;
};

/* tm_item_cmp - qsort comparator for edit lines */
static int
tm_item_cmp(const void *a, const void *b)
{
	const struct tm_item *x = a, *y = b;

	if (x->pos != y->pos)
		return (x->pos < y->pos ? -1 : 1);
	if (x->rank != y->rank)
		return (x->rank - y->rank);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* tm_report - one line per edit and note on err */
static int
tm_report(FILE *err, const struct testmsg *full, size_t hidx, int hidden,
    const struct engine_result *res, int dry)
{
	struct tm_item *it;
	size_t i, k = 0, n = res->nedits + res->nnotes;
	const char *would = dry ? "would " : "";

	if (n == 0)
		return (0);
	if ((it = calloc(n, sizeof(*it))) == NULL)
		return (-1);
	for (i = 0; i < res->nedits; i++, k++) {
		const struct engine_edit *e = &res->edits[i];
		size_t p = e->pos;

		if (hidden && p >= hidx)
			p++;
		it[k].pos = e->op == ENGINE_ADD ? full->nhdrs : p;
		it[k].rank = e->op == ENGINE_INSERT ? 0
		    : e->op == ENGINE_ADD           ? 3
		                                    : 2;
		it[k].seq = k;
		it[k].e = e;
	}
	for (i = 0; i < res->nnotes; i++, k++) {
		size_t p = res->notes[i].pos;

		if (hidden && p >= hidx)
			p++;
		it[k].pos = p;
		it[k].rank = 1;
		it[k].seq = k;
		it[k].n = &res->notes[i];
	}
	qsort(it, n, sizeof(*it), tm_item_cmp);

	for (k = 0; k < n; k++) {
		if (it[k].e != NULL) {
			const struct engine_edit *e = it[k].e;

			fprintf(err, "privacy-milter: %s%s %s", would,
			    tm_op_word(e->op), e->name);
			if ((e->op == ENGINE_CHANGE ||
			        e->op == ENGINE_DELETE) &&
			    it[k].pos < full->nhdrs)
				fprintf(err, " #%zu",
				    tm_occurrence(full, it[k].pos));
			if (e->nrules > 0)
				tm_why(err, e->rules, e->nrules, NULL);
			else
				tm_why(err, &e->rule, e->rule != NULL, e->why);
		} else {
			const struct engine_note *no = it[k].n;
			const char *kind = no->kind == ENGINE_NOTE_LOG ? "log"
			    : no->kind == ENGINE_NOTE_LOGONLY ? "log-only"
			                                      : "dkim-skip";
			const char *name = it[k].pos < full->nhdrs
			    ? full->hdrs[it[k].pos].name
			    : "?";

			fprintf(err, "privacy-milter: %s%s", would, kind);
			if (no->kind != ENGINE_NOTE_LOG)
				fprintf(err, " %s", tm_op_word(no->op));
			fprintf(err, " %s", name);
			if (it[k].pos < full->nhdrs)
				fprintf(err, " #%zu",
				    tm_occurrence(full, it[k].pos));
			tm_why(err, &no->rule, no->rule != NULL, NULL);
		}
	}
	free(it);
	return (0);
}

/* tm_edit_pos - original position an edited output header stands at */
static size_t
tm_edit_pos(const struct engine_result *res, const struct engine_header *h,
    size_t nshown, size_t dflt)
{
	size_t k;

	if (res == NULL)
		return (dflt);
	for (k = 0; k < res->nedits; k++)
		if (res->edits[k].value != NULL &&
		    h->value == res->edits[k].value)
			return (res->edits[k].op == ENGINE_ADD
			        ? nshown
			        : res->edits[k].pos);
	return (dflt);
}

/*
 * tm_print - the rewritten (or, with outh NULL, the unchanged) message.
 * Untouched headers are written as read. The hidden header goes in front
 * of the first output header that stands at or below its position; an
 * insert at that position lands below it, as smfi_insheader() puts it.
 */
static void
tm_print(FILE *out, const struct tm_parse *tp, size_t hidx, int hidden,
    const struct engine_header *shown, size_t nshown,
    const struct engine_result *res, const struct engine_header *outh,
    size_t nout)
{
	const struct testmsg *m = &tp->msg;
	size_t i, j = 0, src, pos = 0;
	int hidden_done = !hidden;

	if (outh == NULL) {
		for (i = 0; i < m->nhdrs; i++)
			tm_put_raw(out, &tp->spans[i], m->crlf);
	} else {
		for (i = 0; i < nout; i++) {
			/* An untouched original header, or an edit? */
			for (src = j; src < nshown; src++)
				if (outh[i].value == shown[src].value &&
				    outh[i].name == shown[src].name)
					break;
			pos = src < nshown
			    ? src
			    : tm_edit_pos(res, &outh[i], nshown, pos);
			if (!hidden_done && pos >= hidx) {
				tm_put_raw(out, &tp->spans[hidx], m->crlf);
				hidden_done = 1;
			}
			if (src < nshown) {
				j = src + 1;
				tm_put_raw(out,
				    &tp->spans[hidden && src >= hidx ? src + 1
				                                     : src],
				    m->crlf);
			} else {
				tm_put_header(
				    out, outh[i].name, outh[i].value, m->crlf);
			}
		}
		if (!hidden_done)
			tm_put_raw(out, &tp->spans[hidx], m->crlf);
	}
	if (tp->seplen > 0)
		fwrite(tp->sep, 1, tp->seplen, out);
	fwrite(m->body, 1, m->bodylen, out);
}

/* testmsg_run - the offline tester; see DESCRIPTION */
int
testmsg_run(const struct snapshot *snap, const char *file,
    const char *const *macros, size_t nmacros, int hide_first_received,
    FILE *out, FILE *err)
{
	struct pm_buf in = PM_BUF_INIT, tlsval = PM_BUF_INIT;
	struct pm_session sess;
	struct tm_parse tp;
	struct engine_params ep;
	struct engine_result res;
	struct engine_header *shown = NULL, *outh = NULL;
	struct pm_error perr;
	size_t i, nshown = 0, nout = 0, hidx = 0;
	int hidden = 0, rc = 0, ran = 0;

	memset(&tp, 0, sizeof(tp));
	memset(&res, 0, sizeof(res));
	session_init(&sess);
	if ((rc = tm_read(file, &in, err)) != 0)
		goto done;

	/* The session, as the macros describe it. */
	for (i = 0; i < nmacros; i++) {
		const char *eq = strchr(macros[i], '=');
		char name[256];
		size_t nl;

		if (eq == NULL || (nl = (size_t)(eq - macros[i])) == 0 ||
		    nl >= sizeof(name)) {
			fprintf(err, "privacy-milter: bad --macro \"%s\"\n",
			    macros[i]);
			rc = EX_USAGE;
			goto done;
		}
		memcpy(name, macros[i], nl);
		name[nl] = 0;
		if (session_set_macro(&sess, name, eq + 1) < 0) {
			fprintf(err,
			    "privacy-milter: --macro %s: invalid value \"%s\"\n",
			    name, eq + 1);
			rc = EX_USAGE;
			goto done;
		}
	}

	/* The message; the MTA's own Received is hidden from the engine. */
	if (tm_parse(in.s, in.len, &tp) < 0) {
		fprintf(err, "privacy-milter: %s: out of memory\n", file);
		rc = EX_OSERR;
		goto done;
	}
	if (hide_first_received) {
		for (hidx = 0; hidx < tp.msg.nhdrs; hidx++)
			if (strcasecmp(tp.msg.hdrs[hidx].name, "Received") == 0)
				break;
		hidden = hidx < tp.msg.nhdrs;
	}
	if (tp.msg.nhdrs > 0 &&
	    (shown = calloc(tp.msg.nhdrs, sizeof(*shown))) == NULL) {
		rc = EX_OSERR;
		goto done;
	}
	for (i = 0; i < tp.msg.nhdrs; i++)
		if (!hidden || i != hidx)
			shown[nshown++] = tp.msg.hdrs[i];

	/* The engine parameters, exactly as the milter builds them. */
	if (params_engine(snap, &sess, &ep, &tlsval) < 0) {
		fprintf(err, "privacy-milter: out of memory\n");
		rc = EX_OSERR;
		goto done;
	}

	memset(&perr, 0, sizeof(perr));
	if (engine_run(&ep, shown, nshown, &res, &perr) < 0) {
		fprintf(err, "privacy-milter: %s\n", perr.text);
		if (snap->conf->on_error != CONFIG_ONERR_ACCEPT) {
			fprintf(err,
			    "privacy-milter: OnError=tempfail: message"
			    " refused (exit %d)\n",
			    EX_TEMPFAIL);
			rc = EX_TEMPFAIL;
			goto done;
		}
		fprintf(err,
		    "privacy-milter: OnError=accept: message"
		    " passed unchanged\n");
		tm_print(out, &tp, hidx, hidden, shown, nshown, NULL, NULL, 0);
		goto flush;
	}
	ran = 1;
	if (tm_report(err, &tp.msg, hidx, hidden, &res, snap->conf->dry_run) <
	    0) {
		rc = EX_OSERR;
		goto done;
	}
	if (snap->conf->dry_run || res.nedits == 0) {
		tm_print(out, &tp, hidx, hidden, shown, nshown, NULL, NULL, 0);
	} else {
		if (engine_apply(shown, nshown, &res, &outh, &nout) < 0) {
			fprintf(err, "privacy-milter: out of memory\n");
			rc = EX_OSERR;
			goto done;
		}
		tm_print(
		    out, &tp, hidx, hidden, shown, nshown, &res, outh, nout);
	}
flush:
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(err, "privacy-milter: cannot write the message: %s\n",
		    strerror(errno));
		rc = EX_IOERR;
	}
done:
	free(outh);
	if (ran)
		engine_result_free(&res);
	free(shown);
	tm_parse_free(&tp);
	pm_buf_free(&tlsval);
	pm_buf_free(&in);
	session_free(&sess);
	return (rc);
}
