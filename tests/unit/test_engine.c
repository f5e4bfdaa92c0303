/*++
/* NAME
/*	test_engine 1
/* SUMMARY
/*	unit tests of milter/engine.c
/* SYNOPSIS
/*	tests/unit/test_engine
/* DESCRIPTION
/*	Each action, first-match-wins and continue chains (and the rules
/*	each edit names), log-only, the DKIM h= skip, folded headers,
/*	header injection through captures and replacement text,
/*	re-folding of long values, match limits, the TLS header (forgery
/*	removal, trusted re-injection), and the translation of edits
/*	into libmilter calls, checked against a simulator of libmilter's
/*	insert/change semantics. Assertions are on the exact edits and
/*	on the header list engine_apply() gives.
/*--*/
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine.h"
#include "pseudonym.h"
#include "rules.h"
#include "session.h"

#define F "t.rules"
#define NH(a) (sizeof(a) / sizeof((a)[0]))

static const char key_bytes[] = "0123456789abcdef0123456789abcdef";

/* load_opts - parse a ruleset from text or fail the test */
static struct ruleset *
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
static struct ruleset *
load(const char *text)
{
	struct rules_options o = {0, 1, 0, 0};

	return (load_opts(text, &o));
}

/* op_name - edit kind for the textual renderings */
static const char *
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
static char *
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
static char *
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
static char *
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
static char *
apply_str(
    const struct engine_header *h, size_t n, const struct engine_result *r)
{
	struct pm_buf b = PM_BUF_INIT;
	struct engine_header *out;
	size_t nout, i;

	ck_assert_int_eq(engine_apply(h, n, r, &out, &nout), 0);
	pm_buf_puts(&b, "");
	for (i = 0; i < nout; i++)
		pm_buf_printf(&b, "%s:%s\n", out[i].name, out[i].value);
	free(out);
	return (pm_buf_steal(&b));
}

/* run_full - engine_run with every parameter */
static int
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
static void
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

/*
 * A simulator of libmilter's header operations as Postfix and Sendmail
 * carry them out: the list starts with `hidden' headers the milter never
 * saw; smfi_insheader(idx) puts the header at position idx of the whole
 * list (hidden ones included; past the end appends); smfi_chgheader(name,
 * idx) acts on the idx-th (1-based) visible header of that name, a NULL
 * value deletes it; smfi_addheader appends.
 */
struct sim {
	const char *name[256];
	const char *value[256];
	int hidden[256];
	size_t n;
};

/* sim_run - apply ops; fail the test on an index that names nothing */
static void
sim_run(struct sim *sm, const struct engine_header *h, size_t n, size_t hidden,
    const struct engine_mop *ops, size_t nops)
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
		const struct engine_mop *m = &ops[i];

		switch (m->kind) {
		case ENGINE_MOP_INSHEADER:
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
		case ENGINE_MOP_CHGHEADER:
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
		case ENGINE_MOP_ADDHEADER:
			sm->name[sm->n] = m->name;
			sm->value[sm->n] = m->value;
			sm->hidden[sm->n++] = 0;
			break;
		}
	}
}

/* sim_str - the simulated list without the hidden headers */
static char *
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

/* check_ops_match_apply - milter ops, simulated, give engine_apply's list */
static void
check_ops_match_apply(const struct engine_header *h, size_t n,
    const struct engine_result *res, size_t hidden)
{
	struct engine_mop *ops;
	size_t nops;
	struct sim sm;
	char *a, *s;

	ck_assert_int_eq(engine_milter_ops(h, n, res, hidden, &ops, &nops), 0);
	sim_run(&sm, h, n, hidden, ops, nops);
	a = apply_str(h, n, res);
	s = sim_str(&sm);
	ck_assert_str_eq(s, a);
	free(a);
	free(s);
	free(ops);
}

START_TEST(remove_deletes_the_header)
{
	static const struct engine_header h[] = {
	    {"Subject", " hi"},
	    {"User-Agent", " Thunderbird/52.6"},
	    {"To", " b@example.org"},
	};

	expect("remove User-Agent\n", h, NH(h), "DELETE 1 User-Agent\n", "",
	    "Subject: hi\nTo: b@example.org\n");
}
END_TEST

START_TEST(header_checks_first_match_wins)
{
	static const struct engine_header h[] = {
	    {"User-Agent", " Thunderbird/52.6"},
	    {"User-Agent", " Mutt/2.0"},
	    {"X-Mailer", " Foo"},
	};

	expect("/^User-Agent: .*Thunderbird/ DUNNO\n"
	       "/^User-Agent:/ IGNORE\n"
	       "/^X-Mailer:/ IGNORE\n",
	    h, NH(h), "DELETE 1 User-Agent\nDELETE 2 X-Mailer\n", "",
	    "User-Agent: Thunderbird/52.6\n");
}
END_TEST

START_TEST(keep_rule_stops_evaluation)
{
	static const struct engine_header h[] = {
	    {"X-Mailer", " keepme 1.0"},
	    {"X-Mailer", " other"},
	};

	expect("keep X-Mailer /keepme/\nremove X-Mailer\n", h, NH(h),
	    "DELETE 1 X-Mailer\n", "", "X-Mailer: keepme 1.0\n");
}
END_TEST

START_TEST(replace_line_same_name_changes_value)
{
	static const struct engine_header h[] = {
	    {"Subject", " hello"},
	};

	expect("/^Subject: (.*)/ REPLACE Subject: [ext] $1\n", h, NH(h),
	    "CHANGE 0 Subject: [ext] hello\n", "", "Subject: [ext] hello\n");
}
END_TEST

START_TEST(replace_line_other_name_deletes_and_inserts)
{
	static const struct engine_header h[] = {
	    {"Subject", " a"},
	    {"X-Originating-IP", " [10.1.2.3]"},
	    {"To", " b"},
	};

	expect("/^X-Originating-IP: (.*)/ REPLACE X-Orig-Redacted: yes\n", h,
	    NH(h), "INSERT 1 X-Orig-Redacted: yes\nDELETE 1 X-Originating-IP\n",
	    "", "Subject: a\nX-Orig-Redacted: yes\nTo: b\n");
}
END_TEST

START_TEST(replace_value_gets_one_leading_space)
{
	static const struct engine_header h[] = {
	    {"X-Mailer", " Foo 1.0"},
	    {"User-Agent", " Thunderbird/52.6"},
	};

	expect("replace X-Mailer with \"hidden\"\n"
	       "replace User-Agent /^ *([a-z]+)/ with \"  $1\"\n",
	    h, NH(h),
	    "CHANGE 0 X-Mailer: hidden\nCHANGE 1 User-Agent:  Thunderbird\n",
	    "", NULL);
}
END_TEST

START_TEST(prepend_inserts_above_and_keeps_header)
{
	static const struct engine_header h[] = {
	    {"From", " a@example.org"},
	    {"Subject", " hi"},
	};

	expect("/^Subject: (.*)/ PREPEND X-Original-Subject: $1\n", h, NH(h),
	    "INSERT 1 X-Original-Subject: hi\n", "",
	    "From: a@example.org\nX-Original-Subject: hi\nSubject: hi\n");
}
END_TEST

START_TEST(redact_replaces_every_match)
{
	static const struct engine_header h[] = {
	    {"Received", " from a ([192.168.1.5]) by b ([10.0.0.1])"},
	};

	expect("redact Received /\\[[0-9.]+\\]/ with \"[x]\"\n", h, NH(h),
	    "CHANGE 0 Received: from a ([x]) by b ([x])\n", "", NULL);
}
END_TEST

