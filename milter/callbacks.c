/*++
/* NAME
/*	callbacks 3
/* SUMMARY
/*	libmilter callbacks: collect the session, run the engine, apply
/*	its edits
/* SYNOPSIS
/*	See include/callbacks.h.
/* DESCRIPTION
/*	Implementation notes.
/*
/*	Header values are passed to the MTA as the engine makes them:
/*	folds are "\n" followed by white space. Measured with Postfix 3.7
/*	(the e2e suite's private instance, LogLevel 3, which logs the form
/*	of every header value received: length, leading space, LF and CRLF
/*	counts, never the text): 494 headers, folded ones up to 1400 folds,
/*	every fold a bare LF, no CRLF; a value starts with its leading
/*	space as written (SMFIP_HDR_LEADSPC). The engine accepts CRLF
/*	folds too (Sendmail), and the headers Postfix receives back with
/*	"\n" folds are delivered folded as sent (e2e: the TLS header).
/*
/*	The current snapshot is the one global the callbacks share: a
/*	pointer swapped under cb_lock; end of message takes a reference
/*	under the same lock.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callbacks.h"
#include "edits.h"
#include "engine.h"
#include "log.h"
#include "util.h"
#include "params.h"
#include "session.h"
#include "snapshot.h"

#define CB_NAME "privacy-milter"
/* Per-message header storage. */
struct cb_hdr {
	char *name;
	char *value;
};

/* Per-connection state (smfi_getpriv). */
struct cb_conn {
	struct pm_session sess;
	unsigned long proto; /* negotiated SMFIP_* flags */
	struct cb_hdr *hdrs;
	size_t nhdrs;
	size_t cap;
	int lost; /* a header could not be kept */
	int in_msg; /* between MAIL and end/abort */
	int live; /* a session that said HELO, not counted yet */
};

/* The current snapshot, swapped by the reload thread. */
static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *cb_snap;
static atomic_ulong cb_gen_local;
static atomic_ulong *cb_generation = &cb_gen_local; /* last installed */

static atomic_uint cb_msgs; /* messages in progress */
static struct stats *cb_st; /* the counters; set before any session */
static atomic_ulong cb_last_proto; /* for a reused connection */
static struct pm_log_limit cb_lim_actions; /* a peer can repeat it at will */

/* The stages of session.h's macro table, as libmilter numbers them. */
static const struct {
	unsigned at;
	int stage;
} cb_stages[] = {
    {SESSION_AT_CONNECT, SMFIM_CONNECT},
    {SESSION_AT_HELO, SMFIM_HELO},
    {SESSION_AT_MAIL, SMFIM_ENVFROM},
    {SESSION_AT_EOM, SMFIM_EOM},
};

/* Steps not used: switched off when the MTA offers it. */
static const unsigned long cb_no_steps =
    SMFIP_NORCPT | SMFIP_NOBODY | SMFIP_NOEOH | SMFIP_NOUNKNOWN | SMFIP_NODATA;

/* Replies the MTA need not wait for. */
static const unsigned long cb_no_reply =
    SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_HDR;

/* cb_snapshot_get - a reference to the current snapshot */
static struct snapshot *
cb_snapshot_get(void)
{
	struct snapshot *s;

	pthread_mutex_lock(&cb_lock);
	s = cb_snap;
	snapshot_ref(s);
	pthread_mutex_unlock(&cb_lock);
	if (s == NULL)
		pm_panic("callbacks: a session before the first snapshot");
	return (s);
}

/* cb_current - a reference to the current snapshot, for the child */
struct snapshot *
cb_current(void)
{
	struct snapshot *s;

	pthread_mutex_lock(&cb_lock);
	s = cb_snap;
	snapshot_ref(s);
	pthread_mutex_unlock(&cb_lock);
	return (s);
}

/* cb_generation_counter - count generations in *counter from now on */
void
cb_generation_counter(atomic_ulong *counter)
{
	cb_generation = counter;
}

