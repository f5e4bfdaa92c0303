/*++
/* NAME
/*	audit 3
/* SUMMARY
/*	privacy-milter --audit
/* SYNOPSIS
/*	See include/audit.h.
/* DESCRIPTION
/*	Implementation notes. The sources (audit_path()) hand each message
/*	to audit_message(): parse (msgparse.c), run the engine exactly as
/*	the tester does (params_engine(), engine_run(), edits_apply()),
/*	then search what the rules left (audit_leaks()). Per header name a
/*	struct audit_name counts messages, so a message with three Received
/*	headers counts once for "Received". The session is the same for
/*	every message: its detectors are prepared once.
/*
/*	A header whose value is the one read (edits_apply() passes the
/*	original pointer on) is one no rule acted on: only there do product
/*	tokens count, since a rule that rewrites a Received header already
/*	decided what of it stays.
/*--*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include "audit.h"
#include "detect.h"
#include "edits.h"
#include "engine.h"
#include "msgparse.h"
#include "params.h"
#include "rules.h"
#include "tester.h"
#include "util.h"

#define AUDIT_NKINDS 10 /* the bits of DETECT_ALL */
#define AUDIT_MAX_VALUES 20 /* listed per header name with --audit-values */

/* The kinds that count as a leak after the rules; product only where no
 * rule acted. */
#define AUDIT_KINDS                                                            \
	(DETECT_SESSION | DETECT_ADDRESS | DETECT_LOCAL_HOST |                 \
	    DETECT_PRIVATE_HOST | DETECT_DYNAMIC_HOST | DETECT_ACCOUNT)

/* What the audit knows of one header name. */
struct audit_name {
	char *name; /* as first seen */
	unsigned long seen, changed, removed, leaking, signed_kept;
	unsigned long kinds[AUDIT_NKINDS]; /* messages leaking this kind */
	char **values; /* with opts->values */
	size_t nvalues;
	size_t capvalues;
	unsigned long last; /* message number that last counted it */
	unsigned flags; /* AUDIT_F_* in that message */
	unsigned found; /* DETECT_* kinds counted in that message */
};

#define AUDIT_F_SEEN 1u
#define AUDIT_F_CHANGED 2u
#define AUDIT_F_REMOVED 4u
#define AUDIT_F_LEAK 8u
#define AUDIT_F_SIGNED 16u /* would leak, but DKIM-signed: the rules keep it */

struct audit {
	const struct snapshot *snap;
	const struct audit_opts *o;
	FILE *out, *err;
	struct pm_session sess;
	int in_scope_session; /* authenticated or local */
	const struct rules_names *except;
	struct detect_set ds;
	const char *own[2];
	struct detect_hits hits;
	struct audit_name *names;
	size_t nnames;
	size_t capnames;
	unsigned long messages, in_scope, forwarded, out_of_scope, changed,
	    leaking, signed_kept;
	unsigned long kind_totals[AUDIT_NKINDS];
	time_t last_progress;
};

/* Not searched when the rules name no user-content list of their own. */
static const char *const audit_user_headers[] = {"From", "To", "Cc", "Bcc",
    "Reply-To", "Sender", "Subject", "Date", "Message-ID", "References",
    "In-Reply-To", "MIME-Version", "Return-Path", "DKIM-Signature", "Autocrypt",
    NULL};
static const char *const audit_user_prefixes[] = {
    "Content-", "List-", "Resent-", "ARC-", NULL};

/* audit_kind_index - 0.. for one DETECT_* bit */
static int
audit_kind_index(unsigned bit)
{
	int i = 0;

	while (bit > 1) {
		bit >>= 1;
		i++;
	}
	return (i);
}

/* audit_user_header - content the user wrote, or addresses by design */
static int
audit_user_header(const struct audit *a, const char *name)
{
	size_t i, n = strlen(name);

	if (a->except != NULL)
		return (rules_names_has(a->except, name, n));
	for (i = 0; audit_user_headers[i] != NULL; i++)
		if (strcasecmp(audit_user_headers[i], name) == 0)
			return (1);
	for (i = 0; audit_user_prefixes[i] != NULL; i++)
		if (strncasecmp(audit_user_prefixes[i], name,
		        strlen(audit_user_prefixes[i])) == 0)
			return (1);
	return (0);
}