START_TEST(redact_empty_matches_advance_like_perl)
{
	static const struct engine_header h[] = {
	    {"X-T", " abc"},
	};

	/* perl -e '$_=" abc"; s/b*\/-/g; print' gives "- -a--c-". */
	expect("redact X-T /b*/ with \"-\"\n", h, NH(h),
	    "CHANGE 0 X-T:- -a--c-\n", "", NULL);
}
END_TEST

START_TEST(pseudonymize_gives_same_token_for_same_input)
{
	static const struct engine_header h[] = {
	    {"X-Originating-IP", " [192.0.2.7]"},
	    {"X-Forwarded-For", " 192.0.2.7, 198.51.100.1"},
	};
	struct ruleset *rs =
	    load("pseudonymize X-Originating-IP /[0-9.]+/\n"
	         "pseudonymize X-Forwarded-For /[0-9.]{7,}/\n");
	struct pseudonym_key *key;
	struct engine_result res;
	struct pm_error err;
	char t1[PSEUDONYM_TOKEN_MAX], t2[PSEUDONYM_TOKEN_MAX], want[512];
	char *e;

	key = pseudonym_key_from_bytes(key_bytes, 32, &err);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_ge(
	    pseudonym_token(key, "192.0.2.7", 9, t1, sizeof(t1)), 0);
	ck_assert_int_ge(
	    pseudonym_token(key, "198.51.100.1", 12, t2, sizeof(t2)), 0);
	ck_assert_int_eq(strncmp(t1, "anon-", 5), 0);
	ck_assert_str_ne(t1, t2);
	ck_assert_int_eq(run_full(rs, NULL, key, h, NH(h), &res, &err), 0);
	snprintf(want, sizeof(want),
	    "CHANGE 0 X-Originating-IP: [%s]\n"
	    "CHANGE 1 X-Forwarded-For: %s,\n\t%s\n",
	    t1, t1, t2); /* 79 octets on one line: folded */
	e = edits_str(&res);
	ck_assert_str_eq(e, want);
	free(e);
	engine_result_free(&res);
	pseudonym_key_free(key);
	rules_unref(rs);
}
END_TEST

START_TEST(pseudonymize_without_key_is_an_error)
{
	static const struct engine_header h[] = {
	    {"Subject", " x"},
	    {"X-Originating-IP", " [192.0.2.7]"},
	};
	struct ruleset *rs = load("remove Subject\n"
	                          "pseudonymize X-Originating-IP /[0-9.]+/\n");
	struct engine_result res;
	struct pm_error err;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), -1);
	ck_assert_str_eq(err.text, F ":2: pseudonymize needs PseudonymKeyFile");
	ck_assert_uint_eq(res.nedits, 0);
	ck_assert_ptr_null(res.edits);
	ck_assert_uint_eq(res.nnotes, 0);
	rules_unref(rs);
}
END_TEST

START_TEST(log_rules_note_and_keep_the_header)
{
	static const struct engine_header h[] = {
	    {"User-Agent", " Mutt"},
	    {"X-Mailer", " Foo"},
	};

	expect("log User-Agent\nremove User-Agent\n/^X-Mailer:/ WARN mailer\n",
	    h, NH(h), "", "LOG 0 1 CHANGE\nLOG 1 3 CHANGE\n",
	    "User-Agent: Mutt\nX-Mailer: Foo\n");
}
END_TEST

START_TEST(continue_chain_redact_then_pseudonymize)
{
	static const struct engine_header h[] = {
	    {"Received",
	        " from h ([192.0.2.1])\n"
	        "\t(Authenticated sender: alice)\n"
	        "\tby mx.example.org"},
	};
	struct ruleset *rs =
	    load("redact Received /\\(Authenticated sender: [^)]*\\)\\s*/ "
	         "continue\n"
	         "pseudonymize Received /[0-9]+(?:\\.[0-9]+){3}/\n"
	         "log Received\n");
	struct pseudonym_key *key;
	struct engine_result res;
	struct pm_error err;
	char tok[PSEUDONYM_TOKEN_MAX], want[512];
	char *e;

	key = pseudonym_key_from_bytes(key_bytes, 32, &err);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_ge(
	    pseudonym_token(key, "192.0.2.1", 9, tok, sizeof(tok)), 0);
	ck_assert_int_eq(run_full(rs, NULL, key, h, NH(h), &res, &err), 0);
	snprintf(want, sizeof(want),
	    "CHANGE 0 Received: from h ([%s])\n\tby mx.example.org\n", tok);
	e = edits_str(&res);
	ck_assert_str_eq(e, want);
	free(e);
	ck_assert_uint_eq(res.nnotes, 0);
	ck_assert_uint_eq(res.edits[0].rule->line, 2);
	e = rule_lines(&res.edits[0]);
	ck_assert_str_eq(e, "1,2");
	free(e);
	engine_result_free(&res);
	pseudonym_key_free(key);
	rules_unref(rs);
}
END_TEST

START_TEST(redact_continue_redact_names_both_rules_in_order)
{
	static const struct engine_header h[] = {
	    {"Received", " from h ([192.0.2.1]) by mx"},
	};
	struct ruleset *rs =
	    load("redact Received /from \\S+\\s*/ continue\n"
	         "log X-Other\n"
	         "redact Received /\\[[0-9.]+\\]/ with \"[x]\"\n");
	struct engine_result res;
	struct pm_error err;
	char *e;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e, "CHANGE 0 Received: ([x]) by mx\n");
	free(e);
	e = rule_lines(&res.edits[0]);
	ck_assert_str_eq(e, "1,3");
	free(e);
	ck_assert_ptr_eq(res.edits[0].rule, res.edits[0].rules[1]);
	engine_result_free(&res);
	rules_unref(rs);
}
END_TEST

START_TEST(continue_chain_whose_second_rule_misses_names_one_rule)
{
	static const struct engine_header h[] = {
	    {"Received", " from h (h.example) by mx"},
	};
	struct ruleset *rs =
	    load("redact Received /from \\S+\\s*/ continue\n"
	         "redact Received /\\[[0-9.]+\\]/ with \"[x]\"\n");
	struct engine_result res;
	struct pm_error err;
	char *e;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e, "CHANGE 0 Received: (h.example) by mx\n");
	free(e);
	e = rule_lines(&res.edits[0]);
	ck_assert_str_eq(e, "1");
	free(e);
	ck_assert_uint_eq(res.edits[0].rule->line, 1);
	engine_result_free(&res);
	rules_unref(rs);
}
END_TEST

START_TEST(rewrite_that_changes_nothing_is_not_named)
{
	static const struct engine_header h[] = {
	    {"Received", " from h by mx"},
	};
	struct ruleset *rs = load("redact Received /by/ with \"by\" continue\n"
	                          "redact Received /from \\S+\\s*/\n");
	struct engine_result res;
	struct pm_error err;
	char *e;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e, "CHANGE 0 Received: by mx\n");
	free(e);
	e = rule_lines(&res.edits[0]);
	ck_assert_str_eq(e, "2");
	free(e);
	engine_result_free(&res);
	rules_unref(rs);
}
END_TEST

START_TEST(rename_after_chain_insert_names_chain_delete_the_renamer)
{
	static const struct engine_header h[] = {
	    {"X-A", " a secret"},
	};
	struct ruleset *rs = load("redact X-A /secret/ with \"x\" continue\n"
	                          "/^X-A:(.*)/ REPLACE X-B:$1\n");
	struct engine_result res;
	struct pm_error err;
	char *e;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e, "INSERT 0 X-B: a x\nDELETE 0 X-A\n");
	free(e);
	e = rule_lines(&res.edits[0]);
	ck_assert_str_eq(e, "1,2");
	free(e);
	e = rule_lines(&res.edits[1]);
	ck_assert_str_eq(e, "2");
	free(e);
	engine_result_free(&res);
	rules_unref(rs);
}
END_TEST