/* cb_install - make snap current (takes the caller's reference) */
unsigned long
cb_install(struct snapshot *snap)
{
	struct snapshot *old;
	unsigned long gen;

	pthread_mutex_lock(&cb_lock);
	old = cb_snap;
	cb_snap = snap;
	gen = snap != NULL ? atomic_fetch_add(cb_generation, 1) + 1
	                   : atomic_load(cb_generation);
	if (snap != NULL)
		snap->generation = gen;
	pthread_mutex_unlock(&cb_lock);
	snapshot_unref(old);
	return (gen);
}

/* cb_stats - count into st from now on */
void
cb_stats(struct stats *st)
{
	cb_st = st;
}

/* cb_messages - messages in progress */
unsigned
cb_messages(void)
{
	return (atomic_load(&cb_msgs));
}

/* cb_reply - SMFIS_NOREPLY when the MTA does not wait for this step */
static sfsistat
cb_reply(const struct cb_conn *c, unsigned long nr_flag)
{
	return (c != NULL && (c->proto & nr_flag) != 0 ? SMFIS_NOREPLY
	                                               : SMFIS_CONTINUE);
}

/* cb_message_free - forget the headers of the current message */
static void
cb_message_free(struct cb_conn *c)
{
	size_t i;

	for (i = 0; i < c->nhdrs; i++) {
		free(c->hdrs[i].name);
		free(c->hdrs[i].value);
	}
	free(c->hdrs);
	c->hdrs = NULL;
	c->nhdrs = c->cap = 0;
	c->lost = 0;
	if (c->in_msg) {
		c->in_msg = 0;
		atomic_fetch_sub(&cb_msgs, 1);
	}
	session_reset_message(&c->sess);
}

/* cb_conn_new - per-connection state, attached to ctx */
static struct cb_conn *
cb_conn_new(SMFICTX *ctx, unsigned long proto)
{
	struct cb_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return (NULL);
	session_init(&c->sess);
	c->proto = proto;
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		free(c);
		return (NULL);
	}
	return (c);
}

/* cb_conn - per-connection state; created again for a reused connection */
static struct cb_conn *
cb_conn(SMFICTX *ctx)
{
	struct cb_conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		c = cb_conn_new(ctx, atomic_load(&cb_last_proto));
	return (c);
}

/* cb_read_macros - store the table's macros of a stage and kinds sent */
static void
cb_read_macros(SMFICTX *ctx, struct pm_session *s, unsigned at, unsigned kinds)
{
	const struct session_macro *m;
	char *v;

	for (m = session_macros; m->name != NULL; m++)
		if ((m->at & at) != 0 && (SESSION_KIND(m->kind) & kinds) != 0 &&
		    (v = smfi_getsymval(ctx, (char *)m->name)) != NULL)
			(void)session_set_macro(s, m->name, v);
}

/* cb_symlist - the table's macros of a stage, for smfi_setsymlist() */
static int
cb_symlist(unsigned at, struct pm_buf *list)
{
	const struct session_macro *m;

	pm_buf_reset(list);
	for (m = session_macros; m->name != NULL; m++)
		if ((m->at & at) != 0 &&
		    ((list->len > 0 && pm_buf_putc(list, ' ') < 0) ||
		        pm_buf_puts(list, m->name) < 0))
			return (-1);
	return (0);
}

/* cb_ask_macros - name the macros wanted at each stage */
static void
cb_ask_macros(SMFICTX *ctx)
{
	struct pm_buf list = PM_BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cb_stages) / sizeof(cb_stages[0]); i++)
		if (cb_symlist(cb_stages[i].at, &list) < 0 ||
		    smfi_setsymlist(ctx, cb_stages[i].stage, list.s) !=
		        MI_SUCCESS)
			pm_log(LOG_WARNING,
			    "cannot ask for the macros of stage %d",
			    cb_stages[i].stage);
	pm_buf_free(&list);
}