/* audit_name - the record of a header name (case-insensitive) */
static struct audit_name *
audit_name(struct audit *a, const char *name)
{
	struct audit_name *n;
	size_t i;

	for (i = 0; i < a->nnames; i++)
		if (strcasecmp(a->names[i].name, name) == 0)
			return (&a->names[i]);
	if (pm_grow(&a->names, &a->capnames, a->nnames + 1, sizeof(*a->names)) <
	    0)
		return (NULL);
	n = &a->names[a->nnames];
	memset(n, 0, sizeof(*n));
	if ((n->name = strdup(name)) == NULL)
		return (NULL);
	a->nnames++;
	return (n);
}

/* audit_mark - header name gets flag f in message number msg */
static int
audit_mark(struct audit *a, const char *name, unsigned f)
{
	struct audit_name *n = audit_name(a, name);

	if (n == NULL)
		return (-1);
	if (n->last != a->messages) {
		n->last = a->messages;
		n->flags = 0;
		n->found = 0;
	}
	if (n->flags & f)
		return (0);
	n->flags |= f;
	n->seen += f == AUDIT_F_SEEN;
	n->changed += f == AUDIT_F_CHANGED;
	n->removed += f == AUDIT_F_REMOVED;
	n->leaking += f == AUDIT_F_LEAK;
	n->signed_kept += f == AUDIT_F_SIGNED;
	return (0);
}

/* audit_value - keep one part found, with --audit-values */
static int
audit_value(struct audit_name *n, const char *v, size_t len, unsigned kind)
{
	struct pm_buf b = PM_BUF_INIT;
	unsigned bit;

	if (n->nvalues >= AUDIT_MAX_VALUES)
		return (0);
	if (pm_buf_append(&b, v, len) < 0 || pm_buf_puts(&b, " (") < 0)
		goto nomem;
	for (bit = 1; bit <= DETECT_ALL; bit <<= 1)
		if ((kind & bit) &&
		    (pm_buf_puts(&b, detect_kind_name(bit)) < 0 ||
		        pm_buf_puts(&b, (kind & ~(bit * 2 - 1)) ? ", " : ")") <
		            0))
			goto nomem;
	if (pm_grow(&n->values, &n->capvalues, n->nvalues + 1,
	        sizeof(*n->values)) < 0)
		goto nomem;
	n->values[n->nvalues++] = pm_buf_steal(&b);
	return (0);
nomem:
	pm_buf_free(&b);
	return (-1);
}

/*
 * audit_scan_header - what still leaks in one header the rules left; a
 * DKIM-signed one the rules kept (no "force") counts apart, in *kept
 */
static int
audit_scan_header(struct audit *a, const struct engine_header *h, int acted,
    int is_signed, unsigned *leak, int *kept)
{
	struct audit_name *n;
	unsigned kinds = AUDIT_KINDS | (acted ? 0 : DETECT_PRODUCT), seen = 0;
	size_t i;
	unsigned bit;
	int nh;

	if (audit_user_header(a, h->name))
		return (0);
	nh = detect_scan(
	    &a->ds, kinds, h->name, h->value, strlen(h->value), &a->hits);
	if (nh < 0)
		return (-1);
	if (nh == 0)
		return (0);
	if (is_signed) {
		*kept = 1;
		return (audit_mark(a, h->name, AUDIT_F_SIGNED));
	}
	if (audit_mark(a, h->name, AUDIT_F_LEAK) < 0 ||
	    (n = audit_name(a, h->name)) == NULL)
		return (-1);
	for (i = 0; i < a->hits.n; i++) {
		seen |= a->hits.v[i].kind;
		if (a->o->values &&
		    audit_value(n, h->value + a->hits.v[i].off,
		        a->hits.v[i].len, a->hits.v[i].kind) < 0)
			return (-1);
	}
	/* Per message and name: each kind once. */
	for (bit = 1; bit <= DETECT_ALL; bit <<= 1)
		if ((seen & bit) && !(n->found & bit))
			n->kinds[audit_kind_index(bit)]++;
	n->found |= seen;
	*leak |= seen;
	return (0);
}

