/*++
/* NAME
/*	unit 3
/* SUMMARY
/*	helpers shared by the unit tests of the engine, edits and fold
/* DESCRIPTION
/*	The contract is in tests/unit/unit.h.
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unit.h"

/* load_opts - parse a ruleset from text or fail the test */
struct ruleset *
load_opts(const char *text, const struct rules_options *o)
{
	struct pm_diags d = {0};
	struct ruleset *rs;
	char buf[2048];

	rs = rules_load_string(F, text, strlen(text), o, &d);
	if (rs == NULL) {
		buf[0] = 0;
		if (d.n > 0)
			pm_diag_format(&d.v[0], buf, sizeof(buf));
		pm_diags_free(&d);
		ck_abort_msg("rules did not load: %s", buf);
	}
	pm_diags_free(&d);
	return (rs);
}

/* load - parse with default options (JIT on) */
struct ruleset *
load(const char *text)
{
	struct rules_options o = {0, 1, 0, 0};

	return (load_opts(text, &o));
}

/* op_name - edit kind for the textual renderings */
const char *
op_name(enum engine_op op)
{
	switch (op) {
	case ENGINE_CHANGE:
		return ("CHANGE");
	case ENGINE_DELETE:
		return ("DELETE");
	case ENGINE_INSERT:
		return ("INSERT");
	case ENGINE_ADD:
		return ("ADD");
	}
	return ("?");
}

/* edits_str - "OP pos Name:value" per edit (DELETE: no value) */
char *
edits_str(const struct engine_result *r)
{
	struct pm_buf b = PM_BUF_INIT;
	size_t i;

	pm_buf_puts(&b, "");
	for (i = 0; i < r->nedits; i++) {
		const struct engine_edit *e = &r->edits[i];

		if (e->op == ENGINE_DELETE)
			pm_buf_printf(&b, "DELETE %zu %s\n", e->pos, e->name);
		else
			pm_buf_printf(&b, "%s %zu %s:%s\n", op_name(e->op),
			    e->pos, e->name, e->value);
	}
	return (pm_buf_steal(&b));
}

/* notes_str - "KIND pos line OP" per note */
char *
notes_str(const struct engine_result *r)
{
	static const char *kinds[] = {"LOG", "LOGONLY", "DKIM_SKIP"};
	struct pm_buf b = PM_BUF_INIT;
	size_t i;

	pm_buf_puts(&b, "");
	for (i = 0; i < r->nnotes; i++) {
		const struct engine_note *n = &r->notes[i];

		pm_buf_printf(&b, "%s %zu %u %s\n", kinds[n->kind], n->pos,
		    n->rule != NULL ? n->rule->line : 0, op_name(n->op));
	}
	return (pm_buf_steal(&b));
}

/* rule_lines - "L1,L2,..." of the rules an edit names */
char *
rule_lines(const struct engine_edit *e)
{
	struct pm_buf b = PM_BUF_INIT;
	size_t i;

	pm_buf_puts(&b, "");
	for (i = 0; i < e->nrules; i++)
		pm_buf_printf(&b, "%s%u", i ? "," : "", e->rules[i]->line);
	return (pm_buf_steal(&b));
}

/* apply_str - the rewritten header list, "Name:value" per line */
char *
apply_str(
    const struct engine_header *h, size_t n, const struct engine_result *r)
{
	struct pm_buf b = PM_BUF_INIT;
	struct engine_header *out;
	size_t nout, i;

	ck_assert_int_eq(edits_apply(h, n, r, &out, &nout), 0);
	pm_buf_puts(&b, "");
	for (i = 0; i < nout; i++)
		pm_buf_printf(&b, "%s:%s\n", out[i].name, out[i].value);
	free(out);
	return (pm_buf_steal(&b));
}

/* run_full - engine_run with every parameter */
int
run_full(const struct ruleset *rs, const struct pm_session *s,
    const struct pseudonym_key *key, const struct engine_header *h, size_t n,
    struct engine_result *res, struct pm_error *err)
{
	struct engine_params p;

	memset(&p, 0, sizeof(p));
	p.rules = rs;
	p.session = s;
	p.key = key;
	return (engine_run(&p, h, n, res, err));
}

/* expect - run rules over headers; compare edits, notes, result */
void
expect(const char *rules, const struct engine_header *h, size_t n,
    const char *want_edits, const char *want_notes, const char *want_apply)
{
	struct ruleset *rs = load(rules);
	struct pm_session s;
	struct engine_result res;
	struct pm_error err;
	char *e, *no, *a;

	session_init(&s);
	ck_assert_msg(
	    run_full(rs, &s, NULL, h, n, &res, &err) == 0, "%s", err.text);
	e = edits_str(&res);
	no = notes_str(&res);
	a = apply_str(h, n, &res);
	ck_assert_str_eq(e, want_edits);
	ck_assert_str_eq(no, want_notes);
	if (want_apply != NULL)
		ck_assert_str_eq(a, want_apply);
	free(e);
	free(no);
	free(a);
	engine_result_free(&res);
	session_free(&s);
	rules_unref(rs);
}

