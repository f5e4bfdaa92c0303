/*++
/* NAME
/*	test_match 1
/* SUMMARY
/*	unit tests of milter/match.c
/* SYNOPSIS
/*	tests/unit/test_match
/* DESCRIPTION
/*	Every condition criterion against sessions that have and lack the
/*	fact (conditions are written as rules and parsed by rules.c); the
/*	login pattern under the match limit (an error, not a silent "no");
/*	the PCRE2 wrapper's results, negation and error wording with
/*	file:line. Match limits of rule patterns and the JIT fallback are
/*	tested through rules_match() in test_rules.c.
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "rules.h"
#include "session.h"

static char errtext[1024];

/*
 * cond_opts - evaluate the condition of rule 0 of "remove X when COND";
 * the error text, if any, in errtext
 */
static int
cond_opts(const char *cond, const struct pm_session *s, uint32_t match_limit)
{
	struct rules_options o = {0, 1, match_limit, 0};
	struct pm_diags d = {0};
	pcre2_match_data *md;
	struct pm_error err;
	struct ruleset *rs;
	char text[512];
	int rc;

	snprintf(text, sizeof(text), "remove X when %s\n", cond);
	rs = rules_load_string("t.rules", text, strlen(text), &o, &d);
	pm_diags_free(&d);
	ck_assert_msg(rs != NULL, "rules did not load: %s", text);
	md = pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
	ck_assert_ptr_nonnull(md);
	err.text[0] = 0;
	rc = match_cond(rules_match_ctx(rs), rules_get(rs, 0)->when,
	    &(struct match_facts){s, 0}, md, "t.rules", 1, &err);
	snprintf(errtext, sizeof(errtext), "%s", err.text);
	pcre2_match_data_free(md);
	rules_unref(rs);
	return (rc);
}

/* cond_of - cond_opts with the library's limits */
static int
cond_of(const char *cond, const struct pm_session *s)
{
	return (cond_opts(cond, s, 0));
}

START_TEST(native_condition_evaluation)
{
	struct pm_session s;

	session_init(&s);
	ck_assert_int_eq(match_cond(NULL, NULL, &(struct match_facts){&s, 0},
	                     NULL, "t.rules", 1, NULL),
	    1);
	ck_assert_int_eq(cond_of("authenticated", &s), 0);
	ck_assert_int_eq(cond_of("not authenticated", &s), 1);
	ck_assert_int_eq(cond_of("tls", &s), 0);
	ck_assert_int_eq(cond_of("local", &s), 0);
	ck_assert_int_eq(cond_of("client 0.0.0.0/0", &s), 0);
	ck_assert_int_eq(cond_of("service submission", &s), 0);
	ck_assert_int_eq(cond_of("port 587", &s), 0);
	ck_assert_int_eq(cond_of("sender-domain example.org", &s), 0);
	ck_assert_int_eq(cond_of("login alice", &s), 0);
	ck_assert_int_eq(cond_of("login /./", &s), 0);

	session_set_macro(&s, "{auth_authen}", "alice");
	session_set_macro(&s, "{tls_version}", "TLSv1.3");
	session_set_macro(&s, "{daemon_name}", "submission");
	session_set_macro(&s, "{daemon_port}", "587");
	session_set_macro(&s, "{mail_addr}", "alice@Mail.Example.ORG");
	session_set_macro(&s, "client_addr", "192.0.2.77");
	session_set_macro(&s, "client_port", "40000");
	ck_assert_int_eq(cond_of("authenticated", &s), 1);
	ck_assert_int_eq(cond_of("tls", &s), 1);
	ck_assert_int_eq(cond_of("local", &s), 0);
	ck_assert_int_eq(cond_of("service smtps,submission", &s), 1);
	ck_assert_int_eq(cond_of("service Submission", &s), 0);
	ck_assert_int_eq(cond_of("port 465,587", &s), 1);
	ck_assert_int_eq(cond_of("port 25", &s), 0);
	ck_assert_int_eq(cond_of("client 192.0.2.0/24", &s), 1);
	ck_assert_int_eq(cond_of("client 192.0.2.64/26", &s), 1);
	ck_assert_int_eq(cond_of("client 192.0.2.0/26", &s), 0);
	ck_assert_int_eq(cond_of("client 192.0.2.77", &s), 1);
	ck_assert_int_eq(cond_of("client ::/0", &s), 0);
	ck_assert_int_eq(cond_of("login bob,alice", &s), 1);
	ck_assert_int_eq(cond_of("login Alice", &s), 0);
	ck_assert_int_eq(cond_of("login /^AL/", &s), 1);
	ck_assert_int_eq(cond_of("login /^AL/i", &s), 0);
	ck_assert_int_eq(cond_of("sender-domain example.org", &s), 0);
	ck_assert_int_eq(cond_of("sender-domain mail.example.org", &s), 1);
	ck_assert_int_eq(cond_of("sender-domain .example.org", &s), 1);
	ck_assert_int_eq(cond_of("sender-domain .mail.example.org", &s), 1);
	ck_assert_int_eq(cond_of("sender-domain .ample.org", &s), 0);
	ck_assert_int_eq(cond_of("authenticated and tls and not local", &s), 1);
	ck_assert_int_eq(cond_of("local or (tls and port 25)", &s), 0);
	ck_assert_int_eq(cond_of("local or not (tls and port 25)", &s), 1);

	session_set_macro(&s, "client_addr", "2001:db8::5");
	ck_assert_int_eq(cond_of("client 192.0.2.0/24", &s), 0);
	ck_assert_int_eq(cond_of("client 2001:db8::/32", &s), 1);
	ck_assert_int_eq(cond_of("client 2001:db8:1::/48", &s), 0);
	ck_assert_int_eq(cond_of("client ::/0", &s), 1);
	session_free(&s);
}
END_TEST