/* audit_signed_kept - the rules left header pos alone: DKIM-signed */
static int
audit_signed_kept(const struct engine_result *res, size_t pos)
{
	size_t i;

	for (i = 0; i < res->nnotes; i++)
		if (res->notes[i].kind == ENGINE_NOTE_DKIM_SKIP &&
		    res->notes[i].pos == pos)
			return (1);
	return (0);
}

/* audit_leaks - search the headers the rules left; 1 if anything leaks */
static int
audit_leaks(struct audit *a, const struct engine_header *shown, size_t nshown,
    const struct engine_result *res, const struct engine_header *outh,
    size_t nout)
{
	unsigned leak = 0, bit;
	size_t i, k;
	int acted, is_signed, kept = 0;

	for (i = 0; i < nout; i++) {
		/* edits_apply() passes an untouched value on as it was. */
		for (acted = 1, is_signed = 0, k = 0; k < nshown; k++)
			if (outh[i].value == shown[k].value) {
				acted = 0;
				is_signed = audit_signed_kept(res, k);
				break;
			}
		if (audit_scan_header(
		        a, &outh[i], acted, is_signed, &leak, &kept) < 0)
			return (-1);
	}
	for (bit = 1; bit <= DETECT_ALL; bit <<= 1)
		if (leak & bit)
			a->kind_totals[audit_kind_index(bit)]++;
	a->signed_kept += kept;
	return (leak != 0);
}

/* audit_count_edits - which header names the rules changed or removed */
static int
audit_count_edits(struct audit *a, const struct engine_header *shown,
    const struct engine_result *res)
{
	size_t i;

	for (i = 0; i < res->nedits; i++) {
		const struct engine_edit *e = &res->edits[i];

		if (e->op == ENGINE_CHANGE &&
		    audit_mark(a, shown[e->pos].name, AUDIT_F_CHANGED) < 0)
			return (-1);
		if (e->op == ENGINE_DELETE &&
		    audit_mark(a, shown[e->pos].name, AUDIT_F_REMOVED) < 0)
			return (-1);
	}
	return (0);
}

/* audit_engine - the rules over one message, then what still leaks */
static int
audit_engine(struct audit *a, const struct engine_header *shown, size_t nshown,
    const char *where)
{
	struct pm_buf tlsval = PM_BUF_INIT;
	struct engine_params ep;
	struct engine_result res;
	struct engine_header *outh = NULL;
	struct pm_error perr;
	size_t nout = 0;
	int rc = EX_OSERR, leaks;

	memset(&perr, 0, sizeof(perr));
	if (params_engine(a->snap, &a->sess, &ep, &tlsval) < 0)
		goto out;
	/* The rules' work only: no TLS header to add or forged one to drop. */
	ep.tls_header_name = NULL;
	ep.tls_header_value = NULL;
	if (engine_run(&ep, shown, nshown, &res, &perr) < 0) {
		fprintf(a->err, "privacy-milter: %s: %s\n", where, perr.text);
		rc = EX_SOFTWARE;
		goto out;
	}
	if (audit_count_edits(a, shown, &res) < 0 ||
	    edits_apply(shown, nshown, &res, &outh, &nout) < 0 ||
	    (leaks = audit_leaks(a, shown, nshown, &res, outh, nout)) < 0) {
		engine_result_free(&res);
		goto out;
	}
	a->changed += res.nedits > 0;
	a->leaking += leaks;
	engine_result_free(&res);
	rc = 0;
out:
	free(outh);
	pm_buf_free(&tlsval);
	if (rc == EX_OSERR)
		fprintf(a->err, "privacy-milter: %s: out of memory\n", where);
	return (rc);
}

/* audit_progress - a line on err every second */
static void
audit_progress(struct audit *a)
{
	time_t now = time(NULL);

	if (!a->o->progress || now == a->last_progress)
		return;
	if (a->last_progress != 0)
		fprintf(a->err,
		    "privacy-milter: audit: %lu messages, %lu in scope, %lu leaking\n",
		    a->messages, a->in_scope, a->leaking);
	a->last_progress = now;
}