/* cb_negotiate - ask for what is used, nothing more */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
    unsigned long f3, unsigned long *pf0, unsigned long *pf1,
    unsigned long *pf2, unsigned long *pf3)
{
	struct cb_conn *c;
	unsigned long want = SMFIF_CHGHDRS | SMFIF_ADDHDRS | SMFIF_SETSYMLIST;

	(void)f2;
	(void)f3;
	if ((f0 & (SMFIF_CHGHDRS | SMFIF_ADDHDRS)) !=
	    (SMFIF_CHGHDRS | SMFIF_ADDHDRS))
		pm_log_limited(&cb_lim_actions, 60, LOG_WARNING,
		    "the MTA does not offer to change and add headers"
		    " (actions 0x%lx): edits will fail",
		    f0);
	*pf0 = want & f0;
	*pf1 = (f1 & (cb_no_steps | cb_no_reply | SMFIP_HDR_LEADSPC));
	*pf2 = 0;
	*pf3 = 0;
	atomic_store(&cb_last_proto, *pf1);
	if ((c = smfi_getpriv(ctx)) == NULL &&
	    (c = cb_conn_new(ctx, *pf1)) == NULL) {
		pm_log(LOG_ERR, "out of memory at connect");
		return (SMFIS_TEMPFAIL);
	}
	c->proto = *pf1;
	if (*pf0 & SMFIF_SETSYMLIST)
		cb_ask_macros(ctx);
	return (SMFIS_CONTINUE);
}

/* cb_connect - client address, daemon name and port */
static sfsistat
cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct cb_conn *c = cb_conn(ctx);

	if (c == NULL)
		return (SMFIS_TEMPFAIL);
	if (c->live)
		stats_session(cb_st, &c->sess);
	c->live = 0;
	session_free(&c->sess);
	session_init(&c->sess);
	if (session_set_client(&c->sess, hostname, hostaddr) < 0)
		pm_log(LOG_WARNING, "connect from %.64s: address not kept",
		    hostname != NULL ? hostname : "unknown");
	/* Without a socket address: what the macros say, if anything. */
	cb_read_macros(ctx, &c->sess, SESSION_AT_CONNECT,
	    SESSION_KIND(SESSION_CONN) |
	        (c->sess.family == 0 ? SESSION_KIND(SESSION_ADDR) : 0));
	pm_log(LOG_DEBUG, "connect from %.64s [%s]:%d daemon %.64s port %.16s",
	    hostname != NULL ? hostname : "unknown",
	    c->sess.client_addr[0] ? c->sess.client_addr : "unknown",
	    c->sess.port, c->sess.daemon_name ? c->sess.daemon_name : "-",
	    c->sess.daemon_port ? c->sess.daemon_port : "-");
	return (cb_reply(c, SMFIP_NR_CONN));
}

/* cb_helo - HELO name and the TLS macros, at every HELO/EHLO */
static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	struct cb_conn *c = cb_conn(ctx);

	if (c == NULL)
		return (SMFIS_TEMPFAIL);
	free(c->sess.helo);
	c->sess.helo = helo != NULL ? strdup(helo) : NULL;
	c->live = 1;
	session_reset_tls(&c->sess);
	cb_read_macros(
	    ctx, &c->sess, SESSION_AT_HELO, SESSION_KIND(SESSION_TLS));
	return (cb_reply(c, SMFIP_NR_HELO));
}

/* cb_envfrom - a new message: auth and sender macros */
static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct cb_conn *c = cb_conn(ctx);

	if (c == NULL)
		return (SMFIS_TEMPFAIL);
	cb_message_free(c);
	c->in_msg = 1;
	atomic_fetch_add(&cb_msgs, 1);
	/* TLS macros sent at MAIL win (a client that skipped the EHLO). */
	if (smfi_getsymval(ctx, "{tls_version}") != NULL) {
		session_reset_tls(&c->sess);
		cb_read_macros(
		    ctx, &c->sess, SESSION_AT_MAIL, SESSION_KIND(SESSION_TLS));
	}
	cb_read_macros(
	    ctx, &c->sess, SESSION_AT_MAIL, SESSION_KIND(SESSION_MSG));
	if (c->sess.sender == NULL && argv != NULL && argv[0] != NULL)
		(void)session_set_macro(&c->sess, "mail_addr", argv[0]);
	return (cb_reply(c, SMFIP_NR_MAIL));
}