START_TEST(log_only_records_and_leaves_header)
{
	static const struct engine_header h[] = {
	    {"User-Agent", " Thunderbird"},
	    {"X-Mailer", " Foo 1.0"},
	};

	expect("remove User-Agent log-only\n"
	       "redact User-Agent /Thunderbird/ with \"MUA\"\n"
	       "redact X-Mailer /1\\.0/ with \"x\" log-only continue\n"
	       "replace X-Mailer with \"gone\"\n",
	    h, NH(h), "CHANGE 1 X-Mailer: gone\n",
	    "LOGONLY 0 1 DELETE\nLOGONLY 1 3 CHANGE\n",
	    "User-Agent: Thunderbird\nX-Mailer: gone\n");
}
END_TEST

START_TEST(dkim_signed_headers_skipped_unless_forced)
{
	static const struct engine_header h[] = {
	    {"DKIM-Signature",
	        " v=1; a=rsa-sha256; d=example.org; s=s1;\n"
	        "\th=From:To:Subject : user-agent;\n"
	        "\tbh=abc=; b=def"},
	    {"User-Agent", " Thunderbird"},
	    {"Subject", " hi"},
	    {"X-Mailer", " foo"},
	    {"From", " a@example.org"},
	    {"X-H", " h=x-mailer"},
	};

	expect("remove User-Agent\n"
	       "replace Subject with \"x\" force\n"
	       "remove X-Mailer\n"
	       "redact From /a@/ with \"b@\"\n",
	    h, NH(h), "CHANGE 2 Subject: x\nDELETE 3 X-Mailer\n",
	    "DKIM_SKIP 1 1 DELETE\nDKIM_SKIP 4 4 CHANGE\n", NULL);
}
END_TEST

START_TEST(dkim_tag_names_are_case_sensitive_and_fws_tolerant)
{
	static const struct engine_header h[] = {
	    {"DKIM-Signature",
	        " v=1;H=Subject; x=y;\r\n h = \r\n X-A :\r\n"
	        "\tx-b ; b="},
	    {"Subject", " s"},
	    {"X-A", " a"},
	    {"X-B", " b"},
	};

	expect("remove *\n", h, NH(h),
	    "DELETE 0 DKIM-Signature\nDELETE 1 Subject\n",
	    "DKIM_SKIP 2 1 DELETE\nDKIM_SKIP 3 1 DELETE\n", NULL);
}
END_TEST

START_TEST(folded_header_pattern_sees_newline)
{
	static const struct engine_header h[] = {
	    {"X-Fold", " a\n\tb"},
	    {"X-Other", " a\n\tb"},
	    {"Received", " from secret\r\n\tby mx"},
	};

	expect("/^X-Fold: a\\n\\tb$/ IGNORE\n"
	       "remove X-Other /a b/\n"
	       "redact Received /secret/ with \"x\"\n",
	    h, NH(h), "DELETE 0 X-Fold\nCHANGE 2 Received: from x\n\tby mx\n",
	    "", "X-Other: a\n\tb\nReceived: from x\n\tby mx\n");
}
END_TEST

START_TEST(received_ipv6_literals_redacted)
{
	static const struct engine_header h[] = {
	    {"Received",
	        " from [IPv6:2001:db8::1] (host6.example [2001:db8::1])\n"
	        "\tby mx.example.org (Postfix) with ESMTPSA id 4ABC\n"
	        "\tfor <bob@example.org>; Mon, 1 Jan 2024 10:11:12 +0000"},
	    {"Received",
	        " from mail.example.net (mail.example.net [192.0.2.9])\n"
	        "\tby mx.example.org; Mon, 1 Jan 2024 10:11:12 +0000"},
	};

	expect("redact Received /\\[(?:IPv6:)?[0-9a-f]*:[0-9a-f:.]+\\]/ "
	       "with \"[redacted]\"\n",
	    h, NH(h),
	    "CHANGE 0 Received: from [redacted] (host6.example [redacted])\n"
	    "\tby mx.example.org (Postfix) with ESMTPSA id 4ABC\n"
	    "\tfor <bob@example.org>; Mon, 1 Jan 2024 10:11:12 +0000\n",
	    "", NULL);
}
END_TEST

START_TEST(crlf_in_capture_cannot_inject_a_header)
{
	static const struct engine_header h[] = {
	    {"X-Note", " hi\r\nBcc: evil@example.org"},
	    {"X-Fold", " a\n\tb"},
	    {"X-Bare", " c\rd"},
	};

	expect("/^X-Note: (.*)/ REPLACE X-Note: $1\n"
	       "/^X-Fold: (.*)/ REPLACE X-Fold: [$1]\n"
	       "/^X-Bare: (.*)/ PREPEND X-Copy: $1\n",
	    h, NH(h),
	    "CHANGE 0 X-Note: hi  Bcc: evil@example.org\n"
	    "CHANGE 1 X-Fold: [a\n\tb]\n"
	    "INSERT 2 X-Copy: c d\n",
	    "", NULL);
}
END_TEST

START_TEST(fold_in_capture_is_kept_as_postfix_keeps_it)
{
	static const struct engine_header h[] = {
	    {"Received",
	        " from laptop (laptop [192.0.2.7])\n"
	        "\tby mx.example.org (Postfix) with ESMTPSA id 4ABC\n"
	        "\tfor <bob@example.org>; Mon, 1 Jan 2024 10:11:12 "
	        "+0000"},
	};

	/* The fold before "for" survives; no re-folding of short lines. */
	expect("/^Received: from [^\\n]*\\n\\s+(by .*)/ "
	       "REPLACE Received: $1\n",
	    h, NH(h),
	    "CHANGE 0 Received: by mx.example.org (Postfix) with ESMTPSA id "
	    "4ABC\n"
	    "\tfor <bob@example.org>; Mon, 1 Jan 2024 10:11:12 +0000\n",
	    "", NULL);
}
END_TEST

START_TEST(line_break_without_following_white_space_is_a_space)
{
	static const struct engine_header h[] = {
	    {"X-Lf", " a\nb"},
	    {"X-Cr", " a\r\tb"},
	    {"X-End", " a\n\t"},
	};

	/*
	 * A bare LF, a CR followed by white space, a fold with nothing after
	 * its white space: spaces (a trailing space is then dropped).
	 */
	expect("/^(X-(?:Lf|Cr)): (.*)/ REPLACE $1: [$2]\n"
	       "/^(X-End): (.*)/ REPLACE $1: $2\n",
	    h, NH(h),
	    "CHANGE 0 X-Lf: [a b]\n"
	    "CHANGE 1 X-Cr: [a \tb]\n"
	    "CHANGE 2 X-End: a\n",
	    "", NULL);
}
END_TEST

START_TEST(fold_with_nothing_before_it_is_a_space)
{
	static const struct engine_header h[] = {
	    {"X-Lead", "\n\tb"},
	    {"X-Blank", " a\n\t\n\tb"},
	};

	/*
	 * A capture starting with a fold right after the colon, and a fold
	 * after a line of white space only: spaces; the second fold of
	 * X-Blank has "a" before it and stays.
	 */
	expect("/^X-Lead:(.*)/ REPLACE X-Lead:$1\n"
	       "/^X-Blank: (.*)/ REPLACE X-Blank: [$1]\n",
	    h, NH(h),
	    "CHANGE 0 X-Lead: b\n"
	    "CHANGE 1 X-Blank: [a\n\tb]\n",
	    "", NULL);
}
END_TEST