/* audit_message - one message of len bytes, named where in messages */
static int
audit_message(struct audit *a, const char *buf, size_t len, const char *where)
{
	struct msgparse m;
	struct engine_header *shown = NULL;
	size_t i, n = 0, hidx = (size_t)-1;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	if (msgparse_parse(buf, len, &m) < 0) {
		fprintf(a->err, "privacy-milter: %s: out of memory\n", where);
		return (EX_OSERR);
	}
	a->messages++;
	audit_progress(a);
	if (a->o->hide_first_received)
		for (i = 0; i < m.nhdrs && hidx == (size_t)-1; i++)
			if (strcasecmp(m.hdrs[i].name, "Received") == 0)
				hidx = i;
	if (m.nhdrs > 0 && (shown = calloc(m.nhdrs, sizeof(*shown))) == NULL) {
		rc = EX_OSERR;
		goto out;
	}
	for (i = 0; i < m.nhdrs; i++)
		if (i != hidx) {
			shown[n++] = m.hdrs[i];
			if (audit_mark(a, m.hdrs[i].name, AUDIT_F_SEEN) < 0) {
				rc = EX_OSERR;
				goto out;
			}
		}
	if (engine_forwarded(shown, n))
		a->forwarded++;
	else if (!a->in_scope_session)
		a->out_of_scope++;
	else {
		a->in_scope++;
		rc = audit_engine(a, shown, n, where);
	}
out:
	free(shown);
	msgparse_free(&m);
	return (rc);
}

/* audit_mbox - every message of an mbox: split at "From " lines */
static int
audit_mbox(struct audit *a, const char *buf, size_t len, const char *path)
{
	const char *p = buf, *end = buf + len, *start, *next, *nl;
	char where[4200];
	unsigned long k = 0;
	int rc;

	while (p < end) {
		/* p is at a "From " line: the message starts after it. */
		nl = memchr(p, '\n', (size_t)(end - p));
		start = nl != NULL ? nl + 1 : end;
		for (next = start; next < end; next++)
			if ((next == start || next[-1] == '\n') &&
			    (size_t)(end - next) >= 5 &&
			    memcmp(next, "From ", 5) == 0 &&
			    (next - start < 2 || next[-2] == '\n'))
				break;
		snprintf(where, sizeof(where), "%s, message %lu", path, ++k);
		if ((rc = audit_message(
		         a, start, (size_t)(next - start), where)) != 0)
			return (rc);
		p = next;
	}
	return (0);
}

/* audit_file - one file: an mbox or a single message */
static int
audit_file(struct audit *a, const char *path)
{
	struct pm_buf b = PM_BUF_INIT;
	int rc;

	if ((rc = tester_read(path, &b, a->err)) != 0)
		return (rc);
	if (b.len >= 5 && memcmp(b.s, "From ", 5) == 0)
		rc = audit_mbox(a, b.s, b.len, path);
	else
		rc = audit_message(a, b.s != NULL ? b.s : "", b.len, path);
	pm_buf_free(&b);
	return (rc);
}

/* audit_name_cmp - strcmp for qsort of names */
static int
audit_name_cmp(const void *x, const void *y)
{
	return (strcmp(*(char *const *)x, *(char *const *)y));
}

/* audit_dir - the regular files of a directory, in name order */
static int
audit_dir(struct audit *a, const char *dir)
{
	char **v = NULL, path[4200];
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(
		    a->err, "privacy-milter: %s: cannot read directory\n", dir);
		return (EX_NOINPUT);
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (pm_grow(&v, &cap, n + 1, sizeof(*v)) < 0 ||
		    (v[n] = strdup(path)) == NULL)
			rc = EX_OSERR;
		else
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), audit_name_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = audit_file(a, v[i]);
		free(v[i]);
	}
	free(v);
	return (rc);
}

