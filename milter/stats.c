/*++
/* NAME
/*	stats 3
/* SUMMARY
/*	the counters shared by the daemon's processes
/* SYNOPSIS
/*	See include/stats.h.
/* DESCRIPTION
/*	Implementation notes. The block is one struct stats; its counters
/*	are 64-bit atomics even on 32-bit machines (a sum of nanoseconds
/*	would wrap in seconds otherwise). A slot of the rule and TLS
/*	tables holds a key (0: free), a count and labels; the labels are
/*	written under the slot's flag (test-and-set, never waited for: a
/*	writer that finds it set leaves the labels to the one holding it,
/*	and a later hit writes them if they are still old) between two
/*	increments of the slot's sequence counter, and read with the
/*	usual sequence-lock retry. Formatting reads every counter with a
/*	relaxed load: a scrape sees each counter as it was at some moment
/*	of the scrape, which is what Prometheus expects of counters.
/*--*/
#include "pm_autoconf.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tls.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
    "the counters are shared between processes: they must be lock-free");
_Static_assert(ATOMIC_INT_LOCK_FREE == 2,
    "the counters are shared between processes: they must be lock-free");

#define STATS_MAGIC 0x706d7374u /* "pmst" */
#define STATS_VERSION 1u
#define STATS_LABEL 72 /* bytes of a label, NUL included */
#define STATS_NEDIT 6
#define STATS_NCAUSE 3
#define STATS_NEOM 13 /* buckets, +Inf included */
#define STATS_RETRY 16 /* reads of a label being written */

typedef atomic_ullong stats_ctr;

/* One rule, or one TLS version and cipher. */
struct stats_slot {
	atomic_ullong key; /* 0: free */
	atomic_uint ready; /* labels written */
	atomic_uint seq; /* odd: labels being written */
	atomic_flag lock; /* held by a label writer */
	atomic_ulong gen; /* rules: generation the labels are of */
	stats_ctr count;
	unsigned line; /* rules: line */
	char a[STATS_LABEL]; /* rules: file base name; TLS: version */
	char b[STATS_LABEL]; /* rules: name ("": none); TLS: cipher */
};

struct stats {
	uint32_t magic;
	uint32_t version;
	uint64_t size;
	long long pid; /* the supervisor */
	long long started; /* its start, seconds since the epoch */
	stats_ctr messages[STATS_NSCOPE];
	stats_ctr changed;
	stats_ctr edits[STATS_NEDIT];
	stats_ctr dkim_skipped;
	stats_ctr found[DETECT_NKINDS];
	stats_ctr fail[STATS_NCAUSE][2]; /* [cause][accepted] */
	stats_ctr sessions[3]; /* tls, plain, local */
	stats_ctr reloads[2]; /* failed, ok */
	stats_ctr restarts;
	atomic_ullong generation;
	atomic_ullong rules_gen; /* rules of this generation are shown */
	atomic_ullong nrules;
	atomic_llong last_good; /* time of the last good load */
	atomic_int last_ok; /* the last reload loaded */
	stats_ctr eom[STATS_NEOM];
	stats_ctr eom_ns;
	stats_ctr rule_other;
	stats_ctr tls_other;
	atomic_uint rule_claimed;
	atomic_uint tls_claimed;
	struct stats_slot rules[STATS_RULE_SLOTS];
	struct stats_slot tls[STATS_TLS_SLOTS];
};

/* What the labels mean, in the order of the arrays above. */
static const char *const stats_scope_names[STATS_NSCOPE] = {
    "authenticated", "local", "forwarded", "inbound"};
static const char *const stats_edit_names[STATS_NEDIT] = {
    "change", "remove", "insert", "add", "tls_header", "forged_tls_header"};
static const char *const stats_cause_names[STATS_NCAUSE] = {
    "internal", "match_limit", "memory"};
static const char *const stats_transport_names[3] = {"tls", "plain", "local"};
static const char *const stats_tls_versions[] = {
    "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"};

/* End-of-message buckets: upper bounds in ns and as exported. */
static const uint64_t stats_eom_le[STATS_NEOM - 1] = {100000, 250000, 500000,
    1000000, 2500000, 5000000, 10000000, 25000000, 50000000, 100000000,
    250000000, 1000000000};
static const char *const stats_eom_text[STATS_NEOM] = {"0.0001", "0.00025",
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
    "0.25", "1", "+Inf"};

