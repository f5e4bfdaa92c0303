/*++
/* NAME
/*	tester 3
/* SUMMARY
/*	privacy-milter --test-message: the engine on a message from a file
/* DESCRIPTION
/*	The contract is in include/tester.h. tester_run() reads the file,
/*	builds the session (tester_session()), hides the first Received
/*	(tester_shown()), runs the engine (tester_engine()), then
/*	tester_report() writes the edit lines and tester_print() the
/*	message.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "config.h"
#include "edits.h"
#include "engine.h"
#include "msgparse.h"
#include "params.h"
#include "session.h"
#include "tester.h"
#include "util.h"

/* One run: the message as read and what the engine is shown. */
struct tester {
	struct msgparse m;
	struct engine_header *shown; /* m.hdrs without the hidden one */
	size_t nshown;
	size_t hidx; /* position of the hidden Received in m */
	int hidden; /* a Received is hidden */
	FILE *out;
	FILE *err;
};

/* Order of edit lines: message position, inserts above the header. */
struct tester_item {
	size_t pos; /* position in the full list */
	int rank; /* insert 0, note 1, change/delete 2, add 3 */
	size_t seq; /* stable tie break */
	const struct engine_edit *e;
	const struct engine_note *n;
};

/* tester_read - read a whole file or stdin into memory */
int
tester_read(const char *file, struct pm_buf *b, FILE *err)
{
	char chunk[65536];
	size_t n;
	FILE *fp, *own = NULL;
	int rc = 0;

	if (strcmp(file, "-") == 0)
		fp = stdin;
	else if ((fp = own = fopen(file, "rb")) == NULL) {
		fprintf(err, "privacy-milter: %s: %s\n", file, strerror(errno));
		return (EX_NOINPUT);
	}
	if (pm_buf_append(b, "", 0) < 0)
		rc = EX_OSERR;
	while (rc == 0 && !feof(fp) && !ferror(fp)) {
		n = fread(chunk, 1, sizeof(chunk), fp);
		if (n > 0 && pm_buf_append(b, chunk, n) < 0)
			rc = EX_OSERR;
	}
	if (rc == 0 && ferror(fp)) {
		fprintf(err, "privacy-milter: %s: read error\n", file);
		rc = EX_NOINPUT;
	}
	if (rc == EX_OSERR)
		fprintf(err, "privacy-milter: %s: out of memory\n", file);
	if (own != NULL)
		fclose(own);
	return (rc);
}

/* tester_put_header - write a new or changed header in the input's style */
static void
tester_put_header(FILE *out, const char *name, const char *value, int crlf)
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

/* tester_put_raw - write an untouched header as read (line end ensured) */
static void
tester_put_raw(FILE *out, const struct msgparse_span *s, int crlf)
{
	fwrite(s->start, 1, s->len, out);
	if (s->len == 0 || s->start[s->len - 1] != '\n')
		fputs(crlf ? "\r\n" : "\n", out);
}

/* tester_occurrence - 1-based occurrence of header i's name among all */
static size_t
tester_occurrence(const struct msgparse *m, size_t i)
{
	size_t j, n = 0;

	for (j = 0; j <= i; j++)
		if (strcasecmp(m->hdrs[j].name, m->hdrs[i].name) == 0)
			n++;
	return (n);
}

/* tester_op_word - the verb of an edit line */
static const char *
tester_op_word(enum engine_op op)
{
	static const char *const word[] = {"change", "remove", "insert", "add"};

	if ((unsigned)op >= sizeof(word) / sizeof(word[0]))
		pm_panic("tester: edit operation %d", (int)op);
	return (word[op]);
}

/*
 * tester_why - "(file:line ACTION, file:line ACTION...)" or "(reason)";
 * the rules are those of a continue chain, in evaluation order
 */