START_TEST(crlf_fold_in_capture_becomes_lf_fold)
{
	static const struct engine_header h[] = {
	    {"X-Fold", " a\r\n\tb\r\n  c"},
	};

	expect("/^X-Fold: (.*)/ REPLACE X-Fold: [$1]\n", h, NH(h),
	    "CHANGE 0 X-Fold: [a\n\tb\n  c]\n", "", NULL);
}
END_TEST

START_TEST(kept_fold_still_refolds_a_long_line)
{
	static const struct engine_header h[] = {
	    {"X-Long",
	        " short\n\t"
	        "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee "
	        "fffffffff ggggggggg hhhhhhhhh iiiiiiiii"},
	};

	/* The kept fold stays; the 90-octet line after it is folded. */
	expect("/^X-Long: (.*)/ REPLACE X-Long: $1 zzz\n", h, NH(h),
	    "CHANGE 0 X-Long: short\n"
	    "\taaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee fffffffff "
	    "ggggggggg\n"
	    "\thhhhhhhhh iiiiiiiii zzz\n",
	    "", NULL);
}
END_TEST

START_TEST(capture_cannot_forge_a_header_name)
{
	static const struct engine_header h[] = {
	    {"X-Note", " \nBcc: evil@example.org"},
	};
	struct ruleset *rs = load("\n/^X-Note: (.*)/ REPLACE $1\n");
	struct engine_result res;
	struct pm_error err;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), -1);
	ck_assert_str_eq(err.text,
	    F ":2: replacement text does not start "
	      "with a header name and a colon");
	ck_assert_uint_eq(res.nedits, 0);
	rules_unref(rs);
}
END_TEST

START_TEST(prepend_text_must_form_a_header)
{
	static const struct engine_header h[] = {
	    {"Subject", " bad value"},
	};
	struct ruleset *rs = load("/^Subject: (.*)/ PREPEND $1\n");
	struct engine_result res;
	struct pm_error err;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), -1);
	ck_assert_str_eq(err.text,
	    F ":1: replacement text does not start "
	      "with a header name and a colon");
	ck_assert_uint_eq(res.nedits, 0);
	rules_unref(rs);
}
END_TEST

START_TEST(replace_line_keeps_value_as_written)
{
	static const struct engine_header h[] = {
	    {"Subject", " a"},
	    {"X-A", " b"},
	};

	/* No space after the colon: none is added (header_checks). */
	expect("/^Subject:/ REPLACE subject:x\n"
	       "/^X-A:/ REPLACE X-A:   spaced\n",
	    h, NH(h), "CHANGE 0 Subject:x\nCHANGE 1 X-A:   spaced\n", "",
	    "Subject:x\nX-A:   spaced\n");
}
END_TEST

START_TEST(cr_in_replacement_text_becomes_space)
{
	static const struct engine_header h[] = {
	    {"X-Note", " hi"},
	    {"Subject", " s"},
	};

	/* A CR inside the rules file's text (not a line end). */
	expect("/^X-Note:/ REPLACE X-Note: a\rBcc: evil@example.org\n"
	       "replace Subject with \"x\rBcc: y\"\n",
	    h, NH(h),
	    "CHANGE 0 X-Note: a Bcc: evil@example.org\n"
	    "CHANGE 1 Subject: x Bcc: y\n",
	    "", NULL);
}
END_TEST

START_TEST(safe_value_removes_nul_cr_lf)
{
	static const char in[] = " a\0b\r\nc\rd\n";
	struct pm_buf b = PM_BUF_INIT;

	ck_assert_int_eq(engine_safe_value(1, in, sizeof(in) - 1, &b), 0);
	ck_assert_uint_eq(b.len, strlen(b.s));
	ck_assert_str_eq(b.s, " a b  c d");
	pm_buf_reset(&b);
	ck_assert_int_eq(engine_safe_value(1, " a\r\n\tb\n c", 9, &b), 0);
	ck_assert_str_eq(b.s, " a\n\tb\n c");
	pm_buf_free(&b);
}
END_TEST

START_TEST(safe_value_never_leaves_blank_lines)
{
	struct pm_buf b = PM_BUF_INIT;
	const char *in = " \n\t\n\tfoo  \n\t \n\tbar ";

	ck_assert_int_eq(engine_safe_value(7, in, strlen(in), &b), 0);
	ck_assert_str_eq(b.s, " foo\n\tbar");
	pm_buf_reset(&b);
	ck_assert_int_eq(engine_safe_value(7, " \n\t ", 4, &b), 0);
	ck_assert_str_eq(b.s, " ");
	pm_buf_reset(&b);
	ck_assert_int_eq(engine_safe_value(7, "", 0, &b), 0);
	ck_assert_str_eq(b.s, " ");
	pm_buf_reset(&b);
	ck_assert_int_eq(engine_safe_value(7, "x", 1, &b), 0);
	ck_assert_str_eq(b.s, "x");
	pm_buf_free(&b);
}
END_TEST

/* check_lines - every line of "Name:value" within max; count lines */
static size_t
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
static char *
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

START_TEST(long_value_refolded_within_78_where_possible)
{
	struct pm_buf in = PM_BUF_INIT, want = PM_BUF_INIT;
	struct engine_header h[1];
	struct ruleset *rs = load("redact Subject /secret/ with \"x\"\n");
	struct engine_result res;
	struct pm_error err;
	char *u;
	int i;

	for (i = 0; in.len < 5000; i++) {
		pm_buf_printf(&in, " %s", i == 100 ? "secret" : "word");
		pm_buf_printf(&in, "%04d", i);
		pm_buf_printf(&want, " %s%04d", i == 100 ? "x" : "word", i);
	}
	h[0].name = "Subject";
	h[0].value = in.s;
	ck_assert_int_eq(run_full(rs, NULL, NULL, h, 1, &res, &err), 0);
	ck_assert_uint_eq(res.nedits, 1);
	ck_assert_uint_ge(check_lines(7, res.edits[0].value, 78), 60);
	u = unfold(res.edits[0].value, " ");
	ck_assert_str_eq(u, want.s);
	free(u);
	engine_result_free(&res);
	rules_unref(rs);
	pm_buf_free(&in);
	pm_buf_free(&want);
}
END_TEST

START_TEST(long_token_split_only_beyond_998)
{
	struct pm_buf in = PM_BUF_INIT, b = PM_BUF_INIT;
	char *u, x[201];
	int i;

	/* 5000 octets without white space: hard breaks at 998. */
	pm_buf_putc(&in, ' ');
	for (i = 0; i < 5000; i++)
		pm_buf_putc(&in, 'A' + i % 26);
	ck_assert_int_eq(engine_safe_value(7, in.s, in.len, &b), 0);
	ck_assert_uint_eq(check_lines(7, b.s, 998), 6);
	ck_assert_uint_eq(strcspn(b.s, "\n"), 990); /* 8 + 990 = 998 */
	u = unfold(b.s, "");
	ck_assert_str_eq(u, in.s);
	free(u);

	/* A 200-octet token stands on a line of its own. */
	memset(x, 'X', 200);
	x[200] = 0;
	pm_buf_reset(&in);
	pm_buf_reset(&b);
	pm_buf_printf(&in, " short %s tail", x);
	ck_assert_int_eq(engine_safe_value(7, in.s, in.len, &b), 0);
	pm_buf_reset(&in);
	pm_buf_printf(&in, " short\n\t%s\n\ttail", x);
	ck_assert_str_eq(b.s, in.s);

	/* UTF-8 sequences are not split by a hard break. */
	pm_buf_reset(&in);
	pm_buf_reset(&b);
	pm_buf_puts(&in, " ");
	for (i = 0; i < 600; i++)
		pm_buf_puts(&in, "\xc3\xa9"); /* e acute */
	ck_assert_int_eq(engine_safe_value(7, in.s, in.len, &b), 0);
	check_lines(7, b.s, 998);
	ck_assert_uint_eq(strcspn(b.s, "\n"), 989); /* 1 + 494 * 2 */
	pm_buf_free(&in);
	pm_buf_free(&b);
}
END_TEST