const char *const stats_families[] = {
    "privacy_milter_messages_total",
    "privacy_milter_messages_changed_total",
    "privacy_milter_edits_total",
    "privacy_milter_dkim_skipped_total",
    "privacy_milter_rule_hits_total",
    "privacy_milter_leaks_found_total",
    "privacy_milter_fail_policy_total",
    "privacy_milter_sessions_total",
    "privacy_milter_tls_sessions_total",
    "privacy_milter_reloads_total",
    "privacy_milter_last_reload_successful",
    "privacy_milter_last_reload_success_timestamp_seconds",
    "privacy_milter_generation",
    "privacy_milter_rules",
    "privacy_milter_child_restarts_total",
    "privacy_milter_eom_duration_seconds",
    "privacy_milter_start_time_seconds",
    "privacy_milter_build_info",
    NULL,
};

/* stats_add - one more, relaxed */
static void
stats_add(stats_ctr *c, unsigned long long n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/* stats_get - a counter's value */
static unsigned long long
stats_get(const stats_ctr *c)
{
	return (atomic_load_explicit(c, memory_order_relaxed));
}

/* stats_size - bytes of the block */
size_t
stats_size(void)
{
	return (sizeof(struct stats));
}

/* stats_init - the header of a zeroed block */
void
stats_init(void *mem, long pid, time_t now)
{
	struct stats *st = mem;

	st->magic = STATS_MAGIC;
	st->version = STATS_VERSION;
	st->size = sizeof(*st);
	st->pid = pid;
	st->started = (long long)now;
	atomic_store(&st->last_good, (long long)now);
	atomic_store(&st->last_ok, 1);
}

/* stats_check - the block in mem, if it is one of this layout */
const struct stats *
stats_check(const void *mem, size_t len)
{
	const struct stats *st = mem;

	if (mem == NULL || len < sizeof(*st) || st->magic != STATS_MAGIC ||
	    st->version != STATS_VERSION || st->size != sizeof(*st))
		return (NULL);
	return (st);
}

/* stats_pid - the supervisor's pid */
long
stats_pid(const struct stats *st)
{
	return ((long)st->pid);
}

/*
 * Slots.
 */

/*
 * stats_slot_find - the slot of key in tab[0..n), claimed when new and
 * claim is set and fewer than max are claimed; NULL: none
 */
static struct stats_slot *
stats_slot_find(struct stats_slot *tab, size_t n, atomic_uint *claimed,
    unsigned max, uint64_t key, int claim)
{
	size_t i, k, mask = n - 1;
	unsigned long long cur;

	for (i = (size_t)key & mask, k = 0; k < n; i = (i + 1) & mask, k++) {
		cur = atomic_load_explicit(&tab[i].key, memory_order_acquire);
		if (cur == key)
			return (&tab[i]);
		if (cur != 0)
			continue;
		/* A free slot: the key is not in the table. */
		if (!claim)
			return (NULL);
		if (atomic_fetch_add(claimed, 1) >= max) {
			atomic_fetch_sub(claimed, 1);
			return (NULL);
		}
		if (atomic_compare_exchange_strong(&tab[i].key, &cur, key))
			return (&tab[i]);
		atomic_fetch_sub(claimed, 1);
		if (cur == key)
			return (&tab[i]); /* another thread claimed it for us */
	}
	return (NULL);
}

/* stats_copy - label text, cut to fit */
static void
stats_copy(char *dst, const char *src)
{
	snprintf(dst, STATS_LABEL, "%s", src != NULL ? src : "");
}

/*
 * stats_label - write the labels of a slot for generation gen, unless
 * another writer holds it or newer labels are there
 */
static void
stats_label(struct stats_slot *sl, unsigned long gen, const char *a,
    const char *b, unsigned line)
{
	unsigned s;

	if (atomic_flag_test_and_set_explicit(&sl->lock, memory_order_acquire))
		return;
	if (!atomic_load(&sl->ready) || atomic_load(&sl->gen) < gen) {
		s = atomic_load_explicit(&sl->seq, memory_order_relaxed);
		atomic_store_explicit(&sl->seq, s + 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_release);
		stats_copy(sl->a, a);
		stats_copy(sl->b, b);
		sl->line = line;
		atomic_store(&sl->gen, gen);
		atomic_store_explicit(&sl->seq, s + 2, memory_order_release);
		atomic_store_explicit(&sl->ready, 1, memory_order_release);
	}
	atomic_flag_clear_explicit(&sl->lock, memory_order_release);
}

/* stats_read_label - a consistent copy of a slot's labels; 0 when busy */
static int
stats_read_label(const struct stats_slot *sl, char *a, char *b, unsigned *line,
    unsigned long *gen)
{
	unsigned s1, s2, i;

	for (i = 0; i < STATS_RETRY; i++) {
		s1 = atomic_load_explicit(&sl->seq, memory_order_acquire);
		if (s1 & 1)
			continue;
		memcpy(a, sl->a, STATS_LABEL);
		memcpy(b, sl->b, STATS_LABEL);
		*line = sl->line;
		*gen = atomic_load(&sl->gen);
		atomic_thread_fence(memory_order_acquire);
		s2 = atomic_load_explicit(&sl->seq, memory_order_relaxed);
		if (s1 == s2) {
			a[STATS_LABEL - 1] = b[STATS_LABEL - 1] = 0;
			return (1);
		}
	}
	return (0);
}

/*
 * stats_shown - the labels of a slot that is shown: claimed, labelled and,
 * for a rule, of the running generation
 */
static int
stats_shown(const struct stats *st, const struct stats_slot *sl, int rule,
    char *a, char *b, unsigned *line)
{
	unsigned long gen;

	if (atomic_load(&sl->key) == 0 ||
	    !atomic_load_explicit(&sl->ready, memory_order_acquire) ||
	    !stats_read_label(sl, a, b, line, &gen))
		return (0);
	return (!rule || gen == atomic_load(&st->rules_gen));
}

/* stats_base - the last component of a path */
static const char *
stats_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return (s != NULL ? s + 1 : path);
}