/* cb_log_header - debug: the form of a header value, never its text */
static void
cb_log_header(const char *name, const char *value)
{
	size_t lf = 0, crlf = 0;
	const char *p;

	for (p = value; *p != 0; p++)
		if (*p == '\n') {
			if (p > value && p[-1] == '\r')
				crlf++;
			else
				lf++;
		}
	pm_log(LOG_DEBUG,
	    "header %.64s: %zu bytes, leading space %s, folds: %zu LF, %zu CRLF",
	    name, strlen(value),
	    value[0] == ' ' || value[0] == '\t' ? "yes" : "no", lf, crlf);
}

/* cb_header - keep one header, in order */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct cb_conn *c = cb_conn(ctx);
	struct cb_hdr *nh;
	char *n, *v;

	if (c == NULL)
		return (SMFIS_TEMPFAIL);
	if (c->lost)
		return (cb_reply(c, SMFIP_NR_HDR));
	if (c->nhdrs == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 32;

		if ((nh = realloc(c->hdrs, ncap * sizeof(*nh))) == NULL) {
			c->lost = 1;
			return (cb_reply(c, SMFIP_NR_HDR));
		}
		c->hdrs = nh;
		c->cap = ncap;
	}
	n = strdup(name != NULL ? name : "");
	v = strdup(value != NULL ? value : "");
	if (n == NULL || v == NULL) {
		free(n);
		free(v);
		c->lost = 1;
		return (cb_reply(c, SMFIP_NR_HDR));
	}
	c->hdrs[c->nhdrs].name = n;
	c->hdrs[c->nhdrs].value = v;
	c->nhdrs++;
	cb_log_header(n, v);
	return (cb_reply(c, SMFIP_NR_HDR));
}

/* cb_fail - apply OnError; reason is logged, never a header value */
static sfsistat
cb_fail(SMFICTX *ctx, const struct config *conf, const char *qid,
    const char *reason, enum pm_err_cause cause)
{
	int accept = conf != NULL && conf->on_error == CONFIG_ONERR_ACCEPT;

	stats_fail(cb_st, cause, accept);
	if (!accept) {
		pm_log(LOG_ERR, "%s: %s; message refused (OnError=tempfail)",
		    qid, reason);
		(void)smfi_setreply(ctx, "451", "4.7.0",
		    "Message not filtered, try again later");
		return (SMFIS_TEMPFAIL);
	}
	pm_log(LOG_ERR, "%s: %s; message passed unchanged (OnError=accept)",
	    qid, reason);
	return (SMFIS_ACCEPT);
}

/* cb_basename - last path component (for short rule ids in logs) */
static const char *
cb_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return (s != NULL ? s + 1 : path);
}

/* cb_rule_id - append "file:line" of r unless seen[0..*nseen) has it */
static void
cb_rule_id(const struct rule *r, const struct rule **seen, size_t *nseen,
    size_t cap, struct pm_buf *buf)
{
	size_t j;

	if (r == NULL)
		return;
	for (j = 0; j < *nseen; j++)
		if (seen[j] == r)
			return;
	if (*nseen < cap)
		seen[(*nseen)++] = r;
	(void)pm_buf_printf(buf, "%s%s:%u", buf->len > 0 ? "," : "",
	    cb_basename(r->file), r->line);
}

/*
 * cb_rule_ids - append "file:line" of each distinct rule to buf
 *
 * Every rule of an edit's continue chain counts, in evaluation order, then
 * the rules of the notes; each rule once.
 */