/* audit_path - a maildir, a directory of messages, an mbox or a message */
static int
audit_path(struct audit *a, const char *path)
{
	char sub[4200];
	struct stat st;
	int rc, maildir = 0;
	const char *const parts[] = {"cur", "new"};
	size_t i;

	if (strcmp(path, "-") == 0)
		return (audit_file(a, path));
	if (stat(path, &st) < 0) {
		fprintf(a->err, "privacy-milter: %s: cannot read\n", path);
		return (EX_NOINPUT);
	}
	if (!S_ISDIR(st.st_mode))
		return (audit_file(a, path));
	for (i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, parts[i]);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
			maildir = 1;
			if ((rc = audit_dir(a, sub)) != 0)
				return (rc);
		}
	}
	return (maildir ? 0 : audit_dir(a, path));
}

/* audit_order - most frequent header names first, then by name */
static int
audit_order(const void *x, const void *y)
{
	const struct audit_name *p = x, *q = y;

	if (p->seen != q->seen)
		return (p->seen > q->seen ? -1 : 1);
	return (strcasecmp(p->name, q->name));
}

/* audit_kinds_text - "address 3, account 1" for one header name */
static void
audit_kinds_text(const unsigned long *kinds, char *buf, size_t len)
{
	size_t o = 0;
	unsigned bit;

	buf[0] = 0;
	for (bit = 1; bit <= DETECT_ALL && o < len; bit <<= 1)
		if (kinds[audit_kind_index(bit)] > 0)
			o += (size_t)snprintf(buf + o, len - o, "%s%s %lu",
			    o > 0 ? ", " : "", detect_kind_name(bit),
			    kinds[audit_kind_index(bit)]);
}

/* audit_table - the report for a person */
static void
audit_table(const struct audit *a)
{
	char kinds[512];
	size_t i, k;
	int w = 6; /* the longest name, up to 60, gives the first column */

	for (i = 0; i < a->nnames; i++)
		if (strlen(a->names[i].name) > (size_t)w)
			w = strlen(a->names[i].name) > 60
			    ? 60
			    : (int)strlen(a->names[i].name);
	fprintf(a->out, "%-*s %7s %7s %7s %7s %7s  %s\n", w, "header", "seen",
	    "changed", "removed", "leaking", "signed", "what still leaks");
	for (i = 0; i < a->nnames; i++) {
		const struct audit_name *n = &a->names[i];

		audit_kinds_text(n->kinds, kinds, sizeof(kinds));
		fprintf(a->out, "%-*.200s %7lu %7lu %7lu %7lu %7lu  %s\n", w,
		    n->name, n->seen, n->changed, n->removed, n->leaking,
		    n->signed_kept, kinds);
		for (k = 0; k < n->nvalues; k++)
			fprintf(a->out, "    %s\n", n->values[k]);
	}
	audit_kinds_text(a->kind_totals, kinds, sizeof(kinds));
	fprintf(a->out,
	    "messages %lu: in scope %lu (changed %lu, leaking %lu, DKIM-signed kept %lu), forwarded %lu, out of scope %lu\n",
	    a->messages, a->in_scope, a->changed, a->leaking, a->signed_kept,
	    a->forwarded, a->out_of_scope);
	if (a->leaking > 0)
		fprintf(a->out, "still leaking (messages): %s\n", kinds);
}

/* audit_json_string - a JSON string */
static void
audit_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != 0; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* audit_json_kinds - {"address": 3, ...} */
static void
audit_json_kinds(FILE *out, const unsigned long *kinds)
{
	unsigned bit;
	int first = 1;

	fputc('{', out);
	for (bit = 1; bit <= DETECT_ALL; bit <<= 1)
		if (kinds[audit_kind_index(bit)] > 0) {
			fprintf(out, "%s\"%s\": %lu", first ? "" : ", ",
			    detect_kind_name(bit),
			    kinds[audit_kind_index(bit)]);
			first = 0;
		}
	fputc('}', out);
}