/* stats_rule_hit - one hit of rule r, in a snapshot of generation gen */
static void
stats_rule_hit(struct stats *st, const struct rule *r, unsigned long gen)
{
	struct stats_slot *sl;

	sl = stats_slot_find(st->rules, STATS_RULE_SLOTS, &st->rule_claimed,
	    STATS_RULE_MAX, r->ident, 1);
	if (sl == NULL) {
		stats_add(&st->rule_other, 1);
		return;
	}
	stats_add(&sl->count, 1);
	if (!atomic_load_explicit(&sl->ready, memory_order_acquire) ||
	    atomic_load_explicit(&sl->gen, memory_order_relaxed) < gen)
		stats_label(sl, gen, stats_base(r->file), r->label, r->line);
}

/*
 * Recording.
 */

/* stats_scope - which of the four a message is */
enum stats_scope
stats_scope(const struct pm_session *s, int forwarded)
{
	int auth = s != NULL && session_is_authenticated(s);
	int local = s != NULL && session_is_local(s);

	if (!auth && !local)
		return (STATS_INBOUND);
	if (forwarded)
		return (STATS_FORWARDED);
	return (auth ? STATS_AUTHENTICATED : STATS_LOCAL);
}

/* stats_edits - the edits that reached the MTA, and a changed message */
static void
stats_edits(struct stats *st, const struct engine_result *res)
{
	size_t i, k;
	int changed = 0;

	for (i = 0; i < res->nedits; i++) {
		const struct engine_edit *e = &res->edits[i];

		if (e->nrules > 0) {
			k = (size_t)e->op;
			changed = 1;
		} else
			k = e->op == ENGINE_DELETE ? 5 : 4;
		stats_add(&st->edits[k < STATS_NEDIT ? k : 0], 1);
	}
	if (changed)
		stats_add(&st->changed, 1);
}

/* stats_eom - one end-of-message time into the histogram */
static void
stats_eom(struct stats *st, uint64_t ns)
{
	size_t i;

	for (i = 0; i < STATS_NEOM - 1 && ns > stats_eom_le[i]; i++)
		;
	stats_add(&st->eom[i], 1);
	stats_add(&st->eom_ns, ns);
}

/* stats_message - one message at its end (see stats.h) */
void
stats_message(struct stats *st, const struct stats_msg *m)
{
	const struct engine_result *res = m->res;
	size_t i;

	if (st == NULL)
		return;
	stats_add(&st->messages[m->scope < STATS_NSCOPE ? m->scope : 0], 1);
	stats_eom(st, m->eom_ns);
	if (res == NULL)
		return;
	for (i = 0; i < res->nmatched; i++)
		stats_rule_hit(st, res->matched[i], m->generation);
	for (i = 0; i < DETECT_NKINDS; i++)
		if (res->found[i] > 0)
			stats_add(&st->found[i], res->found[i]);
	for (i = 0; i < res->nnotes; i++)
		if (res->notes[i].kind == ENGINE_NOTE_DKIM_SKIP)
			stats_add(&st->dkim_skipped, 1);
	if (m->edits_made)
		stats_edits(st, res);
}

