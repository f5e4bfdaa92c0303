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
/*	removal, trusted re-injection). Assertions are on the exact edits
/*	and on the header list edits_apply() gives; the helpers are in
/*	unit.c. Ordering edits for libmilter is tested in test_edits.c,
/*	folding values in test_fold.c.
/*--*/
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "unit.h"

static const char key_bytes[] = "0123456789abcdef0123456789abcdef";

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

/* find_edits - rules over headers for a session; the edits as text */
static char *
find_edits(const char *rules, const struct pm_session *s,
    const struct engine_header *h, size_t n)
{
	struct ruleset *rs = load(rules);
	struct engine_params p;
	struct engine_result res;
	struct pm_error err;
	char *e;

	memset(&p, 0, sizeof(p));
	p.rules = rs;
	p.session = s;
	p.authserv_id = "mx.example.org";
	p.own_host = "mail.example.org";
	ck_assert_int_eq(engine_run(&p, h, n, &res, &err), 0);
	e = edits_str(&res);
	engine_result_free(&res);
	rules_unref(rs);
	return (e);
}

/* auth_session - an authenticated submission from 203.0.113.45 */
static void
auth_session(struct pm_session *s)
{
	session_init(s);
	ck_assert_int_eq(
	    session_set_macro(s, "client_addr", "203.0.113.45"), 0);
	ck_assert_int_eq(session_set_macro(s, "client_port", "51234"), 0);
	ck_assert_int_eq(
	    session_set_macro(s, "client_name", "dsl-203-0-113-45.example.net"),
	    0);
	ck_assert_int_eq(session_set_macro(s, "{auth_authen}", "anna7"), 0);
	s->helo = strdup("laptop.home.lan");
}

START_TEST(find_redacts_session_values_in_any_header)
{
	static const struct engine_header h[] = {
	    {"From", " anna <anna@example.org>"},
	    {"X-Originating-IP", " [203.0.113.45]"},
	    {"X-Panel-Sender", " anna7 from dsl-203-0-113-45.example.net"},
	    {"Received", " from laptop.home.lan by mail.example.org (Postfix)"},
	    {"X-Version", " (8.17.1.9/8.17.1.9) queue 4CxC9q0TnPz9vTj"},
	};
	struct pm_session s;
	char *e;

	auth_session(&s);
	e = find_edits("redact * find session, address with \"[redacted]\" "
	               "except From, To when submitted\n",
	    &s, h, NH(h));
	ck_assert_str_eq(e,
	    "CHANGE 1 X-Originating-IP: [redacted]\n"
	    "CHANGE 2 X-Panel-Sender: [redacted] from [redacted]\n"
	    "CHANGE 3 Received: from [redacted] by mail.example.org (Postfix)\n");
	free(e);
	session_free(&s);
}
END_TEST

START_TEST(find_is_out_of_scope_for_forwarded_and_inbound_mail)
{
	static const struct engine_header h[] = {
	    {"X-Sieve-Redirected-From", " anna@example.org"},
	    {"X-Originating-IP", " [203.0.113.45]"},
	};
	static const struct engine_header inbound[] = {
	    {"X-Originating-IP", " [198.51.100.7]"},
	};
	struct pm_session s;
	char *e;

	auth_session(&s);
	e = find_edits(
	    "redact * find address with \"[redacted]\" when submitted\n", &s, h,
	    NH(h));
	ck_assert_str_eq(e, "");
	free(e);
	e = find_edits("log * find address when forwarded\n", &s, h, NH(h));
	ck_assert_str_eq(e, "");
	free(e);
	session_free(&s);
	session_init(&s); /* not authenticated, not local */
	e = find_edits(
	    "redact * find address with \"[redacted]\" when submitted\n", &s,
	    inbound, NH(inbound));
	ck_assert_str_eq(e, "");
	free(e);
	e = find_edits("redact * find address with \"[redacted]\"\n", &s,
	    inbound, NH(inbound));
	ck_assert_str_eq(e, "CHANGE 0 X-Originating-IP: [redacted]\n");
	free(e);
	session_free(&s);
}
END_TEST