static void
cb_rule_ids(const struct engine_result *res, struct pm_buf *buf)
{
	const struct rule **seen;
	size_t i, k, cap = 0, nseen = 0;

	for (i = 0; i < res->nedits; i++)
		cap += res->edits[i].nrules > 0 ? res->edits[i].nrules : 1;
	cap += res->nnotes;
	/* Without memory a rule may be listed twice: still no value. */
	if ((seen = calloc(cap > 0 ? cap : 1, sizeof(*seen))) == NULL)
		cap = 0;
	for (i = 0; i < res->nedits; i++) {
		const struct engine_edit *e = &res->edits[i];

		if (e->nrules == 0)
			cb_rule_id(e->rule, seen, &nseen, cap, buf);
		for (k = 0; k < e->nrules; k++)
			cb_rule_id(e->rules[k], seen, &nseen, cap, buf);
	}
	for (i = 0; i < res->nnotes; i++)
		cb_rule_id(res->notes[i].rule, seen, &nseen, cap, buf);
	free(seen);
	if (buf->len == 0)
		(void)pm_buf_puts(buf, "none");
}

/* cb_log_message - the one line per message */
static void
cb_log_message(const struct cb_conn *c, const char *qid,
    const struct engine_result *res, int dry_run)
{
	struct pm_buf ids = PM_BUF_INIT;
	size_t n[4] = {0, 0, 0, 0}, nlog = 0, nskip = 0, i;
	const struct pm_session *s = &c->sess;

	if (!pm_log_enabled(LOG_INFO))
		return;
	for (i = 0; i < res->nedits; i++)
		n[res->edits[i].op]++;
	for (i = 0; i < res->nnotes; i++)
		if (res->notes[i].kind == ENGINE_NOTE_DKIM_SKIP)
			nskip++;
		else
			nlog++;
	cb_rule_ids(res, &ids);
	pm_log(LOG_INFO,
	    "%s: %schanged=%zu removed=%zu inserted=%zu added=%zu"
	    " logged=%zu dkim-skipped=%zu rules=%s tls=%.32s%s%.64s"
	    " auth=%s local=%s",
	    qid, dry_run ? "dry-run: would have " : "", n[ENGINE_CHANGE],
	    n[ENGINE_DELETE], n[ENGINE_INSERT], n[ENGINE_ADD], nlog, nskip,
	    ids.s != NULL ? ids.s : "none",
	    s->tls_version != NULL ? s->tls_version : "none",
	    s->tls_version != NULL ? "/" : "",
	    s->tls_version != NULL && s->cipher != NULL ? s->cipher : "",
	    session_is_authenticated(s) ? "yes" : "no",
	    session_is_local(s) ? "yes" : "no");
	pm_buf_free(&ids);
}

/* cb_log_notes - log rules and DKIM skips, one line each */
static void
cb_log_notes(const char *qid, const struct engine_header *h, size_t nh,
    const struct engine_result *res)
{
	static const char *const op[] = {"change", "remove", "insert", "add"};
	const struct engine_note *nt;
	const char *name, *file;
	unsigned line;
	size_t i;

	for (i = 0; i < res->nnotes; i++) {
		nt = &res->notes[i];
		/* A message-level rule (add) names no original header. */
		if (nt->pos < nh)
			name = h[nt->pos].name;
		else if (nt->rule != NULL && nt->rule->name != NULL)
			name = nt->rule->name;
		else
			name = "(message)";
		file = nt->rule != NULL ? cb_basename(nt->rule->file) : "-";
		line = nt->rule != NULL ? nt->rule->line : 0;
		switch (nt->kind) {
		case ENGINE_NOTE_LOG:
			pm_log(LOG_NOTICE,
			    "%s: log: header %.64s matched (%s:%u)", qid, name,
			    file, line);
			break;
		case ENGINE_NOTE_LOGONLY:
			pm_log(LOG_NOTICE,
			    "%s: log-only: would %s the header %.64s (%s:%u)",
			    qid, (unsigned)nt->op < 4 ? op[nt->op] : "edit",
			    name, file, line);
			break;
		case ENGINE_NOTE_DKIM_SKIP:
			pm_log(LOG_NOTICE,
			    "%s: dkim-signed: not editing the header %.64s"
			    " (%s:%u)",
			    qid, name, file, line);
			break;
		}
	}
}