/* stats_fail - one decision of the fail policy */
void
stats_fail(struct stats *st, enum pm_err_cause cause, int accepted)
{
	if (st != NULL)
		stats_add(&st->fail[(unsigned)cause < STATS_NCAUSE ? cause : 0]
		                   [accepted != 0],
		    1);
}

/* stats_tls_version - the version as exported: a known one or "other" */
static const char *
stats_tls_version(const char *v)
{
	size_t i;

	for (i = 0; i < sizeof(stats_tls_versions) / sizeof(char *); i++)
		if (v != NULL && strcmp(v, stats_tls_versions[i]) == 0)
			return (stats_tls_versions[i]);
	return ("other");
}

/* stats_session - one SMTP session at its end */
void
stats_session(struct stats *st, const struct pm_session *s)
{
	struct tls_cipher_info info;
	struct stats_slot *sl;
	const char *v, *c;
	uint64_t key;

	if (st == NULL)
		return;
	if (session_is_local(s)) {
		stats_add(&st->sessions[2], 1);
		return;
	}
	if (!session_has_tls(s)) {
		stats_add(&st->sessions[1], 1);
		return;
	}
	stats_add(&st->sessions[0], 1);
	v = stats_tls_version(s->tls_version);
	c = s->cipher != NULL && tls_cipher_lookup(s->cipher, &info) == 1
	    ? info.iana
	    : "other";
	key = pm_hash_more(pm_hash(v, strlen(v) + 1, 0), c, strlen(c), 0);
	sl = stats_slot_find(st->tls, STATS_TLS_SLOTS, &st->tls_claimed,
	    STATS_TLS_MAX, key != 0 ? key : 1, 1);
	if (sl == NULL) {
		stats_add(&st->tls_other, 1);
		return;
	}
	stats_add(&sl->count, 1);
	if (!atomic_load_explicit(&sl->ready, memory_order_acquire))
		stats_label(sl, 1, v, c, 0);
}

/* stats_install - a snapshot of generation gen is in use */
void
stats_install(struct stats *st, const struct ruleset *rs, unsigned long gen)
{
	const struct rule *r;
	struct stats_slot *sl;
	size_t i, n = rules_count(rs);

	if (st == NULL)
		return;
	/* Rules with counts: their labels as they stand now. */
	for (i = 0; i < n; i++) {
		r = rules_get(rs, (unsigned)i);
		sl = stats_slot_find(st->rules, STATS_RULE_SLOTS,
		    &st->rule_claimed, STATS_RULE_MAX, r->ident, 0);
		if (sl != NULL)
			stats_label(
			    sl, gen, stats_base(r->file), r->label, r->line);
	}
	atomic_store(&st->nrules, n);
	atomic_store(&st->generation, gen);
	atomic_store(&st->rules_gen, gen);
}

/* stats_reload - the result of a reload */
void
stats_reload(struct stats *st, int ok, time_t now)
{
	if (st == NULL)
		return;
	stats_add(&st->reloads[ok != 0], 1);
	atomic_store(&st->last_ok, ok != 0);
	if (ok)
		atomic_store(&st->last_good, (long long)now);
}

/* stats_release - a dead child's label locks and half-written labels */
static void
stats_release(struct stats_slot *tab, size_t n)
{
	size_t i;
	unsigned s;

	for (i = 0; i < n; i++) {
		s = atomic_load(&tab[i].seq);
		if (s & 1) {
			/* Cut short: written again by the next hit. */
			atomic_store(&tab[i].ready, 0);
			atomic_store(&tab[i].seq, s + 1);
		}
		atomic_flag_clear(&tab[i].lock);
	}
}

/* stats_child_gone - the supervisor reaped a child (none runs now) */
void
stats_child_gone(struct stats *st, int restarted)
{
	if (st == NULL)
		return;
	if (restarted)
		stats_add(&st->restarts, 1);
	stats_release(st->rules, STATS_RULE_SLOTS);
	stats_release(st->tls, STATS_TLS_SLOTS);
}

/*
 * The Prometheus text format.
 */