START_TEST(forwarded_reads_what_delivery_and_forwarders_write)
{
	static const struct engine_header sieve[] = {
	    {"X-Sieve", " Pigeonhole Sieve 0.5.19"},
	    {"X-Sieve-Redirected-From", " anna@example.org"}};
	static const struct engine_header local[] = {
	    {"Return-Path", " <bob@example.net>"},
	    {"delivered-to", " anna@example.org"}};
	static const struct engine_header bounce[] = {
	    {"Resent-From", " anna@example.org"}, {"From", " bob"}};
	static const struct engine_header vacation[] = {
	    {"Auto-Submitted", " \tAuto-Replied (vacation)"}};
	static const struct engine_header own[] = {
	    {"Return-Path", " <x@example.org>"},
	    {"Auto-Submitted", " auto-generated"}, {"Subject", " cron"}};

	ck_assert_int_eq(engine_forwarded(sieve, NH(sieve)), 1);
	ck_assert_int_eq(engine_forwarded(local, NH(local)), 1);
	ck_assert_int_eq(engine_forwarded(bounce, NH(bounce)), 1);
	ck_assert_int_eq(engine_forwarded(vacation, NH(vacation)), 1);
	ck_assert_int_eq(engine_forwarded(own, NH(own)), 0);
}
END_TEST

START_TEST(header_lists_globs_and_except)
{
	static const struct engine_header h[] = {
	    {"X-Source", " /usr/bin/php"},
	    {"X-MS-Exchange-Organization-OriginalClientIPAddress", " 10.1.1.1"},
	    {"x-ms-exchange-forest-rulesexecuted", " a"},
	    {"X-MS-Has-Attach", " yes"},
	    {"X-Source-Dir", " /home/anna"},
	};

	expect("remove X-Source, X-Source-Dir\n"
	       "remove X-MS-Exchange-* except X-MS-Exchange-Forest-*\n",
	    h, NH(h),
	    "DELETE 0 X-Source\nDELETE 1 "
	    "X-MS-Exchange-Organization-OriginalClientIPAddress\n"
	    "DELETE 4 X-Source-Dir\n",
	    "", NULL);
}
END_TEST

START_TEST(find_with_remove_pseudonymize_and_keep_networks)
{
	static const struct engine_header h[] = {
	    {"X-Client", " 192.0.2.10 via 198.51.100.1"},
	    {"X-Other", " nothing here 1.2"},
	    {"X-Gone", " [2001:db8::5]"},
	};
	struct pm_session s;
	char *e;

	auth_session(&s);
	e = find_edits("keep-networks 192.0.2.0/24\n"
	               "remove X-Gone find address\n"
	               "redact X-Client, X-Other find address with \"[r]\"\n",
	    &s, h, NH(h));
	ck_assert_str_eq(e,
	    "CHANGE 0 X-Client: 192.0.2.10 via [r]\n"
	    "DELETE 2 X-Gone\n");
	free(e);
	session_free(&s);
}
END_TEST

START_TEST(find_local_host_spares_our_own_names)
{
	static const struct engine_header h[] = {
	    {"Received",
	        " by ws7.example.net (Postfix, from userid 1000) id 1"},
	    {"Received",
	        " by mail.example.org (Postfix, from userid 1000) id 2"},
	    {"Received", " by ws7.example.net (8.18.1/8.18.1/Submit) id 3"},
	};
	struct pm_session s;
	char *e;

	session_init(&s);
	e = find_edits("redact Received find local-host with \"[redacted]\"\n",
	    &s, h, NH(h));
	ck_assert_str_eq(e,
	    "CHANGE 0 Received: by [redacted] (Postfix, from userid 1000) id 1\n"
	    "CHANGE 2 Received: by [redacted] (8.18.1/8.18.1/Submit) id 3\n");
	free(e);
	session_free(&s);
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
	ck_assert_int_eq(err.cause, PM_ERR_LIMIT);
	ck_assert_uint_eq(res.nedits, 0);
	ck_assert_ptr_null(res.edits);
	ck_assert_ptr_null(res.matched);
	rules_unref(rs);
}
END_TEST

START_TEST(result_lists_matched_rules_and_found_parts)
{
	static const struct engine_header h[] = {
	    {"User-Agent", " Thunderbird/115"},
	    {"X-Originating-IP", " [203.0.113.45] via 198.51.100.7"},
	    {"Received", " from laptop.home.lan ([203.0.113.45])"},
	    {"Subject", " hello"},
	};
	struct rules_options o = {0, 1, 0, 0};
	struct ruleset *rs = load_opts(
	    "keep Subject\n" /* 0 */
	    "remove User-Agent name ua\n" /* 1 */
	    "replace Received /x/ with \"y\"\n" /* 2 */
	    "redact * find session, address with \"[redacted]\"\n" /* 3 */
	    "add X-Note with \"n\" when authenticated\n" /* 4 */
	    "add X-Other with \"n\" when local\n", /* 5 */
	    &o);
	struct engine_result res;
	struct pm_error err;
	struct pm_session s;
	size_t i;
	char seqs[64] = "";

	auth_session(&s);
	ck_assert_int_eq(run_full(rs, &s, NULL, h, NH(h), &res, &err), 0);
	for (i = 0; i < res.nmatched; i++)
		snprintf(seqs + strlen(seqs), sizeof(seqs) - strlen(seqs),
		    "%u ", res.matched[i]->seq);
	/* Subject's keep counts; Received's replace did not match. */
	ck_assert_str_eq(seqs, "1 3 3 0 4 ");
	/* 203.0.113.45 twice, found by two kinds (client-address and
	 * address), 198.51.100.7 (address), the HELO laptop.home.lan. */
	ck_assert_uint_eq(res.found[0], 2); /* client-address */
	ck_assert_uint_eq(res.found[2], 1); /* helo */
	ck_assert_uint_eq(res.found[4], 3); /* address */
	for (i = 0; i < DETECT_NKINDS; i++)
		if (i != 0 && i != 2 && i != 4)
			ck_assert_uint_eq(res.found[i], 0);
	ck_assert_int_eq(res.forwarded, 0);
	engine_result_free(&res);
	ck_assert_ptr_null(res.matched);
	session_free(&s);
	rules_unref(rs);
}
END_TEST