START_TEST(match_limit_is_an_error_naming_the_rule)
{
	static const struct engine_header h[] = {
	    {"Subject", " ok"},
	    {"X-Slow", " aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"},
	};
	struct rules_options o = {0, 1, 1000, 0};
	struct ruleset *rs = load_opts("# slow\n"
	                               "/^X-Slow: (a+)+$/ IGNORE\n",
	    &o);
	struct engine_result res;
	struct pm_error err;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), -1);
	ck_assert_msg(
	    strncmp(err.text, F ":2: ", strlen(F ":2: ")) == 0, "%s", err.text);
	ck_assert_uint_eq(res.nedits, 0);
	ck_assert_ptr_null(res.edits);
	rules_unref(rs);
}
END_TEST

START_TEST(match_limit_in_a_later_redact_match_is_an_error)
{
	static const struct engine_header h[] = {
	    {"X-Slow", " x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"},
	};
	struct rules_options o = {0, 1, 1000, 0};
	struct ruleset *rs =
	    load_opts("redact X-Slow /x|(a+)+$/ with \"y\"\n", &o);
	struct engine_result res;
	struct pm_error err;

	/* The first match (x) is cheap; the search after it is not. */
	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), -1);
	ck_assert_str_eq(err.text,
	    F ":1: pattern hit the match limit (MatchLimit 1000); "
	      "simplify the pattern or raise the limit");
	ck_assert_uint_eq(res.nedits, 0);
	rules_unref(rs);
}
END_TEST

START_TEST(jit_stack_exhaustion_falls_back_to_the_interpreter)
{
	struct pm_buf v = PM_BUF_INIT;
	struct engine_header h[1];
	struct ruleset *rs = load("redact X-Deep /x|(?:(a)|b)+c/ with \"y\"\n");
	struct engine_result res;
	struct pm_error err;
	char *e;
	int i;

	/* The first match (x) is shallow; the second needs a deep stack. */
	pm_buf_puts(&v, " x ");
	for (i = 0; i < 50000; i++)
		pm_buf_puts(&v, "ab");
	pm_buf_puts(&v, "c");
	h[0].name = "X-Deep";
	h[0].value = v.s;
	ck_assert_msg(
	    run_full(rs, NULL, NULL, h, 1, &res, &err) == 0, "%s", err.text);
	e = edits_str(&res);
	ck_assert_str_eq(e, "CHANGE 0 X-Deep: y y\n");
	free(e);
	engine_result_free(&res);
	rules_unref(rs);
	pm_buf_free(&v);
}
END_TEST

START_TEST(rename_ends_and_log_only_with_continue_goes_on)
{
	static const struct engine_header h[] = {
	    {"X-Orig", " v"},
	};

	expect("/^X-Orig: (.*)/ REPLACE X-New: $1\n"
	       "replace X-Orig with \"w\"\n",
	    h, NH(h), "INSERT 0 X-New: v\nDELETE 0 X-Orig\n", "", NULL);
	expect("replace X-Orig /(.*)/ with \"[$1]\" log-only continue\n"
	       "remove X-Orig log-only continue\n"
	       "replace X-Orig with \"w\"\n",
	    h, NH(h), "CHANGE 0 X-Orig: w\n",
	    "LOGONLY 0 1 CHANGE\nLOGONLY 0 2 DELETE\n", NULL);
}
END_TEST