/* audit_json - the report as one JSON object */
static void
audit_json(const struct audit *a)
{
	size_t i, k;

	fprintf(a->out,
	    "{\"messages\": %lu, \"in_scope\": %lu, \"changed\": %lu, \"leaking\": %lu, \"signed_kept\": %lu, \"forwarded\": %lu, \"out_of_scope\": %lu, \"leaks\": ",
	    a->messages, a->in_scope, a->changed, a->leaking, a->signed_kept,
	    a->forwarded, a->out_of_scope);
	audit_json_kinds(a->out, a->kind_totals);
	fprintf(a->out, ", \"headers\": [");
	for (i = 0; i < a->nnames; i++) {
		const struct audit_name *n = &a->names[i];

		fprintf(a->out, "%s\n  {\"name\": ", i > 0 ? "," : "");
		audit_json_string(a->out, n->name);
		fprintf(a->out,
		    ", \"seen\": %lu, \"changed\": %lu, \"removed\": %lu, \"leaking\": %lu, \"signed_kept\": %lu, \"leaks\": ",
		    n->seen, n->changed, n->removed, n->leaking,
		    n->signed_kept);
		audit_json_kinds(a->out, n->kinds);
		if (a->o->values) {
			fprintf(a->out, ", \"values\": [");
			for (k = 0; k < n->nvalues; k++) {
				fprintf(a->out, "%s", k > 0 ? ", " : "");
				audit_json_string(a->out, n->values[k]);
			}
			fputc(']', a->out);
		}
		fputc('}', a->out);
	}
	fprintf(a->out, "\n]}\n");
}

/* audit_setup - the session, its detectors, the user-content list */
static int
audit_setup(struct audit *a)
{
	struct detect_input in;
	int rc;

	session_init(&a->sess);
	if ((rc = tester_session(
	         &a->sess, a->o->macros, a->o->nmacros, a->err)) != 0)
		return (rc);
	/*
	 * No macros: an authenticated submission from an unknown client,
	 * with a login that is only a marker (no detector looks for it).
	 */
	if (a->o->nmacros == 0 &&
	    (a->sess.auth_authen = strdup("(audit)")) == NULL)
		return (EX_OSERR);
	a->in_scope_session =
	    session_is_authenticated(&a->sess) || session_is_local(&a->sess);
	a->except = rules_detect_except(a->snap->rules);
	memset(&in, 0, sizeof(in));
	in.family = a->sess.family;
	in.addr = a->sess.family != 0 ? a->sess.addr : NULL;
	in.client_name = a->sess.client_name;
	in.helo = a->sess.helo;
	in.login = a->o->nmacros > 0 ? a->sess.auth_authen : NULL;
	a->own[in.nown++] = a->snap->authserv_id;
	a->own[in.nown++] = a->sess.own_host;
	in.own = a->own;
	in.nkeep = rules_keep_networks(a->snap->rules, &in.keep);
	return (detect_prepare(&a->ds, &in) < 0 ? EX_OSERR : 0);
}

/* audit_free - release what the audit collected */
static void
audit_free(struct audit *a)
{
	size_t i, k;

	for (i = 0; i < a->nnames; i++) {
		free(a->names[i].name);
		for (k = 0; k < a->names[i].nvalues; k++)
			free(a->names[i].values[k]);
		free(a->names[i].values);
	}
	free(a->names);
	detect_hits_free(&a->hits);
	detect_free(&a->ds);
	session_free(&a->sess);
}

/* audit_run - the audit; see audit.h */
int
audit_run(const struct snapshot *snap, const struct audit_opts *opts, FILE *out,
    FILE *err)
{
	struct audit a;
	size_t i;
	int rc;

	memset(&a, 0, sizeof(a));
	a.snap = snap;
	a.o = opts;
	a.out = out;
	a.err = err;
	if ((rc = audit_setup(&a)) != 0)
		goto done;
	for (i = 0; i < opts->npaths && rc == 0; i++)
		rc = audit_path(&a, opts->paths[i]);
	if (rc != 0)
		goto done;
	if (a.nnames > 1)
		qsort(a.names, a.nnames, sizeof(*a.names), audit_order);
	if (opts->json)
		audit_json(&a);
	else
		audit_table(&a);
	if (fflush(out) != 0 || ferror(out))
		rc = EX_IOERR;
	else
		rc = a.leaking > 0;
done:
	audit_free(&a);
	return (rc);
}