/* cb_apply - make the MTA calls; -1 when the MTA refused one */
static int
cb_apply(SMFICTX *ctx, const char *qid, const struct edits_mop *ops,
    size_t nops, int dry_run)
{
	static const char *const what[] = {"change", "insert", "add"};
	size_t i;
	int r = MI_SUCCESS;

	for (i = 0; i < nops; i++) {
		const struct edits_mop *op = &ops[i];

		if (dry_run) {
			pm_log(LOG_INFO, "%s: dry-run: would %s %s #%d", qid,
			    op->kind == EDITS_MOP_CHGHEADER && op->value == NULL
			        ? "remove"
			        : what[op->kind],
			    op->name, op->index);
			continue;
		}
		switch (op->kind) {
		case EDITS_MOP_CHGHEADER:
			r = smfi_chgheader(ctx, (char *)op->name, op->index,
			    (char *)op->value);
			break;
		case EDITS_MOP_INSHEADER:
			r = smfi_insheader(ctx, op->index, (char *)op->name,
			    (char *)op->value);
			break;
		case EDITS_MOP_ADDHEADER:
			r = smfi_addheader(
			    ctx, (char *)op->name, (char *)op->value);
			break;
		}
		if (r != MI_SUCCESS) {
			pm_log(LOG_ERR, "%s: the MTA refused to %s %s #%d", qid,
			    what[op->kind], op->name, op->index);
			return (-1);
		}
	}
	return (0);
}

/*
 * cb_count - the counters of one message at its end: fwd is the engine's
 * answer, or -1 when it did not run (then asked here, if the headers are
 * there); res NULL when the engine did not run to its end
 */
static void
cb_count(const struct cb_conn *c, const struct engine_header *h, int fwd,
    const struct engine_result *res, int made, unsigned long gen,
    const struct timespec *t0)
{
	struct stats_msg m;
	struct timespec t1;

	if (cb_st == NULL)
		return;
	if (fwd < 0)
		fwd = h != NULL && engine_forwarded(h, c->nhdrs);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	memset(&m, 0, sizeof(m));
	m.scope = stats_scope(&c->sess, fwd);
	m.res = res;
	m.edits_made = made;
	m.generation = gen;
	m.eom_ns = (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000000u +
	    (uint64_t)t1.tv_nsec - (uint64_t)t0->tv_nsec;
	stats_message(cb_st, &m);
}

/* cb_eom - run the engine once and apply its edits */
static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct cb_conn *c = cb_conn(ctx);
	struct snapshot *snap;
	struct engine_header *h = NULL;
	struct engine_params ep;
	struct engine_result res;
	struct edits_mop *ops = NULL;
	struct pm_buf tlsval = PM_BUF_INIT;
	struct pm_error err;
	size_t nops = 0, i;
	const char *qid;
	sfsistat rc = SMFIS_CONTINUE;
	struct timespec t0;
	int ran = 0, made = 0, fwd = -1, rc0;

	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	if (c == NULL)
		return (SMFIS_TEMPFAIL);
	cb_read_macros(
	    ctx, &c->sess, SESSION_AT_EOM, SESSION_KIND(SESSION_MSG));
	qid = c->sess.queue_id != NULL ? c->sess.queue_id : "NOQUEUE";
	snap = cb_snapshot_get();
	memset(&res, 0, sizeof(res));
	memset(&err, 0, sizeof(err));

	if (c->lost) {
		rc = cb_fail(ctx, snap->conf, qid,
		    "out of memory while keeping the headers", PM_ERR_NOMEM);
		goto done;
	}
	if (c->nhdrs > 0 && (h = calloc(c->nhdrs, sizeof(*h))) == NULL) {
		rc = cb_fail(
		    ctx, snap->conf, qid, "out of memory", PM_ERR_NOMEM);
		goto done;
	}
	for (i = 0; i < c->nhdrs; i++) {
		h[i].name = c->hdrs[i].name;
		h[i].value = c->hdrs[i].value;
	}
	if (params_engine(snap, &c->sess, &ep, &tlsval) < 0) {
		rc = cb_fail(
		    ctx, snap->conf, qid, "out of memory", PM_ERR_NOMEM);
		goto done;
	}
	rc0 = engine_run(&ep, h, c->nhdrs, &res, &err);
	fwd = res.forwarded;
	if (rc0 < 0) {
		rc = cb_fail(ctx, snap->conf, qid, err.text, err.cause);
		goto done;
	}
	ran = 1;
	if (edits_milter_ops(h, c->nhdrs, &res, snap->conf->hidden_headers,
	        &ops, &nops, &err) < 0) {
		rc = cb_fail(ctx, snap->conf, qid, err.text, err.cause);
		goto done;
	}
	cb_log_notes(qid, h, c->nhdrs, &res);
	if (cb_apply(ctx, qid, ops, nops, snap->conf->dry_run) < 0) {
		rc = cb_fail(
		    ctx, snap->conf, qid, "an edit failed", PM_ERR_INTERNAL);
		goto done;
	}
	made = !snap->conf->dry_run;
	cb_log_message(c, qid, &res, snap->conf->dry_run);
done:
	cb_count(c, h, fwd, ran ? &res : NULL, made, snap->generation, &t0);
	pm_buf_free(&tlsval);
	free(ops);
	if (ran)
		engine_result_free(&res);
	free(h);
	snapshot_unref(snap);
	cb_message_free(c);
	return (rc);
}