START_TEST(native_condition_local_submission)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "client_addr", "127.0.0.1");
	session_set_macro(&s, "client_port", "0");
	ck_assert_int_eq(cond_of("local", &s), 1);
	ck_assert_int_eq(cond_of("local or authenticated", &s), 1);
	session_free(&s);
}
END_TEST

START_TEST(login_pattern_obeys_the_match_limit)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(
	    &s, "{auth_authen}", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!");
	ck_assert_int_eq(cond_opts("login /^(a+)+$/", &s, 1000), -1);
	ck_assert_str_eq(errtext,
	    "t.rules:1: pattern hit the match limit (MatchLimit 1000); simplify the pattern or raise the limit");
	ck_assert_int_eq(cond_opts("not login /^(a+)+$/", &s, 1000), -1);
	ck_assert_int_eq(cond_opts("tls and login /^(a+)+$/", &s, 1000), 0);
	ck_assert_int_eq(cond_opts("login /^a/", &s, 1000), 1);
	session_free(&s);
}
END_TEST

START_TEST(exec_reports_limits_with_file_and_line)
{
	struct match_pattern pat;
	struct match_ctx mc;
	pcre2_match_data *md;
	struct pm_error err;
	const char *subj = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
	char why[256];
	size_t off;

	ck_assert_int_eq(match_ctx_init(&mc, 1000, 0), 0);
	ck_assert_int_eq(
	    match_compile("^(a+)+$", 7, 0, 1, &pat, why, sizeof(why), &off), 0);
	md = pcre2_match_data_create(pat.ncapture + 1, NULL);
	ck_assert_int_eq(match_exec(&mc, pat.re, subj, strlen(subj), 0, 0, md,
	                     "x.rules", 7, &err),
	    -1);
	ck_assert_str_eq(err.text,
	    "x.rules:7: pattern hit the match limit (MatchLimit 1000); simplify the pattern or raise the limit");
	ck_assert_int_eq(err.cause, PM_ERR_LIMIT);
	ck_assert_int_eq(
	    match_exec(&mc, pat.re, "aaa", 3, 0, 0, md, "x.rules", 7, &err), 2);
	ck_assert_int_eq(
	    match_exec(&mc, pat.re, "aab", 3, 0, 0, md, "x.rules", 7, &err), 0);
	pat.negate = 1;
	ck_assert_int_eq(
	    match_pattern(&mc, &pat, "aab", 3, md, "x.rules", 7, &err), 1);
	ck_assert_int_eq(
	    match_pattern(&mc, &pat, "aaa", 3, md, "x.rules", 7, &err), 0);
	pcre2_match_data_free(md);
	match_pattern_free(&pat);
	match_ctx_free(&mc);
	match_ctx_init(&mc, 0, 10);
	ck_assert_int_eq(
	    match_compile("(a|b)*c", 7, 0, 0, &pat, why, sizeof(why), &off), 0);
	md = pcre2_match_data_create(pat.ncapture + 1, NULL);
	ck_assert_int_eq(
	    match_exec(&mc, pat.re, "abababababababababababababababc", 31, 0, 0,
	        md, "y.rules", 2, &err),
	    -1);
	ck_assert_str_eq(err.text,
	    "y.rules:2: pattern hit the depth limit (DepthLimit 10); simplify the pattern or raise the limit");
	ck_assert_int_eq(err.cause, PM_ERR_LIMIT);
	pcre2_match_data_free(md);
	match_pattern_free(&pat);
	match_ctx_free(&mc);
}
END_TEST

START_TEST(compile_error_gives_reason_and_offset)
{
	struct match_pattern pat;
	char why[256];
	size_t off = 0;

	ck_assert_int_eq(
	    match_compile("ab(c", 4, 0, 1, &pat, why, sizeof(why), &off), -1);
	ck_assert_str_eq(why, "missing closing parenthesis");
	ck_assert_uint_eq(off, 4);
	ck_assert_ptr_null(pat.re);
}
END_TEST

/* match_suite - all tests */
static Suite *
match_suite(void)
{
	Suite *s = suite_create("match");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, native_condition_evaluation);
	tcase_add_test(tc, native_condition_local_submission);
	tcase_add_test(tc, login_pattern_obeys_the_match_limit);
	tcase_add_test(tc, exec_reports_limits_with_file_and_line);
	tcase_add_test(tc, compile_error_gives_reason_and_offset);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(match_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