START_TEST(result_says_forwarded_even_after_an_error)
{
	static const struct engine_header h[] = {
	    {"Delivered-To", " anna@example.org"},
	    {"X-Slow", " aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"},
	};
	struct rules_options o = {0, 1, 1000, 0};
	struct ruleset *rs = load_opts("redact X-Slow /(a+)+$/\n", &o);
	struct engine_result res;
	struct pm_error err;

	ck_assert_int_eq(run_full(rs, NULL, NULL, h, 1, &res, &err), 0);
	ck_assert_int_eq(res.forwarded, 1);
	ck_assert_uint_eq(res.nmatched, 0);
	engine_result_free(&res);
	ck_assert_int_eq(run_full(rs, NULL, NULL, h, NH(h), &res, &err), -1);
	ck_assert_int_eq(res.forwarded, 1);
	ck_assert_uint_eq(res.nmatched, 0);
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
		    line.len - namelen - 1,
		    &(struct rules_eval){{NULL, 0}, NULL, md, {0}}, &err);
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
	struct edits_mop *ops;
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
	ck_assert_int_eq(edits_milter_ops(h, N, &res, 1, &ops, &nops, &err), 0);
	ck_assert_uint_eq(nops, N / 2 + 1);
	ck_assert_int_eq(ops[0].kind, EDITS_MOP_INSHEADER);
	ck_assert_int_eq(ops[0].index, 1);
	/* Bottom-up; the inserted copy counts above each original. */
	ck_assert_int_eq(ops[1].kind, EDITS_MOP_CHGHEADER);
	ck_assert_int_eq(ops[1].index, N / 2 + 1);
	ck_assert_ptr_null(ops[1].value);
	ck_assert_int_eq(ops[N / 2].index, 2);
	ck_assert_int_eq(edits_apply(h, N, &res, &out, &nout), 0);
	ck_assert_uint_eq(nout, N / 2 + 1);
	ck_assert_str_eq(out[0].name, "X-TLS-Info");
	ck_assert_str_eq(out[1].name, "DKIM-Signature");
	free(out);
	free(ops);
	engine_result_free(&res);
	free(h);
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
	tcase_add_test(tc, long_value_refolded_within_78_where_possible);
	tcase_add_test(tc, match_limit_is_an_error_naming_the_rule);
	tcase_add_test(tc, result_lists_matched_rules_and_found_parts);
	tcase_add_test(tc, result_says_forwarded_even_after_an_error);
	tcase_add_test(tc, match_limit_in_a_later_redact_match_is_an_error);
	tcase_add_test(tc, rename_ends_and_log_only_with_continue_goes_on);
	tcase_add_test(tc, jit_stack_exhaustion_falls_back_to_the_interpreter);
	tcase_add_test(tc, tls_forged_copies_removed_ours_inserted_first);
	tcase_add_test(tc, tls_authserv_id_is_the_first_token);
	tcase_add_test(
	    tc, tls_trusted_reinjection_keeps_copies_inserts_nothing);
	tcase_add_test(tc, add_runs_once_when_condition_holds);
	tcase_add_test(tc, dispatch_gives_same_rule_as_trying_every_rule);
	tcase_add_test(tc, many_headers_stay_fast);
	tcase_add_test(tc, threads_share_a_ruleset);
	tcase_add_test(tc, find_redacts_session_values_in_any_header);
	tcase_add_test(tc, find_is_out_of_scope_for_forwarded_and_inbound_mail);
	tcase_add_test(tc, forwarded_reads_what_delivery_and_forwarders_write);
	tcase_add_test(tc, header_lists_globs_and_except);
	tcase_add_test(tc, find_with_remove_pseudonymize_and_keep_networks);
	tcase_add_test(tc, find_local_host_spares_our_own_names);
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