static void
tester_why(
    FILE *err, const struct rule *const *rules, size_t nrules, const char *why)
{
	size_t i;

	if (nrules == 0) {
		fprintf(err, " (%s)\n", why != NULL ? why : "built-in");
		return;
	}
	for (i = 0; i < nrules; i++)
		fprintf(err, "%s%s:%u %s", i == 0 ? " (" : ", ", rules[i]->file,
		    rules[i]->line, rules[i]->action_word);
	fputs(")\n", err);
}

/* tester_item_cmp - qsort comparator for edit lines */
static int
tester_item_cmp(const void *a, const void *b)
{
	const struct tester_item *x = a, *y = b;

	if (x->pos != y->pos)
		return (x->pos < y->pos ? -1 : 1);
	if (x->rank != y->rank)
		return (x->rank - y->rank);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* tester_items - edits and notes in message order; NULL on ENOMEM */
static struct tester_item *
tester_items(const struct tester *t, const struct engine_result *res)
{
	struct tester_item *it;
	size_t i, k = 0, p;

	if ((it = calloc(res->nedits + res->nnotes, sizeof(*it))) == NULL)
		return (NULL);
	for (i = 0; i < res->nedits; i++, k++) {
		const struct engine_edit *e = &res->edits[i];

		p = t->hidden && e->pos >= t->hidx ? e->pos + 1 : e->pos;
		it[k].pos = e->op == ENGINE_ADD ? t->m.nhdrs : p;
		it[k].rank = e->op == ENGINE_INSERT ? 0
		    : e->op == ENGINE_ADD           ? 3
		                                    : 2;
		it[k].seq = k;
		it[k].e = e;
	}
	for (i = 0; i < res->nnotes; i++, k++) {
		p = res->notes[i].pos;
		it[k].pos = t->hidden && p >= t->hidx ? p + 1 : p;
		it[k].rank = 1;
		it[k].seq = k;
		it[k].n = &res->notes[i];
	}
	qsort(it, k, sizeof(*it), tester_item_cmp);
	return (it);
}

/* tester_edit_line - one edit line */
static void
tester_edit_line(
    const struct tester *t, const struct tester_item *it, const char *would)
{
	const struct engine_edit *e = it->e;

	fprintf(t->err, "privacy-milter: %s%s %s", would, tester_op_word(e->op),
	    e->name);
	if ((e->op == ENGINE_CHANGE || e->op == ENGINE_DELETE) &&
	    it->pos < t->m.nhdrs)
		fprintf(t->err, " #%zu", tester_occurrence(&t->m, it->pos));
	if (e->nrules > 0)
		tester_why(t->err, e->rules, e->nrules, NULL);
	else
		tester_why(t->err, &e->rule, e->rule != NULL, e->why);
}

/* tester_note_line - one note line */
static void
tester_note_line(
    const struct tester *t, const struct tester_item *it, const char *would)
{
	static const char *const kind[] = {"log", "log-only", "dkim-skip"};
	const struct engine_note *no = it->n;

	fprintf(t->err, "privacy-milter: %s%s", would, kind[no->kind]);
	if (no->kind != ENGINE_NOTE_LOG)
		fprintf(t->err, " %s", tester_op_word(no->op));
	fprintf(t->err, " %s",
	    it->pos < t->m.nhdrs ? t->m.hdrs[it->pos].name : "?");
	if (it->pos < t->m.nhdrs)
		fprintf(t->err, " #%zu", tester_occurrence(&t->m, it->pos));
	tester_why(t->err, &no->rule, no->rule != NULL, NULL);
}

/* tester_report - one line per edit and note on err */
static int
tester_report(const struct tester *t, const struct engine_result *res, int dry)
{
	struct tester_item *it;
	size_t k, n = res->nedits + res->nnotes;

	if (n == 0)
		return (0);
	if ((it = tester_items(t, res)) == NULL)
		return (-1);
	for (k = 0; k < n; k++) {
		if (it[k].e != NULL)
			tester_edit_line(t, &it[k], dry ? "would " : "");
		else
			tester_note_line(t, &it[k], dry ? "would " : "");
	}
	free(it);
	return (0);
}

/* tester_edit_pos - original position an edited output header stands at */
static size_t
tester_edit_pos(const struct engine_result *res, const struct engine_header *h,
    size_t nshown, size_t dflt)
{
	size_t k;

	for (k = 0; k < res->nedits; k++)
		if (res->edits[k].value != NULL &&
		    h->value == res->edits[k].value)
			return (res->edits[k].op == ENGINE_ADD
			        ? nshown
			        : res->edits[k].pos);
	return (dflt);
}

/* tester_print_raw - the message unchanged */
static void
tester_print_raw(const struct tester *t)
{
	size_t i;

	for (i = 0; i < t->m.nhdrs; i++)
		tester_put_raw(t->out, &t->m.spans[i], t->m.crlf);
}

/*
 * tester_print_edited - the rewritten header section. Untouched headers
 * are written as read. The hidden header goes in front of the first output
 * header that stands at or below its position; an insert at that position
 * lands below it, as smfi_insheader() puts it.
 */
static void
tester_print_edited(const struct tester *t, const struct engine_result *res,
    const struct engine_header *outh, size_t nout)
{
	const struct msgparse *m = &t->m;
	size_t i, j = 0, src, pos = 0;
	int hidden_done = !t->hidden;

	for (i = 0; i < nout; i++) {
		/* An untouched original header, or an edit? */
		for (src = j; src < t->nshown; src++)
			if (outh[i].value == t->shown[src].value &&
			    outh[i].name == t->shown[src].name)
				break;
		pos = src < t->nshown
		    ? src
		    : tester_edit_pos(res, &outh[i], t->nshown, pos);
		if (!hidden_done && pos >= t->hidx) {
			tester_put_raw(t->out, &m->spans[t->hidx], m->crlf);
			hidden_done = 1;
		}
		if (src < t->nshown) {
			j = src + 1;
			tester_put_raw(t->out,
			    &m->spans[t->hidden && src >= t->hidx ? src + 1
			                                          : src],
			    m->crlf);
		} else
			tester_put_header(
			    t->out, outh[i].name, outh[i].value, m->crlf);
	}
	if (!hidden_done)
		tester_put_raw(t->out, &m->spans[t->hidx], m->crlf);
}

/* tester_print_body - the empty line and the body */
static void
tester_print_body(const struct tester *t)
{
	if (t->m.seplen > 0)
		fwrite(t->m.sep, 1, t->m.seplen, t->out);
	fwrite(t->m.body, 1, t->m.bodylen, t->out);
}

/* tester_session - the session, as the macros describe it */
int
tester_session(struct pm_session *sess, const char *const *macros,
    size_t nmacros, FILE *err)
{
	const char *eq;
	char name[256];
	size_t i, nl;

	for (i = 0; i < nmacros; i++) {
		eq = strchr(macros[i], '=');
		if (eq == NULL || (nl = (size_t)(eq - macros[i])) == 0 ||
		    nl >= sizeof(name)) {
			fprintf(err, "privacy-milter: bad --macro \"%s\"\n",
			    macros[i]);
			return (EX_USAGE);
		}
		memcpy(name, macros[i], nl);
		name[nl] = 0;
		if (session_set_macro(sess, name, eq + 1) < 0) {
			fprintf(err,
			    "privacy-milter: --macro %s: invalid value \"%s\"\n",
			    name, eq + 1);
			return (EX_USAGE);
		}
	}
	return (0);
}

/* tester_shown - the headers the engine sees: the MTA hides its own */
static int
tester_shown(struct tester *t, int hide_first_received)
{
	size_t i;

	if (hide_first_received) {
		for (t->hidx = 0; t->hidx < t->m.nhdrs; t->hidx++)
			if (strcasecmp(t->m.hdrs[t->hidx].name, "Received") ==
			    0)
				break;
		t->hidden = t->hidx < t->m.nhdrs;
	}
	if (t->m.nhdrs > 0 &&
	    (t->shown = calloc(t->m.nhdrs, sizeof(*t->shown))) == NULL)
		return (EX_OSERR);
	for (i = 0; i < t->m.nhdrs; i++)
		if (!t->hidden || i != t->hidx)
			t->shown[t->nshown++] = t->m.hdrs[i];
	return (0);
}

/* tester_apply - report the edits and print the message they make */
static int
tester_apply(
    const struct tester *t, const struct engine_result *res, int dry_run)
{
	struct engine_header *outh = NULL;
	size_t nout = 0;

	if (tester_report(t, res, dry_run) < 0)
		return (EX_OSERR);
	if (dry_run || res->nedits == 0)
		tester_print_raw(t);
	else {
		if (edits_apply(t->shown, t->nshown, res, &outh, &nout) < 0) {
			fprintf(t->err, "privacy-milter: out of memory\n");
			return (EX_OSERR);
		}
		tester_print_edited(t, res, outh, nout);
		free(outh);
	}
	tester_print_body(t);
	return (0);
}

/* tester_engine - run the engine exactly as the milter does at eom */
static int
tester_engine(const struct snapshot *snap, const struct tester *t,
    const struct pm_session *sess)
{
	struct pm_buf tlsval = PM_BUF_INIT;
	struct engine_params ep;
	struct engine_result res;
	struct pm_error perr;
	int rc;

	if (params_engine(snap, sess, &ep, &tlsval) < 0) {
		fprintf(t->err, "privacy-milter: out of memory\n");
		pm_buf_free(&tlsval);
		return (EX_OSERR);
	}
	memset(&perr, 0, sizeof(perr));
	if (engine_run(&ep, t->shown, t->nshown, &res, &perr) == 0) {
		rc = tester_apply(t, &res, snap->conf->dry_run);
		engine_result_free(&res);
	} else if (snap->conf->on_error != CONFIG_ONERR_ACCEPT) {
		fprintf(t->err, "privacy-milter: %s\n", perr.text);
		fprintf(t->err,
		    "privacy-milter: OnError=tempfail: message refused (exit %d)\n",
		    EX_TEMPFAIL);
		rc = EX_TEMPFAIL;
	} else {
		fprintf(t->err, "privacy-milter: %s\n", perr.text);
		fprintf(t->err,
		    "privacy-milter: OnError=accept: message passed unchanged\n");
		tester_print_raw(t);
		tester_print_body(t);
		rc = 0;
	}
	pm_buf_free(&tlsval);
	return (rc);
}

/* tester_run - the offline tester; see tester.h */
int
tester_run(const struct snapshot *snap, const char *file,
    const char *const *macros, size_t nmacros, int hide_first_received,
    FILE *out, FILE *err)
{
	struct pm_buf in = PM_BUF_INIT;
	struct pm_session sess;
	struct tester t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.out = out;
	t.err = err;
	session_init(&sess);
	if ((rc = tester_read(file, &in, err)) != 0 ||
	    (rc = tester_session(&sess, macros, nmacros, err)) != 0)
		goto done;
	if (msgparse_parse(in.s, in.len, &t.m) < 0) {
		fprintf(err, "privacy-milter: %s: out of memory\n", file);
		rc = EX_OSERR;
		goto done;
	}
	if ((rc = tester_shown(&t, hide_first_received)) != 0 ||
	    (rc = tester_engine(snap, &t, &sess)) != 0)
		goto done;
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(err, "privacy-milter: cannot write the message: %s\n",
		    strerror(errno));
		rc = EX_IOERR;
	}
done:
	free(t.shown);
	msgparse_free(&t.m);
	pm_buf_free(&in);
	session_free(&sess);
	return (rc);
}