/* cb_abort - the message is gone; keep the connection */
static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct cb_conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		cb_message_free(c);
	return (SMFIS_CONTINUE);
}

/* cb_close - free the connection */
static sfsistat
cb_close(SMFICTX *ctx)
{
	struct cb_conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		if (c->live)
			stats_session(cb_st, &c->sess);
		cb_message_free(c);
		session_free(&c->sess);
		free(c);
		(void)smfi_setpriv(ctx, NULL);
	}
	return (SMFIS_CONTINUE);
}

static struct smfiDesc cb_desc = {
    CB_NAME, /* filter name */
    SMFI_VERSION, /* version code */
    SMFIF_CHGHDRS | SMFIF_ADDHDRS | SMFIF_SETSYMLIST, /* flags */
    cb_connect, /* connection info */
    cb_helo, /* SMTP HELO */
    cb_envfrom, /* envelope sender */
    NULL, /* envelope recipient: not used */
    cb_header, /* header */
    NULL, /* end of header: not used */
    NULL, /* body: not used */
    cb_eom, /* end of message */
    cb_abort, /* message aborted */
    cb_close, /* connection closed */
    NULL, /* unknown SMTP command: not used */
    NULL, /* DATA: not used */
    cb_negotiate, /* negotiate */
};

/* cb_register - register the filter; socket spec, timeout, packet limit */
int
cb_register(const struct config *conf)
{
	if (smfi_register(cb_desc) != MI_SUCCESS) {
		pm_log(LOG_ERR, "smfi_register failed");
		return (-1);
	}
	if (conf->timeout > 0 &&
	    smfi_settimeout((int)conf->timeout) != MI_SUCCESS) {
		pm_log(LOG_ERR, "smfi_settimeout failed");
		return (-1);
	}
	if (conf->max_data_size > 0 &&
	    smfi_setmaxdatasize(conf->max_data_size) == 0) {
		pm_log(LOG_ERR, "MaxDataSize %zu refused by libmilter",
		    conf->max_data_size);
		return (-1);
	}
	return (0);
}
