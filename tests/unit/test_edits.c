/*++
/* NAME
/*	test_edits 1
/* SUMMARY
/*	unit tests of milter/edits.c
/* SYNOPSIS
/*	tests/unit/test_edits
/* DESCRIPTION
/*	The order and indices of the libmilter calls edits_milter_ops()
/*	makes, checked by hand and against a simulator of libmilter's
/*	insert/change semantics (unit.c) that must give the header list
/*	edits_apply() gives; names that differ only in case; a message with
/*	more headers than an index can count; broken invariants (two
/*	changes of one header, an edit past the list) stop with a panic.
/*--*/
#include <check.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

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
	struct pm_error err;
	struct engine_result res = {.edits = ops_e, .nedits = NH(ops_e)};
	struct edits_mop *ops;
	size_t nops, i;
	struct pm_buf b = PM_BUF_INIT;
	char *a;

	ck_assert_int_eq(
	    edits_milter_ops(ops_h, NH(ops_h), &res, 1, &ops, &nops, &err), 0);
	pm_buf_puts(&b, "");
	for (i = 0; i < nops; i++)
		pm_buf_printf(&b, "%s %d %s:%s\n",
		    ops[i].kind == EDITS_MOP_INSHEADER       ? "ins"
		        : ops[i].kind == EDITS_MOP_CHGHEADER ? "chg"
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

START_TEST(milter_ops_counts_names_alike_with_one_or_many_changes)
{
	struct pm_error err;
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
	struct edits_mop *ops, *ops1;
	size_t nops, nops1, i, k;

	/* An insert of the same name above some of them counts too. */
	all[0] = (struct engine_edit){
	    ENGINE_INSERT, 4, "RECEIVED", " new", NULL, NULL, NULL, 0};
	for (i = 0; i < NH(h); i++) {
		snprintf(val[i], sizeof(val[i]), " x%zu", i);
		all[i + 1] = (struct engine_edit){ENGINE_CHANGE, i,
		    (char *)h[i].name, val[i], NULL, NULL, NULL, 0};
	}
	/* All changes at once. */
	res = (struct engine_result){.edits = all, .nedits = NH(all)};
	ck_assert_int_eq(
	    edits_milter_ops(h, NH(h), &res, 1, &ops, &nops, &err), 0);
	ck_assert_uint_eq(nops, NH(all));
	check_ops_match_apply(h, NH(h), &res, 1);
	/* Each change alone gets the same index. */
	for (i = 0; i < NH(h); i++) {
		one[0] = all[0];
		one[1] = all[i + 1];
		res = (struct engine_result){.edits = one, .nedits = 2};
		ck_assert_int_eq(
		    edits_milter_ops(h, NH(h), &res, 1, &ops1, &nops1, &err),
		    0);
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
	struct pm_error err;
	struct engine_result res = {.edits = NULL, .nedits = 0};
	struct edits_mop *ops = (void *)1;
	size_t nops = 9;

	ck_assert_int_eq(
	    edits_milter_ops(ops_h, NH(ops_h), &res, 1, &ops, &nops, &err), 0);
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

START_TEST(milter_ops_refuses_more_headers_than_an_index_counts)
{
	struct engine_result res = {.edits = ops_e, .nedits = NH(ops_e)};
	struct edits_mop *ops = (void *)1;
	struct pm_error err;
	size_t nops = 9;

	ck_assert_int_eq(
	    edits_milter_ops(ops_h, NH(ops_h), &res,
	        (size_t)INT_MAX - NH(ops_e) - NH(ops_h) + 1, &ops, &nops, &err),
	    -1);
	ck_assert_str_eq(err.text,
	    "the message has too many headers (6) for the milter protocol");
	ck_assert_ptr_null(ops);
	ck_assert_uint_eq(nops, 0);
	ck_assert_int_eq(
	    edits_milter_ops(ops_h, NH(ops_h), &res,
	        (size_t)INT_MAX - NH(ops_e) - NH(ops_h), &ops, &nops, &err),
	    0);
	free(ops);
}
END_TEST

START_TEST(two_changes_of_one_header_are_a_panic)
{
	static struct engine_edit two[] = {
	    {ENGINE_CHANGE, 1, "Received", " B", NULL, NULL, NULL, 0},
	    {ENGINE_DELETE, 1, "Received", NULL, NULL, NULL, NULL, 0},
	};
	struct engine_result res = {.edits = two, .nedits = NH(two)};
	struct edits_mop *ops;
	struct pm_error err;
	size_t nops;

	(void)edits_milter_ops(ops_h, NH(ops_h), &res, 1, &ops, &nops, &err);
}
END_TEST

START_TEST(an_edit_past_the_headers_is_a_panic)
{
	static struct engine_edit past[] = {
	    {ENGINE_INSERT, 7, "X-Late", " v", NULL, NULL, NULL, 0},
	};
	struct engine_result res = {.edits = past, .nedits = NH(past)};
	struct engine_header *out;
	size_t nout;

	(void)edits_apply(ops_h, NH(ops_h), &res, &out, &nout);
}
END_TEST

/* edits_suite - all tests */
static Suite *
edits_suite(void)
{
	Suite *s = suite_create("edits");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, milter_ops_indices_with_hidden_received);
	tcase_add_test(tc, milter_ops_without_edits_is_empty);
	tcase_add_test(
	    tc, milter_ops_counts_names_alike_with_one_or_many_changes);
	tcase_add_test(tc, milter_ops_from_rules_match_apply);
	tcase_add_test(
	    tc, milter_ops_refuses_more_headers_than_an_index_counts);
	/* A death test needs a process of its own (not so with CK_FORK=no). */
	if (getenv("CK_FORK") == NULL || strcmp(getenv("CK_FORK"), "no") != 0) {
		tcase_add_test_raise_signal(
		    tc, two_changes_of_one_header_are_a_panic, SIGABRT);
		tcase_add_test_raise_signal(
		    tc, an_edit_past_the_headers_is_a_panic, SIGABRT);
	}
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(edits_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