/* sim_run - apply ops; fail the test on an index that names nothing */
void
sim_run(struct sim *sm, const struct engine_header *h, size_t n, size_t hidden,
    const struct edits_mop *ops, size_t nops)
{
	size_t i, j, k, occ;

	sm->n = 0;
	for (i = 0; i < hidden; i++) {
		sm->name[sm->n] = "Received";
		sm->value[sm->n] = " by mta (hidden)";
		sm->hidden[sm->n++] = 1;
	}
	for (i = 0; i < n; i++) {
		sm->name[sm->n] = h[i].name;
		sm->value[sm->n] = h[i].value;
		sm->hidden[sm->n++] = 0;
	}
	for (i = 0; i < nops; i++) {
		const struct edits_mop *m = &ops[i];

		switch (m->kind) {
		case EDITS_MOP_INSHEADER:
			ck_assert_int_ge(m->index, 0);
			k = (size_t)m->index > sm->n ? sm->n : (size_t)m->index;
			for (j = sm->n; j > k; j--) {
				sm->name[j] = sm->name[j - 1];
				sm->value[j] = sm->value[j - 1];
				sm->hidden[j] = sm->hidden[j - 1];
			}
			sm->name[k] = m->name;
			sm->value[k] = m->value;
			sm->hidden[k] = 0;
			sm->n++;
			break;
		case EDITS_MOP_CHGHEADER:
			for (occ = 0, k = 0; k < sm->n; k++)
				if (!sm->hidden[k] &&
				    strcasecmp(sm->name[k], m->name) == 0 &&
				    ++occ == (size_t)m->index)
					break;
			ck_assert_msg(k < sm->n, "chgheader %s %d: no such",
			    m->name, m->index);
			if (m->value != NULL) {
				sm->value[k] = m->value;
				break;
			}
			for (j = k; j + 1 < sm->n; j++) {
				sm->name[j] = sm->name[j + 1];
				sm->value[j] = sm->value[j + 1];
				sm->hidden[j] = sm->hidden[j + 1];
			}
			sm->n--;
			break;
		case EDITS_MOP_ADDHEADER:
			sm->name[sm->n] = m->name;
			sm->value[sm->n] = m->value;
			sm->hidden[sm->n++] = 0;
			break;
		}
	}
}

/* sim_str - the simulated list without the hidden headers */
char *
sim_str(const struct sim *sm)
{
	struct pm_buf b = PM_BUF_INIT;
	size_t i;

	pm_buf_puts(&b, "");
	for (i = 0; i < sm->n; i++)
		if (!sm->hidden[i])
			pm_buf_printf(&b, "%s:%s\n", sm->name[i], sm->value[i]);
	return (pm_buf_steal(&b));
}

/* check_ops_match_apply - milter ops, simulated, give edits_apply's list */
void
check_ops_match_apply(const struct engine_header *h, size_t n,
    const struct engine_result *res, size_t hidden)
{
	struct edits_mop *ops;
	struct pm_error err;
	size_t nops;
	struct sim sm;
	char *a, *s;

	ck_assert_int_eq(
	    edits_milter_ops(h, n, res, hidden, &ops, &nops, &err), 0);
	sim_run(&sm, h, n, hidden, ops, nops);
	a = apply_str(h, n, res);
	s = sim_str(&sm);
	ck_assert_str_eq(s, a);
	free(a);
	free(s);
	free(ops);
}

/* check_lines - every line of "Name:value" within max; count lines */
size_t
check_lines(size_t namelen, const char *v, size_t max)
{
	size_t len = namelen + 1, lines = 1;

	for (; *v; v++) {
		ck_assert_int_ne(*v, '\r');
		if (*v == '\n') {
			ck_assert_uint_le(len, max);
			ck_assert(v[1] == ' ' || v[1] == '\t');
			len = 0;
			lines++;
		} else
			len++;
	}
	ck_assert_uint_le(len, max);
	return (lines);
}

/* unfold - remove every "\n\t" (the engine's fold) */
char *
unfold(const char *v, const char *with)
{
	struct pm_buf b = PM_BUF_INIT;

	pm_buf_puts(&b, "");
	for (; *v; v++) {
		if (v[0] == '\n' && v[1] == '\t') {
			pm_buf_puts(&b, with);
			v++;
		} else
			pm_buf_putc(&b, *v);
	}
	return (pm_buf_steal(&b));
}