START_TEST(tls_forged_copies_removed_ours_inserted_first)
{
	static const struct engine_header h[] = {
	    {"Received", " from x"},
	    {"X-TLS-Info", " mail.example.org; version=TLSv1.3"},
	    {"X-TLS-Info", " other.example; tls=none"},
	    {"x-tls-info", "MAIL.EXAMPLE.ORG;tls=none"},
	    {"X-TLS-Info", " mail.example.org.evil; tls=none"},
	    {"Subject", " s"},
	};
	struct ruleset *rs = load("/^(X-TLS-Info:.*)/ PREPEND X-Seen: $1\n"
	                          "/^Received:/ PREPEND X-Before: r\n");
	struct engine_params p;
	struct engine_result res;
	struct pm_error err;
	char *e, *a;

	memset(&p, 0, sizeof(p));
	p.rules = rs;
	p.tls_header_name = "X-TLS-Info";
	p.tls_header_value = " mail.example.org; tls=none";
	p.authserv_id = "mail.example.org";
	ck_assert_int_eq(engine_run(&p, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e,
	    "INSERT 0 X-TLS-Info: mail.example.org; tls=none\n"
	    "INSERT 0 X-Before: r\n"
	    "DELETE 1 X-TLS-Info\n"
	    "INSERT 2 X-Seen: X-TLS-Info: other.example; tls=none\n"
	    "DELETE 3 x-tls-info\n"
	    "INSERT 4 X-Seen: X-TLS-Info: mail.example.org.evil; tls=none\n");
	ck_assert_str_eq(res.edits[0].why, "tls-header");
	ck_assert_ptr_null(res.edits[0].rule);
	ck_assert_str_eq(res.edits[2].why, "forged-tls-header");
	a = apply_str(h, NH(h), &res);
	ck_assert_str_eq(a,
	    "X-TLS-Info: mail.example.org; tls=none\n"
	    "X-Before: r\n"
	    "Received: from x\n"
	    "X-Seen: X-TLS-Info: other.example; tls=none\n"
	    "X-TLS-Info: other.example; tls=none\n"
	    "X-Seen: X-TLS-Info: mail.example.org.evil; tls=none\n"
	    "X-TLS-Info: mail.example.org.evil; tls=none\n"
	    "Subject: s\n");
	check_ops_match_apply(h, NH(h), &res, 1);
	free(e);
	free(a);
	engine_result_free(&res);
	rules_unref(rs);
}
END_TEST

START_TEST(tls_authserv_id_is_the_first_token)
{
	static const struct engine_header h[] = {
	    {"X-TLS-Info", "\n\tmail.example.org\n\t; tls=none"},
	    {"X-TLS-Info", ""},
	    {"X-TLS-Info", " ;mail.example.org"},
	    {"X-TLS-Info", " mail.example.org.; tls=none"},
	    {"X-TLS-Info", " mail.example.org x-tls=pass"},
	};
	struct engine_params p;
	struct engine_result res;
	struct pm_error err;
	char *e;

	memset(&p, 0, sizeof(p));
	p.tls_header_name = "X-TLS-Info";
	p.authserv_id = "mail.example.org";
	ck_assert_int_eq(engine_run(&p, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e, "DELETE 0 X-TLS-Info\nDELETE 4 X-TLS-Info\n");
	free(e);
	engine_result_free(&res);
}
END_TEST

START_TEST(tls_trusted_reinjection_keeps_copies_inserts_nothing)
{
	static const struct engine_header h[] = {
	    {"X-TLS-Info", " mail.example.org; version=TLSv1.3"},
	};
	struct engine_params p;
	struct engine_result res;
	struct pm_error err;

	memset(&p, 0, sizeof(p));
	p.tls_header_name = "X-TLS-Info";
	p.tls_header_value = " mail.example.org; tls=none";
	p.authserv_id = "mail.example.org";
	p.trusted_reinjection = 1;
	ck_assert_int_eq(engine_run(&p, h, NH(h), &res, &err), 0);
	ck_assert_uint_eq(res.nedits, 0);
	ck_assert_uint_eq(res.nnotes, 0);
	engine_result_free(&res);
}
END_TEST

/* The hand-made edit list of milter_ops_* (see the comments there). */
static const struct engine_header ops_h[] = {
    {"Received", " a"},
    {"Received", " b"},
    {"Subject", " s"},
    {"X-A", " 1"},
    {"Received", " c"},
    {"X-A", " 2"},
};

static struct engine_edit ops_e[] = {
    {ENGINE_INSERT, 0, "X-TLS", " tls", NULL, "tls-header", NULL, 0},
    {ENGINE_INSERT, 1, "Received", " r-new", NULL, NULL, NULL, 0},
    {ENGINE_CHANGE, 1, "Received", " B", NULL, NULL, NULL, 0},
    {ENGINE_DELETE, 4, "Received", NULL, NULL, NULL, NULL, 0},
    {ENGINE_DELETE, 3, "X-A", NULL, NULL, NULL, NULL, 0},
    {ENGINE_CHANGE, 5, "X-A", " two", NULL, NULL, NULL, 0},
    {ENGINE_INSERT, 5, "x-a", " new", NULL, NULL, NULL, 0},
    {ENGINE_INSERT, 6, "X-End", " end", NULL, NULL, NULL, 0},
    {ENGINE_INSERT, 4, "Received", " ins", NULL, NULL, NULL, 0},
    {ENGINE_ADD, 6, "X-Added", " add", NULL, NULL, NULL, 0},
};

START_TEST(milter_ops_indices_with_hidden_received)
{
	struct engine_result res = {ops_e, NH(ops_e), NULL, 0};
	struct engine_mop *ops;
	size_t nops, i;
	struct pm_buf b = PM_BUF_INIT;
	char *a;

	ck_assert_int_eq(
	    engine_milter_ops(ops_h, NH(ops_h), &res, 1, &ops, &nops), 0);
	pm_buf_puts(&b, "");
	for (i = 0; i < nops; i++)
		pm_buf_printf(&b, "%s %d %s:%s\n",
		    ops[i].kind == ENGINE_MOP_INSHEADER       ? "ins"
		        : ops[i].kind == ENGINE_MOP_CHGHEADER ? "chg"
		                                              : "add",
		    ops[i].index, ops[i].name,
		    ops[i].value != NULL ? ops[i].value : "(delete)");
	/*
	 * Inserts top-down: pos + hidden + inserts placed above. Then per
	 * name bottom-up: occurrence among the original headers plus the
	 * inserted ones of that name above.
	 */
	ck_assert_str_eq(b.s,
	    "ins 1 X-TLS: tls\n"
	    "ins 3 Received: r-new\n"
	    "ins 7 Received: ins\n"
	    "ins 9 x-a: new\n"
	    "ins 11 X-End: end\n"
	    "chg 5 Received:(delete)\n"
	    "chg 3 Received: B\n"
	    "chg 3 X-A: two\n"
	    "chg 1 X-A:(delete)\n"
	    "add 0 X-Added: add\n");
	a = apply_str(ops_h, NH(ops_h), &res);
	ck_assert_str_eq(a,
	    "X-TLS: tls\n"
	    "Received: a\n"
	    "Received: r-new\n"
	    "Received: B\n"
	    "Subject: s\n"
	    "Received: ins\n"
	    "x-a: new\n"
	    "X-A: two\n"
	    "X-End: end\n"
	    "X-Added: add\n");
	free(a);
	free(ops);
	pm_buf_free(&b);
	check_ops_match_apply(ops_h, NH(ops_h), &res, 1);
	check_ops_match_apply(ops_h, NH(ops_h), &res, 0);
	check_ops_match_apply(ops_h, NH(ops_h), &res, 2);
}
END_TEST

START_TEST(milter_ops_counts_names_alike_with_few_or_many_changes)
{
	static const struct engine_header h[] = {
	    {"Received", " a"},
	    {"received", " b"},
	    {"X-A", " 1"},
	    {"RECEIVED", " c"},
	    {"x-a", " 2"},
	    {"Subject", " s"},
	    {"Received", " d"},
	    {"X-a", " 3"},
	    {"ReCeived", " e"},
	    {"Rec", " f"},
	    {"X-A", " 4"},
	    {"received", " g"},
	};
	struct engine_edit all[NH(h) + 1], one[2];
	static char val[NH(h)][8];
	struct engine_result res;
	struct engine_mop *ops, *ops1;
	size_t nops, nops1, i, k;

	/* An insert of the same name above some of them counts too. */
	all[0] = (struct engine_edit){
	    ENGINE_INSERT, 4, "RECEIVED", " new", NULL, NULL, NULL, 0};
	for (i = 0; i < NH(h); i++) {
		snprintf(val[i], sizeof(val[i]), " x%zu", i);
		all[i + 1] = (struct engine_edit){ENGINE_CHANGE, i,
		    (char *)h[i].name, val[i], NULL, NULL, NULL, 0};
	}
	/* All changes at once: more than sort-free counting takes. */
	res = (struct engine_result){all, NH(all), NULL, 0};
	ck_assert_int_eq(engine_milter_ops(h, NH(h), &res, 1, &ops, &nops), 0);
	ck_assert_uint_eq(nops, NH(all));
	check_ops_match_apply(h, NH(h), &res, 1);
	/* Each change alone gets the same index. */
	for (i = 0; i < NH(h); i++) {
		one[0] = all[0];
		one[1] = all[i + 1];
		res = (struct engine_result){one, 2, NULL, 0};
		ck_assert_int_eq(
		    engine_milter_ops(h, NH(h), &res, 1, &ops1, &nops1), 0);
		ck_assert_uint_eq(nops1, 2);
		for (k = 1; k < nops; k++)
			if (ops[k].value == val[i])
				break;
		ck_assert_uint_lt(k, nops);
		ck_assert_int_eq(ops1[1].index, ops[k].index);
		check_ops_match_apply(h, NH(h), &res, 1);
		free(ops1);
	}
	/*
	 * Received-alikes: the third (pos 3) is above the insert, the
	 * fourth (pos 6) below it; X-A-alikes count on their own.
	 */
	for (k = 1; k < nops; k++) {
		if (ops[k].value == val[3])
			ck_assert_int_eq(ops[k].index, 3);
		if (ops[k].value == val[6])
			ck_assert_int_eq(ops[k].index, 5);
		if (ops[k].value == val[10])
			ck_assert_int_eq(ops[k].index, 4);
	}
	free(ops);
}
END_TEST

START_TEST(milter_ops_without_edits_is_empty)
{
	struct engine_result res = {NULL, 0, NULL, 0};
	struct engine_mop *ops = (void *)1;
	size_t nops = 9;

	ck_assert_int_eq(
	    engine_milter_ops(ops_h, NH(ops_h), &res, 1, &ops, &nops), 0);
	ck_assert_ptr_null(ops);
	ck_assert_uint_eq(nops, 0);
}
END_TEST

START_TEST(milter_ops_from_rules_match_apply)
{
	static const struct engine_header h[] = {
	    {"Received", " from a ([192.0.2.1]) by mx"},
	    {"X-Mailer", " m"},
	    {"Received", " from b ([192.0.2.2]) by mx"},
	    {"User-Agent", " u"},
	    {"X-Originating-IP", " [192.0.2.3]"},
	    {"Received", " from c by mx"},
	    {"Subject", " hi"},
	    {"X-Mailer", " m2"},
	};
	struct ruleset *rs = load(
	    "/^Received: .*192\\.0\\.2\\.1/ PREPEND Received: from hidden\n"
	    "redact Received /\\[[0-9.]+\\]/ with \"[x]\"\n"
	    "/^X-Mailer: m2/ REPLACE Received: from mailer\n"
	    "remove X-Mailer\n"
	    "/^User-Agent: (.*)/ REPLACE X-Mailer: was$1\n"
	    "/^X-Originating-IP: (.*)/ REPLACE X-Originating-IP: [y]\n"
	    "add X-Scrubbed with \"yes\"\n");
	struct engine_params p;
	struct engine_result res;
	struct pm_error err;
	char *e;

	memset(&p, 0, sizeof(p));
	p.rules = rs;
	p.tls_header_name = "X-TLS-Info";
	p.tls_header_value = " mx; tls=none";
	p.authserv_id = "mx";
	ck_assert_int_eq(engine_run(&p, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e,
	    "INSERT 0 X-TLS-Info: mx; tls=none\n"
	    "INSERT 0 Received: from hidden\n"
	    "DELETE 1 X-Mailer\n"
	    "CHANGE 2 Received: from b ([x]) by mx\n"
	    "INSERT 3 X-Mailer: wasu\n"
	    "DELETE 3 User-Agent\n"
	    "CHANGE 4 X-Originating-IP: [y]\n"
	    "INSERT 7 Received: from mailer\n"
	    "DELETE 7 X-Mailer\n"
	    "ADD 8 X-Scrubbed: yes\n");
	free(e);
	check_ops_match_apply(h, NH(h), &res, 0);
	check_ops_match_apply(h, NH(h), &res, 1);
	engine_result_free(&res);
	rules_unref(rs);
}
END_TEST

START_TEST(add_runs_once_when_condition_holds)
{
	static const struct engine_header h[] = {
	    {"Subject", " a"},
	    {"Subject", " b"},
	};
	struct ruleset *rs = load("add X-Scrubbed with \"yes\" when "
	                          "authenticated\n");
	struct pm_session s;
	struct engine_result res;
	struct pm_error err;
	char *e;

	session_init(&s);
	ck_assert_int_eq(run_full(rs, &s, NULL, h, NH(h), &res, &err), 0);
	ck_assert_uint_eq(res.nedits, 0);
	engine_result_free(&res);
	ck_assert_int_eq(session_set_macro(&s, "{auth_authen}", "alice"), 0);
	ck_assert_int_eq(run_full(rs, &s, NULL, h, NH(h), &res, &err), 0);
	e = edits_str(&res);
	ck_assert_str_eq(e, "ADD 2 X-Scrubbed: yes\n");
	free(e);
	engine_result_free(&res);
	session_free(&s);
	rules_unref(rs);
}
END_TEST

/* first_rule - the brute-force reference: every rule in seq order */
static const struct rule *
first_rule(const struct ruleset *rs, const struct engine_header *h,
    pcre2_match_data *md)
{
	struct pm_buf line = PM_BUF_INIT;
	const struct rule *r, *found = NULL;
	struct pm_error err;
	size_t namelen = strlen(h->name);
	unsigned seq;
	int rc;

	pm_buf_printf(&line, "%s:%s", h->name, h->value);
	for (seq = 0; seq < rules_count(rs) && found == NULL; seq++) {
		r = rules_get(rs, seq);
		if (r->action == RULES_ADD)
			continue;
		/* Native rules name their header outside the pattern. */
		if (r->subject == RULES_SUBJ_VALUE && r->header != NULL &&
		    strcasecmp(r->header, h->name) != 0)
			continue;
		rc = rules_match(rs, r, line.s, line.len, line.s + namelen + 1,
		    line.len - namelen - 1, NULL, md, &err);
		ck_assert_int_ge(rc, 0);
		if (rc == 1)
			found = r;
	}
	pm_buf_free(&line);
	return (found);
}

START_TEST(dispatch_gives_same_rule_as_trying_every_rule)
{
	static const struct engine_header h[] = {
	    {"Received", " from a ([192.168.1.5]) by mx"},
	    {"Received", " from b by mx"},
	    {"X-Mailer", " secret mailer"},
	    {"User-Agent", " Mutt"},
	    {"user-agent", " keepme"},
	    {"Subject", " hello"},
	    {"Subject", " a secret"},
	    {"SUBJECT", " plain"},
	    {"X-Originating-IP", " [192.0.2.1]"},
	    {"X-Other", " nothing"},
	    {"Subj", " short name"},
	    {"To", " keepme"},
	};
	struct ruleset *rs =
	    load("/^Received:.*192\\.168\\./ WARN private\n"
	         "log * /secret/\n"
	         "redact Received /from \\S+/ with \"from x\"\n"
	         "/^(X-Mailer|User-Agent):/ IGNORE\n"
	         "keep * /keepme/\n"
	         "remove X-Mailer\n"
	         "/^Subj:/ INFO subj prefix\n"
	         "replace Subject /hello/ with \"bye\"\n"
	         "/^subject:.*secret/ PREPEND X-Warn: yes\n"
	         "remove X-Originating-IP\n"
	         "remove user-agent\n");
	pcre2_match_data *md =
	    pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
	struct engine_result res;
	struct pm_error err;
	const struct rule *want, *got;
	size_t i, j, nexpect = 0;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), 0);
	for (i = 0; i < NH(h); i++) {
		want = first_rule(rs, &h[i], md);
		got = NULL;
		for (j = 0; j < res.nedits && got == NULL; j++)
			if (res.edits[j].pos == i)
				got = res.edits[j].rule;
		for (j = 0; j < res.nnotes && got == NULL; j++)
			if (res.notes[j].pos == i)
				got = res.notes[j].rule;
		if (want != NULL && want->action == RULES_STOP)
			want = NULL;
		ck_assert_msg(got == want, "header %zu: engine %u, every %u", i,
		    got != NULL ? got->line : 0, want != NULL ? want->line : 0);
		if (want != NULL)
			nexpect++;
	}
	ck_assert_uint_eq(nexpect, 9);
	pcre2_match_data_free(md);
	engine_result_free(&res);
	rules_unref(rs);
}
END_TEST

START_TEST(many_headers_stay_fast)
{
	enum { N = 200000 };
	struct engine_header *h = calloc(N, sizeof(*h));
	struct engine_params p;
	struct engine_result res;
	struct engine_mop *ops;
	struct engine_header *out;
	struct pm_error err;
	size_t i, nops, nout;

	/* Quadratic work here would take minutes, not the 4 s timeout. */
	ck_assert_ptr_nonnull(h);
	for (i = 0; i < N; i++) {
		h[i].name = i % 2 ? "X-TLS-Info" : "DKIM-Signature";
		h[i].value = i % 2 ? " mx; tls=none" : " h=a:b:c:d:e:f:g";
	}
	memset(&p, 0, sizeof(p));
	p.tls_header_name = "X-TLS-Info";
	p.tls_header_value = " mx; tls=none";
	p.authserv_id = "mx";
	ck_assert_int_eq(engine_run(&p, h, N, &res, &err), 0);
	ck_assert_uint_eq(res.nedits, N / 2 + 1);
	ck_assert_int_eq(engine_milter_ops(h, N, &res, 1, &ops, &nops), 0);
	ck_assert_uint_eq(nops, N / 2 + 1);
	ck_assert_int_eq(ops[0].kind, ENGINE_MOP_INSHEADER);
	ck_assert_int_eq(ops[0].index, 1);
	/* Bottom-up; the inserted copy counts above each original. */
	ck_assert_int_eq(ops[1].kind, ENGINE_MOP_CHGHEADER);
	ck_assert_int_eq(ops[1].index, N / 2 + 1);
	ck_assert_ptr_null(ops[1].value);
	ck_assert_int_eq(ops[N / 2].index, 2);
	ck_assert_int_eq(engine_apply(h, N, &res, &out, &nout), 0);
	ck_assert_uint_eq(nout, N / 2 + 1);
	ck_assert_str_eq(out[0].name, "X-TLS-Info");
	ck_assert_str_eq(out[1].name, "DKIM-Signature");
	free(out);
	free(ops);
	engine_result_free(&res);
	free(h);
}
END_TEST

START_TEST(absurd_indentation_leaves_no_blank_line)
{
	struct pm_buf in = PM_BUF_INIT, b = PM_BUF_INIT;
	int i;

	pm_buf_puts(&in, " a\n");
	for (i = 0; i < 1200; i++)
		pm_buf_putc(&in, ' ');
	for (i = 0; i < 1200; i++)
		pm_buf_putc(&in, 'x');
	ck_assert_int_eq(engine_safe_value(1, in.s, in.len, &b), 0);
	ck_assert_uint_eq(check_lines(1, b.s, 998), 3);
	ck_assert_int_eq(strncmp(b.s, " a\n xx", 6), 0);
	pm_buf_free(&in);
	pm_buf_free(&b);
}
END_TEST

/* Shared by the threads of threads_share_a_ruleset. */
struct thr_arg {
	const struct ruleset *rs;
	const struct pseudonym_key *key;
	const struct engine_header *h;
	size_t n;
	const char *want;
	int bad;
};

/* thr_main - run the engine many times, count wrong results */
static void *
thr_main(void *v)
{
	struct thr_arg *a = v;
	struct engine_result res;
	struct pm_error err;
	char *e;
	int i;

	for (i = 0; i < 300; i++) {
		if (run_full(a->rs, NULL, a->key, a->h, a->n, &res, &err) < 0) {
			a->bad++;
			continue;
		}
		e = edits_str(&res);
		if (strcmp(e, a->want) != 0)
			a->bad++;
		free(e);
		engine_result_free(&res);
	}
	return (NULL);
}

START_TEST(threads_share_a_ruleset)
{
	static const struct engine_header h[] = {
	    {"Received", " from h ([192.0.2.1])\n\tby mx.example.org"},
	    {"User-Agent", " Mutt"},
	    {"X-Originating-IP", " [192.0.2.7]"},
	    {"Subject", " hello hello"},
	};
	struct ruleset *rs =
	    load("redact Received /\\[[0-9.]+\\]/ with \"[x]\" continue\n"
	         "redact Received /by (\\S+)/ with \"by <$1>\"\n"
	         "remove User-Agent\n"
	         "pseudonymize X-Originating-IP /[0-9.]+/\n"
	         "redact Subject /hel(l)o/ with \"$1\"\n");
	struct pseudonym_key *key;
	struct engine_result res;
	struct pm_error err;
	struct thr_arg a[4];
	pthread_t t[4];
	char *want;
	int i;

	key = pseudonym_key_from_bytes(key_bytes, 32, &err);
	ck_assert_ptr_nonnull(key);
	ck_assert_int_eq(run_full(rs, NULL, key, h, NH(h), &res, &err), 0);
	want = edits_str(&res);
	ck_assert_uint_eq(res.nedits, 4);
	engine_result_free(&res);
	for (i = 0; i < 4; i++) {
		a[i] = (struct thr_arg){rs, key, h, NH(h), want, 0};
		ck_assert_int_eq(
		    pthread_create(&t[i], NULL, thr_main, &a[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(a[i].bad, 0);
	}
	free(want);
	pseudonym_key_free(key);
	rules_unref(rs);
}
END_TEST

/* engine_suite - all tests */
static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, remove_deletes_the_header);
	tcase_add_test(tc, header_checks_first_match_wins);
	tcase_add_test(tc, keep_rule_stops_evaluation);
	tcase_add_test(tc, replace_line_same_name_changes_value);
	tcase_add_test(tc, replace_line_other_name_deletes_and_inserts);
	tcase_add_test(tc, replace_value_gets_one_leading_space);
	tcase_add_test(tc, prepend_inserts_above_and_keeps_header);
	tcase_add_test(tc, redact_replaces_every_match);
	tcase_add_test(tc, redact_empty_matches_advance_like_perl);
	tcase_add_test(tc, pseudonymize_gives_same_token_for_same_input);
	tcase_add_test(tc, pseudonymize_without_key_is_an_error);
	tcase_add_test(tc, log_rules_note_and_keep_the_header);
	tcase_add_test(tc, continue_chain_redact_then_pseudonymize);
	tcase_add_test(tc, redact_continue_redact_names_both_rules_in_order);
	tcase_add_test(
	    tc, continue_chain_whose_second_rule_misses_names_one_rule);
	tcase_add_test(tc, rewrite_that_changes_nothing_is_not_named);
	tcase_add_test(
	    tc, rename_after_chain_insert_names_chain_delete_the_renamer);
	tcase_add_test(tc, log_only_records_and_leaves_header);
	tcase_add_test(tc, dkim_signed_headers_skipped_unless_forced);
	tcase_add_test(tc, dkim_tag_names_are_case_sensitive_and_fws_tolerant);
	tcase_add_test(tc, folded_header_pattern_sees_newline);
	tcase_add_test(tc, received_ipv6_literals_redacted);
	tcase_add_test(tc, crlf_in_capture_cannot_inject_a_header);
	tcase_add_test(tc, capture_cannot_forge_a_header_name);
	tcase_add_test(tc, fold_in_capture_is_kept_as_postfix_keeps_it);
	tcase_add_test(tc, line_break_without_following_white_space_is_a_space);
	tcase_add_test(tc, fold_with_nothing_before_it_is_a_space);
	tcase_add_test(tc, crlf_fold_in_capture_becomes_lf_fold);
	tcase_add_test(tc, kept_fold_still_refolds_a_long_line);
	tcase_add_test(tc, prepend_text_must_form_a_header);
	tcase_add_test(tc, replace_line_keeps_value_as_written);
	tcase_add_test(tc, cr_in_replacement_text_becomes_space);
	tcase_add_test(tc, safe_value_removes_nul_cr_lf);
	tcase_add_test(tc, safe_value_never_leaves_blank_lines);
	tcase_add_test(tc, long_value_refolded_within_78_where_possible);
	tcase_add_test(tc, long_token_split_only_beyond_998);
	tcase_add_test(tc, match_limit_is_an_error_naming_the_rule);
	tcase_add_test(tc, match_limit_in_a_later_redact_match_is_an_error);
	tcase_add_test(tc, rename_ends_and_log_only_with_continue_goes_on);
	tcase_add_test(tc, jit_stack_exhaustion_falls_back_to_the_interpreter);
	tcase_add_test(tc, tls_forged_copies_removed_ours_inserted_first);
	tcase_add_test(tc, tls_authserv_id_is_the_first_token);
	tcase_add_test(
	    tc, tls_trusted_reinjection_keeps_copies_inserts_nothing);
	tcase_add_test(tc, milter_ops_indices_with_hidden_received);
	tcase_add_test(tc, milter_ops_without_edits_is_empty);
	tcase_add_test(
	    tc, milter_ops_counts_names_alike_with_few_or_many_changes);
	tcase_add_test(tc, milter_ops_from_rules_match_apply);
	tcase_add_test(tc, add_runs_once_when_condition_holds);
	tcase_add_test(tc, dispatch_gives_same_rule_as_trying_every_rule);
	tcase_add_test(tc, many_headers_stay_fast);
	tcase_add_test(tc, threads_share_a_ruleset);
	tcase_add_test(tc, absurd_indentation_leaves_no_blank_line);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