/* stats_esc - a label value with \, " and newline escaped */
static int
stats_esc(struct pm_buf *out, const char *s)
{
	for (; *s != 0; s++) {
		if ((*s == '\\' || *s == '"') && pm_buf_putc(out, '\\') < 0)
			return (-1);
		if (*s == '\n' ? pm_buf_puts(out, "\\n") < 0
		               : pm_buf_putc(out, *s) < 0)
			return (-1);
	}
	return (0);
}

/* stats_head - the HELP and TYPE lines of a family */
static int
stats_head(
    struct pm_buf *out, const char *name, const char *type, const char *help)
{
	return (pm_buf_printf(
	    out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type));
}

/* stats_vec - a family with one label, one value per label value */
static int
stats_vec(struct pm_buf *out, const char *name, const char *help,
    const char *label, const char *const *values, const stats_ctr *c, size_t n)
{
	size_t i;

	if (stats_head(out, name, "counter", help) < 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (pm_buf_printf(out, "%s{%s=\"%s\"} %llu\n", name, label,
		        values[i], stats_get(&c[i])) < 0)
			return (-1);
	return (0);
}

/* stats_one - a family of one sample */
static int
stats_one(struct pm_buf *out, const char *name, const char *type,
    const char *help, unsigned long long v)
{
	if (stats_head(out, name, type, help) < 0 ||
	    pm_buf_printf(out, "%s %llu\n", name, v) < 0)
		return (-1);
	return (0);
}

/* stats_rule_sample - one rule's series; 0 when not shown */
static int
stats_rule_sample(
    const struct stats *st, const struct stats_slot *sl, struct pm_buf *out)
{
	char a[STATS_LABEL], b[STATS_LABEL];
	unsigned long long key = atomic_load(&sl->key);
	unsigned line;

	if (!stats_shown(st, sl, 1, a, b, &line))
		return (0);
	if (pm_buf_puts(out, "privacy_milter_rule_hits_total{rule=\"") < 0 ||
	    stats_esc(out, a) < 0 ||
	    pm_buf_printf(out, ":%u\",id=\"%016llx\"", line, key) < 0 ||
	    (b[0] != 0 &&
	        (pm_buf_puts(out, ",name=\"") < 0 || stats_esc(out, b) < 0 ||
	            pm_buf_putc(out, '"') < 0)) ||
	    pm_buf_printf(out, "} %llu\n", stats_get(&sl->count)) < 0)
		return (-1);
	return (0);
}

/* stats_prom_rules - hits per rule of the running generation */
static int
stats_prom_rules(const struct stats *st, struct pm_buf *out)
{
	size_t i;

	if (stats_head(out, "privacy_milter_rule_hits_total", "counter",
	        "Headers a rule matched (a message-level rule: messages), by"
	        " rule of the running generation; rule=\"other\": rules"
	        " beyond the table.") < 0)
		return (-1);
	for (i = 0; i < STATS_RULE_SLOTS; i++)
		if (stats_rule_sample(st, &st->rules[i], out) < 0)
			return (-1);
	return (pm_buf_printf(out,
	    "privacy_milter_rule_hits_total{rule=\"other\"} %llu\n",
	    stats_get(&st->rule_other)));
}

/* stats_prom_tls - TLS sessions by version and cipher */
static int
stats_prom_tls(const struct stats *st, struct pm_buf *out)
{
	char a[STATS_LABEL], b[STATS_LABEL];
	unsigned line;
	size_t i;

	if (stats_head(out, "privacy_milter_tls_sessions_total", "counter",
	        "SMTP sessions with TLS, by protocol version and IANA"
	        " cipher name.") < 0)
		return (-1);
	for (i = 0; i < STATS_TLS_SLOTS; i++) {
		const struct stats_slot *sl = &st->tls[i];

		if (!stats_shown(st, sl, 0, a, b, &line))
			continue;
		if (pm_buf_printf(out,
		        "privacy_milter_tls_sessions_total{version=\"%s\","
		        "cipher=\"%s\"} %llu\n",
		        a, b, stats_get(&sl->count)) < 0)
			return (-1);
	}
	if (stats_get(&st->tls_other) > 0 &&
	    pm_buf_printf(out,
	        "privacy_milter_tls_sessions_total{version=\"other\","
	        "cipher=\"other\"} %llu\n",
	        stats_get(&st->tls_other)) < 0)
		return (-1);
	return (0);
}

/* stats_prom_fail - fail-policy decisions by cause and action */
static int
stats_prom_fail(const struct stats *st, struct pm_buf *out)
{
	size_t i, k;

	if (stats_head(out, "privacy_milter_fail_policy_total", "counter",
	        "Messages the engine could not process, by cause and by what"
	        " OnError did with them.") < 0)
		return (-1);
	for (i = 0; i < STATS_NCAUSE; i++)
		for (k = 0; k < 2; k++)
			if (pm_buf_printf(out,
			        "privacy_milter_fail_policy_total{cause=\"%s\","
			        "action=\"%s\"} %llu\n",
			        stats_cause_names[i], k ? "accept" : "tempfail",
			        stats_get(&st->fail[i][k])) < 0)
				return (-1);
	return (0);
}

/* stats_prom_found - parts found by the detectors, per kind */
static int
stats_prom_found(const struct stats *st, struct pm_buf *out)
{
	const char *kinds[DETECT_NKINDS];
	size_t i;

	for (i = 0; i < DETECT_NKINDS; i++)
		kinds[i] = detect_kind_name(1u << i);
	return (stats_vec(out, "privacy_milter_leaks_found_total",
	    "Parts of header values that the detectors of matching find"
	    " rules found, by kind.",
	    "kind", kinds, st->found, DETECT_NKINDS));
}

/* stats_prom_eom - the end-of-message histogram */
static int
stats_prom_eom(const struct stats *st, struct pm_buf *out)
{
	const char *n = "privacy_milter_eom_duration_seconds";
	unsigned long long cum = 0;
	size_t i;

	if (stats_head(out, n, "histogram",
	        "Time the milter spent at end of message (engine and edits).") <
	    0)
		return (-1);
	for (i = 0; i < STATS_NEOM; i++) {
		cum += stats_get(&st->eom[i]);
		if (pm_buf_printf(out, "%s_bucket{le=\"%s\"} %llu\n", n,
		        stats_eom_text[i], cum) < 0)
			return (-1);
	}
	return (pm_buf_printf(out, "%s_sum %.9f\n%s_count %llu\n", n,
	    (double)stats_get(&st->eom_ns) / 1e9, n, cum));
}

/* stats_prom_reloads - reloads, generation and the last good load */
static int
stats_prom_reloads(const struct stats *st, struct pm_buf *out)
{
	static const char *const result[2] = {"failed", "ok"};

	if (stats_vec(out, "privacy_milter_reloads_total",
	        "Reloads (SIGHUP), by result.", "result", result, st->reloads,
	        2) < 0 ||
	    stats_one(out, "privacy_milter_last_reload_successful", "gauge",
	        "1 if the last reload loaded (or none failed since the start),"
	        " else 0.",
	        (unsigned long long)atomic_load(&st->last_ok)) < 0 ||
	    stats_one(out,
	        "privacy_milter_last_reload_success_timestamp_seconds", "gauge",
	        "When the rules in use were loaded (the start or the last good"
	        " reload), seconds since the epoch.",
	        (unsigned long long)atomic_load(&st->last_good)) < 0 ||
	    stats_one(out, "privacy_milter_generation", "gauge",
	        "Generation of the rules in use (one more per good reload and"
	        " per start of a filtering process).",
	        atomic_load(&st->generation)) < 0 ||
	    stats_one(out, "privacy_milter_rules", "gauge",
	        "Rules in the generation in use.",
	        atomic_load(&st->nrules)) < 0)
		return (-1);
	return (0);
}

/* stats_format_prometheus - the text exposition (see stats.h) */
int
stats_format_prometheus(const struct stats *st, struct pm_buf *out)
{
	if (stats_vec(out, "privacy_milter_messages_total",
	        "Messages at their end, by scope.", "scope", stats_scope_names,
	        st->messages, STATS_NSCOPE) < 0 ||
	    stats_one(out, "privacy_milter_messages_changed_total", "counter",
	        "Messages a rule changed.", stats_get(&st->changed)) < 0 ||
	    stats_vec(out, "privacy_milter_edits_total",
	        "Header edits made, by kind.", "kind", stats_edit_names,
	        st->edits, STATS_NEDIT) < 0 ||
	    stats_one(out, "privacy_milter_dkim_skipped_total", "counter",
	        "Edits not made because a DKIM signature covers the header.",
	        stats_get(&st->dkim_skipped)) < 0 ||
	    stats_prom_rules(st, out) < 0 || stats_prom_found(st, out) < 0 ||
	    stats_prom_fail(st, out) < 0 ||
	    stats_vec(out, "privacy_milter_sessions_total",
	        "SMTP sessions that said HELO, at their end: TLS, plain text,"
	        " or the MTA's local submission.",
	        "transport", stats_transport_names, st->sessions, 3) < 0 ||
	    stats_prom_tls(st, out) < 0 || stats_prom_reloads(st, out) < 0 ||
	    stats_one(out, "privacy_milter_child_restarts_total", "counter",
	        "Filtering processes restarted after they exited.",
	        stats_get(&st->restarts)) < 0 ||
	    stats_prom_eom(st, out) < 0 ||
	    stats_one(out, "privacy_milter_start_time_seconds", "gauge",
	        "Start of the supervisor, seconds since the epoch.",
	        (unsigned long long)st->started) < 0 ||
	    stats_head(out, "privacy_milter_build_info", "gauge",
	        "The version of privacy-milter.") < 0 ||
	    pm_buf_printf(out, "privacy_milter_build_info{version=\"%s\"} 1\n",
	        PACKAGE_VERSION) < 0)
		return (-1);
	return (0);
}

/*
 * The table of --stats.
 */

/* A rule for the top list. */
struct stats_top {
	unsigned long long hits;
	char where[STATS_LABEL + 16];
	char name[STATS_LABEL];
};

/* stats_by_hits - qsort: most hits first */
static int
stats_by_hits(const void *a, const void *b)
{
	const struct stats_top *x = a, *y = b;

	return (x->hits < y->hits ? 1 : x->hits > y->hits ? -1 : 0);
}

/* stats_when - a time as text, local time */
static void
stats_when(long long t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", t);
}

/* stats_table_rules - the ten rules of the running generation hit most */
static int
stats_table_rules(const struct stats *st, struct pm_buf *out)
{
	struct stats_top *v;
	char a[STATS_LABEL], b[STATS_LABEL];
	unsigned line;
	size_t i, n = 0;
	int rc = 0;

	if ((v = calloc(STATS_RULE_MAX, sizeof(*v))) == NULL)
		return (-1);
	for (i = 0; i < STATS_RULE_SLOTS && n < STATS_RULE_MAX; i++) {
		if (!stats_shown(st, &st->rules[i], 1, a, b, &line))
			continue;
		v[n].hits = stats_get(&st->rules[i].count);
		snprintf(v[n].where, sizeof(v[n].where), "%s:%u", a, line);
		memcpy(v[n++].name, b, sizeof(b));
	}
	qsort(v, n, sizeof(*v), stats_by_hits);
	if (pm_buf_printf(out,
	        "rules hit most      (%zu rules with hits,"
	        " %llu hits of rules beyond the table)\n",
	        n, stats_get(&st->rule_other)) < 0)
		rc = -1;
	for (i = 0; i < n && i < 10 && rc == 0; i++)
		if (pm_buf_printf(out, "  %10llu  %s%s%s\n", v[i].hits,
		        v[i].where, v[i].name[0] ? "  " : "", v[i].name) < 0)
			rc = -1;
	free(v);
	return (rc);
}

/* stats_table_tls - sessions, and TLS by version and cipher */
static int
stats_table_tls(const struct stats *st, struct pm_buf *out)
{
	char a[STATS_LABEL], b[STATS_LABEL];
	unsigned line;
	size_t i;

	if (pm_buf_printf(out,
	        "sessions            TLS %llu, plain text %llu, local %llu\n",
	        stats_get(&st->sessions[0]), stats_get(&st->sessions[1]),
	        stats_get(&st->sessions[2])) < 0)
		return (-1);
	for (i = 0; i < STATS_TLS_SLOTS; i++) {
		if (!stats_shown(st, &st->tls[i], 0, a, b, &line))
			continue;
		if (pm_buf_printf(out, "  %10llu  %-8s %s\n",
		        stats_get(&st->tls[i].count), a, b) < 0)
			return (-1);
	}
	return (0);
}

/* stats_table_eom - count, mean and the 90th percentile's bucket */
static int
stats_table_eom(const struct stats *st, struct pm_buf *out)
{
	unsigned long long n = 0, cum = 0;
	size_t i;

	for (i = 0; i < STATS_NEOM; i++)
		n += stats_get(&st->eom[i]);
	if (n == 0)
		return (
		    pm_buf_puts(out, "end of message      no message yet\n"));
	for (i = 0; i < STATS_NEOM - 1; i++)
		if ((cum += stats_get(&st->eom[i])) * 10 >= n * 9)
			break;
	return (pm_buf_printf(out,
	    "end of message      mean %.3f ms; 90%% within %s%s s\n",
	    (double)stats_get(&st->eom_ns) / 1e6 / (double)n,
	    i < STATS_NEOM - 1 ? "" : "more than ",
	    stats_eom_text[i < STATS_NEOM - 1 ? i : STATS_NEOM - 2]));
}

/* stats_table_list - "name N, name N" of counters, zeros left out */
static int
stats_table_list(struct pm_buf *out, const char *title,
    const char *const *names, const stats_ctr *c, size_t n)
{
	size_t i, shown = 0;

	if (pm_buf_printf(out, "%-20s", title) < 0)
		return (-1);
	for (i = 0; i < n; i++)
		if (stats_get(&c[i]) > 0 &&
		    pm_buf_printf(out, "%s%s %llu", shown++ ? ", " : "",
		        names[i], stats_get(&c[i])) < 0)
			return (-1);
	return (pm_buf_puts(out, shown ? "\n" : "none\n"));
}

/* stats_table_head - who, since when, which rules */
static int
stats_table_head(
    const struct stats *st, time_t now, int running, struct pm_buf *out)
{
	char since[64], loaded[64];
	long long up = (long long)now - st->started;

	stats_when(st->started, since, sizeof(since));
	stats_when(atomic_load(&st->last_good), loaded, sizeof(loaded));
	if (up < 0)
		up = 0;
	return (pm_buf_printf(out,
	    "supervisor          pid %lld, %s since %s (%lld d %02lld:%02lld)\n"
	    "rules               generation %llu, %llu rules, loaded %s\n"
	    "reloads             %llu ok, %llu failed%s; child restarts %llu\n",
	    st->pid,
	    running ? "running" : "NOT RUNNING, counts as it left them,", since,
	    up / 86400, up % 86400 / 3600, up % 3600 / 60,
	    atomic_load(&st->generation), atomic_load(&st->nrules), loaded,
	    stats_get(&st->reloads[1]), stats_get(&st->reloads[0]),
	    atomic_load(&st->last_ok) ? "" : " (the last one failed)",
	    stats_get(&st->restarts)));
}

/* stats_format_table - the table of --stats (see stats.h) */
int
stats_format_table(
    const struct stats *st, time_t now, int running, struct pm_buf *out)
{
	const char *kinds[DETECT_NKINDS], *fails[STATS_NCAUSE * 2];
	unsigned long long total = 0;
	stats_ctr fail[STATS_NCAUSE * 2];
	char fbuf[STATS_NCAUSE * 2][32];
	size_t i;

	for (i = 0; i < STATS_NSCOPE; i++)
		total += stats_get(&st->messages[i]);
	for (i = 0; i < DETECT_NKINDS; i++)
		kinds[i] = detect_kind_name(1u << i);
	for (i = 0; i < STATS_NCAUSE * 2; i++) {
		snprintf(fbuf[i], sizeof(fbuf[i]), "%s/%s",
		    stats_cause_names[i / 2], i % 2 ? "accept" : "tempfail");
		fails[i] = fbuf[i];
		atomic_init(&fail[i], stats_get(&st->fail[i / 2][i % 2]));
	}
	if (stats_table_head(st, now, running, out) < 0 ||
	    pm_buf_printf(out, "messages            %llu, changed %llu\n",
	        total, stats_get(&st->changed)) < 0 ||
	    stats_table_list(out, "  by scope", stats_scope_names, st->messages,
	        STATS_NSCOPE) < 0 ||
	    stats_table_list(
	        out, "edits", stats_edit_names, st->edits, STATS_NEDIT) < 0 ||
	    pm_buf_printf(out, "dkim-skipped        %llu\n",
	        stats_get(&st->dkim_skipped)) < 0 ||
	    stats_table_list(
	        out, "leaks found", kinds, st->found, DETECT_NKINDS) < 0 ||
	    stats_table_list(
	        out, "fail policy", fails, fail, STATS_NCAUSE * 2) < 0 ||
	    stats_table_tls(st, out) < 0 || stats_table_eom(st, out) < 0 ||
	    stats_table_rules(st, out) < 0)
		return (-1);
	return (0);
}
