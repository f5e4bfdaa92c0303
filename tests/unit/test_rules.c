/*++
/* NAME
/*	test_rules 1
/* SUMMARY
/*	unit tests of milter/rules.c
/* SYNOPSIS
/*	tests/unit/test_rules
/* DESCRIPTION
/*	Postfix pcre header_checks lines (patterns, flags, negation,
/*	if/endif, continuation lines, actions, $n), native rules
/*	(actions, conditions, options), dispatch names, every load
/*	error message, match limits and reference counting.
/*--*/
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "rules.h"
#include "session.h"

static char diagtext[16384];

/* load_opts - load text as file "t.rules"; diagnostics into diagtext */
static struct ruleset *
load_opts(const char *text, const struct rules_options *opts)
{
	struct pm_diags d = {0};
	struct ruleset *rs;
	char line[2048];
	size_t i;

	rs = rules_load_string("t.rules", text, strlen(text), opts, &d);
	diagtext[0] = 0;
	for (i = 0; i < d.n; i++) {
		pm_diag_format(&d.v[i], line, sizeof(line));
		if (i > 0)
			strncat(diagtext, "\n",
			    sizeof(diagtext) - strlen(diagtext) - 1);
		strncat(
		    diagtext, line, sizeof(diagtext) - strlen(diagtext) - 1);
	}
	pm_diags_free(&d);
	return (rs);
}

/* load - load with default options (JIT on) */
static struct ruleset *
load(const char *text)
{
	struct rules_options o = {0};

	o.jit = 1;
	return (load_opts(text, &o));
}

/* load_error - the diagnostics of text that must not load */
static const char *
load_error(const char *text)
{
	struct ruleset *rs = load(text);

	ck_assert_ptr_null(rs);
	return (diagtext);
}

/*
 * first_match - seq of the first rule (in seq order) whose rule->header
 * is NULL or the header's name and that matches the header "Name:value";
 * -1 when none; -2 on error.
 */
static int
first_match_sess(
    const struct ruleset *rs, const char *hdr, const struct pm_session *sess)
{
	pcre2_match_data *md;
	struct pm_error err;
	const char *colon = strchr(hdr, ':');
	const char *value = colon ? colon + 1 : hdr + strlen(hdr);
	unsigned i;
	int rc, res = -1;

	md = pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
	ck_assert_ptr_nonnull(md);
	for (i = 0; i < rules_count(rs); i++) {
		/* What dispatch does: a named rule sees only its header. */
		if (rules_get(rs, i)->header != NULL &&
		    (strlen(rules_get(rs, i)->header) !=
		            (size_t)(colon - hdr) ||
		        strncasecmp(rules_get(rs, i)->header, hdr,
		            (size_t)(colon - hdr)) != 0))
			continue;
		rc = rules_match(rs, rules_get(rs, i), hdr, strlen(hdr), value,
		    strlen(value),
		    &(struct rules_eval){{sess, 0}, NULL, md, {0}}, &err);
		if (rc < 0) {
			res = -2;
			break;
		}
		if (rc == 1) {
			res = (int)i;
			break;
		}
	}
	pcre2_match_data_free(md);
	return (res);
}

static int
first_match(const struct ruleset *rs, const char *hdr)
{
	struct pm_session s;
	int rc;

	session_init(&s);
	rc = first_match_sess(rs, hdr, &s);
	session_free(&s);
	return (rc);
}

/* expand - the text of rule seq expanded with its match against hdr */
static char *
expand(const struct ruleset *rs, unsigned seq, const char *hdr)
{
	const struct rule *r = rules_get(rs, seq);
	struct pm_buf out = PM_BUF_INIT;
	pcre2_match_data *md;
	struct pm_error err;
	struct pm_session s;
	const char *colon = strchr(hdr, ':');
	const char *subj;

	session_init(&s);
	md = pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
	ck_assert_int_eq(
	    rules_match(rs, r, hdr, strlen(hdr), colon + 1, strlen(colon + 1),
	        &(struct rules_eval){{&s, 0}, NULL, md, {0}}, &err),
	    1);
	subj = r->subject == RULES_SUBJ_LINE ? hdr : colon + 1;
	ck_assert_int_eq(
	    template_expand(r->text, subj, pcre2_get_ovector_pointer(md),
	        pcre2_get_ovector_count(md), &out),
	    0);
	pcre2_match_data_free(md);
	session_free(&s);
	return (pm_buf_steal(&out));
}

/*
 * header_checks lines.
 */

START_TEST(seed_lines_load_and_match_the_right_headers)
{
	struct ruleset *rs = load(
	    "/^Received: .*\\(Authenticated sender:.*/ IGNORE\n"
	    "/^Received: by server\\.example\\.de .*from userid [0-9]+\\)/ "
	    "IGNORE\n"
	    "/^User-Agent:/ IGNORE\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	ck_assert_uint_eq(rules_count(rs), 3);
	ck_assert_int_eq(
	    first_match(rs,
	        "Received: from pc (pc.example.net "
	        "[192.0.2.5])\n\t(Authenticated sender: alice)\n\tby "
	        "mail.example.org (Postfix) with ESMTPSA id 1234"),
	    0);
	ck_assert_int_eq(
	    first_match(rs,
	        "Received: by server.example.de "
	        "(Postfix, from userid 1000)\n\tid 4AB12; Mon, 1 Jan 2024"),
	    1);
	ck_assert_int_eq(first_match(rs, "User-Agent: Mozilla/5.0"), 2);
	ck_assert_int_eq(first_match(rs, "user-agent: lower case"), 2);
	ck_assert_int_eq(
	    first_match(rs,
	        "Received: from mx.example.net "
	        "(mx.example.net [198.51.100.7])\n\tby mail.example.org"),
	    -1);
	ck_assert_int_eq(first_match(rs, "X-User-Agent: x"), -1);
	ck_assert_int_eq(rules_get(rs, 0)->action, RULES_REMOVE);
	ck_assert_str_eq(rules_get(rs, 0)->action_word, "IGNORE");
	ck_assert_str_eq(rules_get(rs, 0)->file, "t.rules");
	ck_assert_uint_eq(rules_get(rs, 0)->line, 1);
	ck_assert_str_eq(rules_get(rs, 0)->header, "received");
	ck_assert_str_eq(rules_get(rs, 1)->header, "received");
	ck_assert_str_eq(rules_get(rs, 2)->header, "user-agent");
	ck_assert_int_eq(rules_get(rs, 2)->subject, RULES_SUBJ_LINE);
	rules_unref(rs);
}
END_TEST

START_TEST(first_match_wins)
{
	struct ruleset *rs = load("/^Subject: a/ WARN first\n"
	                          "/^Subject:/ IGNORE\n");

	ck_assert_int_eq(first_match(rs, "Subject: abc"), 0);
	ck_assert_int_eq(first_match(rs, "Subject: xyz"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(actions_map_to_rule_actions_case_insensitively)
{
	struct ruleset *rs = load("/^A:/ IGNORE\n"
	                          "/^B:/ replace B: new\n"
	                          "/^C:/ Prepend X-C: above\n"
	                          "/^D:/ WARN\n"
	                          "/^E:/ info some text\n"
	                          "/^F:/ DUNNO\n"
	                          "/^G:/ ok\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	ck_assert_int_eq(rules_get(rs, 0)->action, RULES_REMOVE);
	ck_assert_ptr_null(rules_get(rs, 0)->text);
	ck_assert_int_eq(rules_get(rs, 1)->action, RULES_REPLACE_LINE);
	ck_assert_str_eq(template_source(rules_get(rs, 1)->text), "B: new");
	ck_assert_str_eq(rules_get(rs, 1)->action_word, "replace");
	ck_assert_int_eq(rules_get(rs, 2)->action, RULES_PREPEND);
	ck_assert_str_eq(template_source(rules_get(rs, 2)->text), "X-C: above");
	ck_assert_int_eq(rules_get(rs, 3)->action, RULES_LOG);
	ck_assert_ptr_null(rules_get(rs, 3)->text);
	ck_assert_int_eq(rules_get(rs, 4)->action, RULES_LOG);
	ck_assert_str_eq(template_source(rules_get(rs, 4)->text), "some text");
	ck_assert_int_eq(rules_get(rs, 5)->action, RULES_STOP);
	ck_assert_int_eq(rules_get(rs, 6)->action, RULES_STOP);
	rules_unref(rs);
}
END_TEST

START_TEST(comments_blank_lines_and_continuations)
{
	struct ruleset *rs = load("# a comment\n"
	                          "\n"
	                          "   \t\n"
	                          "/^Subject:/\n"
	                          "  # a comment inside the logical line\n"
	                          "\tREPLACE Subject:\n"
	                          "   hello   \n"
	                          "/^To:/ IGNORE\r\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	ck_assert_uint_eq(rules_count(rs), 2);
	ck_assert_uint_eq(rules_get(rs, 0)->line, 4);
	/* Joined as Postfix does: the white space of each line is kept. */
	ck_assert_str_eq(
	    template_source(rules_get(rs, 0)->text), "Subject:   hello");
	ck_assert_uint_eq(rules_get(rs, 1)->line, 8);
	ck_assert_int_eq(first_match(rs, "To: x"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(indented_first_line_is_ignored_with_warning)
{
	struct ruleset *rs = load("  /^A:/ IGNORE\n/^B:/ IGNORE\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext,
	    "t.rules:1: warning: indented line does "
	    "not continue a preceding line: ignored");
	ck_assert_uint_eq(rules_count(rs), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(pattern_sees_folded_lines_with_newlines)
{
	struct ruleset *rs = load("/^Received: from a\\n\\tby b$/ WARN exact\n"
	                          "/^Received: .*by c/ WARN dotall\n");

	ck_assert_int_eq(first_match(rs, "Received: from a\n\tby b"), 0);
	ck_assert_int_eq(first_match(rs, "Received: from x\n\tby c"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_defaults_caseless_and_dotall)
{
	struct ruleset *rs = load("/^subject: A.B$/ IGNORE\n");

	ck_assert_int_eq(first_match(rs, "SUBJECT: a\nb"), 0);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_i_toggles_case_sensitivity)
{
	struct ruleset *rs = load("/^Subject: abc/i IGNORE\n"
	                          "/^Subject: def/ii IGNORE\n");

	ck_assert_int_eq(first_match(rs, "Subject: abc"), 0);
	ck_assert_int_eq(first_match(rs, "Subject: ABC"), -1);
	ck_assert_int_eq(first_match(rs, "subject: abc"), -1);
	ck_assert_int_eq(first_match(rs, "Subject: DEF"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_s_toggles_dotall)
{
	struct ruleset *rs = load("/^X: a.b/s IGNORE\n");

	ck_assert_int_eq(first_match(rs, "X: a\nb"), -1);
	ck_assert_int_eq(first_match(rs, "X: a b"), 0);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_m_toggles_multiline)
{
	struct ruleset *rs = load("/^\\tby b$/m IGNORE\n/^\\tby c$/ IGNORE\n");

	ck_assert_int_eq(first_match(rs, "X: a\n\tby b\n\tmore"), 0);
	ck_assert_int_eq(first_match(rs, "X: a\n\tby c\n\tmore"), -1);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_x_toggles_extended)
{
	struct ruleset *rs = load("/^X: a b c/x IGNORE\n/^Y: a b/ IGNORE\n");

	ck_assert_int_eq(first_match(rs, "X:abc"), 0);
	ck_assert_int_eq(first_match(rs, "X: a b c"), -1);
	ck_assert_int_eq(first_match(rs, "Y: a b"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_A_toggles_anchored)
{
	struct ruleset *rs = load("/X: a/A IGNORE\n/Y: a/ IGNORE\n");

	ck_assert_int_eq(first_match(rs, "X: a"), 0);
	ck_assert_int_eq(first_match(rs, "Z-X: a"), -1);
	ck_assert_int_eq(first_match(rs, "Z-Y: a"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_E_toggles_dollar_endonly)
{
	struct ruleset *rs = load("/^X: a$/E IGNORE\n/^Y: a$/ IGNORE\n");

	ck_assert_int_eq(first_match(rs, "X: a\n"), -1);
	ck_assert_int_eq(first_match(rs, "X: a"), 0);
	ck_assert_int_eq(first_match(rs, "Y: a\n"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_U_toggles_ungreedy)
{
	struct ruleset *rs = load("/^X: (a+)/U REPLACE X: $1\n"
	                          "/^Y: (a+)/ REPLACE Y: $1\n");
	char *s;

	s = expand(rs, 0, "X: aaa");
	ck_assert_str_eq(s, "X: a");
	free(s);
	s = expand(rs, 1, "Y: aaa");
	ck_assert_str_eq(s, "Y: aaa");
	free(s);
	rules_unref(rs);
}
END_TEST

START_TEST(flag_X_is_ignored_with_warning)
{
	struct ruleset *rs = load("/^X:/X IGNORE\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext,
	    "t.rules:1: warning: ignoring flag \"X\": "
	    "PCRE2 does not support it (column 6)");
	rules_unref(rs);
}
END_TEST

START_TEST(any_delimiter_and_escaped_delimiter)
{
	struct ruleset *rs = load("#^X: a#b# IGNORE\n"
	                          "|^Y: a\\|b| IGNORE\n"
	                          "/^Z: a\\/b/ IGNORE\n"
	                          "%^W: c% IGNORE\n");

	ck_assert_ptr_nonnull(rs);
	/* "#..." at the start of a line is a comment, as in Postfix. */
	ck_assert_uint_eq(rules_count(rs), 3);
	ck_assert_int_eq(first_match(rs, "Y: a|b"), 0);
	ck_assert_int_eq(first_match(rs, "Z: a/b"), 1);
	ck_assert_int_eq(first_match(rs, "W: c"), 2);
	rules_unref(rs);
}
END_TEST

START_TEST(negated_pattern_matches_when_pattern_does_not)
{
	struct ruleset *rs = load("!/^Subject:/ WARN not a subject\n");

	ck_assert_int_eq(first_match(rs, "To: x"), 0);
	ck_assert_int_eq(first_match(rs, "Subject: x"), -1);
	ck_assert_int_eq(rules_get(rs, 0)->pat.negate, 1);
	ck_assert_ptr_null(rules_get(rs, 0)->header);
	rules_unref(rs);
}
END_TEST

START_TEST(double_negation_cancels)
{
	struct ruleset *rs = load("! ! /^Subject:/ WARN\n");

	ck_assert_int_eq(first_match(rs, "Subject: x"), 0);
	ck_assert_int_eq(rules_get(rs, 0)->pat.negate, 0);
	rules_unref(rs);
}
END_TEST

START_TEST(if_endif_guards_rules)
{
	struct ruleset *rs = load("if /^Received:/\n"
	                          "/by mail\\.example/ IGNORE\n"
	                          "endif\n"
	                          "/by mail\\.example/ WARN other\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_uint_eq(rules_count(rs), 2);
	ck_assert_uint_eq(rules_get(rs, 0)->nguards, 1);
	ck_assert_uint_eq(rules_get(rs, 1)->nguards, 0);
	ck_assert_int_eq(first_match(rs, "Received: by mail.example.org"), 0);
	ck_assert_int_eq(first_match(rs, "X-Relay: by mail.example.org"), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(if_negated_and_nested)
{
	struct ruleset *rs = load("IF !/^Subject:/\n"
	                          "if /a/\n"
	                          "if /b/\n"
	                          "/c/ WARN abc\n"
	                          "EndIf\n"
	                          "/d/ WARN ad\n"
	                          "endif\n"
	                          "endif\n"
	                          "/./ WARN rest\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	ck_assert_uint_eq(rules_get(rs, 0)->nguards, 3);
	ck_assert_uint_eq(rules_get(rs, 1)->nguards, 2);
	ck_assert_uint_eq(rules_get(rs, 2)->nguards, 0);
	ck_assert_int_eq(first_match(rs, "X: abc"), 0);
	ck_assert_int_eq(first_match(rs, "X: acd"), 1);
	ck_assert_int_eq(first_match(rs, "X: bcd"), 2);
	ck_assert_int_eq(first_match(rs, "Subject: abc"), 2);
	rules_unref(rs);
}
END_TEST

START_TEST(replace_expands_captures)
{
	struct ruleset *rs = load(
	    "/^Received: from (\\S+) (.*)/ REPLACE Received: $2 ${1} $(1)$$ "
	    "$$1\n");
	char *s;

	ck_assert_ptr_nonnull(rs);
	ck_assert_uint_eq(rules_get(rs, 0)->pat.ncapture, 2);
	ck_assert_uint_eq(rules_max_captures(rs), 2);
	s = expand(rs, 0, "Received: from host by mx");
	ck_assert_str_eq(s, "Received: by mx host host$ $1");
	free(s);
	rules_unref(rs);
}
END_TEST

START_TEST(unset_capture_expands_to_nothing)
{
	struct ruleset *rs = load("/^X: (a)?(b)/ REPLACE X: [$1][$2]\n");
	char *s;

	s = expand(rs, 0, "X: b");
	ck_assert_str_eq(s, "X: [][b]");
	free(s);
	rules_unref(rs);
}
END_TEST

START_TEST(unusable_actions_are_skipped_with_warning)
{
	struct ruleset *rs = load("/^A:/ REJECT no\n"
	                          "/^B:/ discard\n"
	                          "/^C:/ HOLD\n"
	                          "/^D:/ FILTER smtp:[127.0.0.1]:10025\n"
	                          "/^E:/ REDIRECT a@example.org\n"
	                          "/^F:/ BCC a@example.org\n"
	                          "/^G:/ PASS\n"
	                          "/^H:/ STRIP\n"
	                          "/^I:/ DEFER later\n"
	                          "/^J:/ DEFER_IF_PERMIT x\n"
	                          "/^K:/ 550 go away\n"
	                          "/^L:/ 451 later\n"
	                          "/^M:/ IGNORE\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_uint_eq(rules_count(rs), 1);
	ck_assert_uint_eq(rules_get(rs, 0)->line, 13);
	ck_assert_str_eq(diagtext,
	    "t.rules:1: warning: action \"REJECT\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:2: warning: action \"discard\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:3: warning: action \"HOLD\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:4: warning: action \"FILTER\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:5: warning: action \"REDIRECT\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:6: warning: action \"BCC\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:7: warning: action \"PASS\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:8: warning: action \"STRIP\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:9: warning: action \"DEFER\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:10: warning: action \"DEFER_IF_PERMIT\" cannot be carried "
	    "out by a milter; line skipped (column 7)\n"
	    "t.rules:11: warning: action \"550\" cannot be carried out by a "
	    "milter; line skipped (column 7)\n"
	    "t.rules:12: warning: action \"451\" cannot be carried out by a "
	    "milter; line skipped (column 7)");
	rules_unref(rs);
}
END_TEST

START_TEST(unusable_action_is_error_when_strict)
{
	struct rules_options o = {0};
	struct ruleset *rs;

	o.strict = 1;
	rs = load_opts("/^A:/ REJECT no\n/^B:/ IGNORE\n", &o);
	ck_assert_ptr_null(rs);
	ck_assert_str_eq(diagtext,
	    "t.rules:1: action \"REJECT\" cannot be "
	    "carried out by a milter (Strict is on); use it in Postfix's own "
	    "header_checks (column 7)");
}
END_TEST

START_TEST(text_after_ignore_is_warned_about)
{
	struct ruleset *rs = load("/^A:/ IGNORE this\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext,
	    "t.rules:1: warning: text after \"IGNORE\" "
	    "is ignored (column 14)");
	ck_assert_ptr_null(rules_get(rs, 0)->text);
	rules_unref(rs);
}
END_TEST

/*
 * Load errors: every message, exactly.
 */

START_TEST(error_unterminated_pattern)
{
	ck_assert_str_eq(load_error("/^Subject: abc IGNORE\n"),
	    "t.rules:1: unterminated pattern: no closing \"/\" (column 1)");
	ck_assert_str_eq(load_error("/abc\\/ IGNORE\\\n"),
	    "t.rules:1: unterminated pattern: no closing \"/\" (column 1)");
}
END_TEST

START_TEST(error_bad_flag_names_the_letter)
{
	ck_assert_str_eq(load_error("/^Subject:/iq IGNORE\n"),
	    "t.rules:1: unknown pattern flag \"q\" (valid flags: i m s x A E "
	    "U) (column 13)");
}
END_TEST

START_TEST(error_pcre2_compile_with_column)
{
	ck_assert_str_eq(load_error("/^Subject: (abc/ IGNORE\n"),
	    "t.rules:1: bad pattern: missing closing parenthesis (column 16)");
	ck_assert_str_eq(load_error("\n/a[b/ IGNORE\n"),
	    "t.rules:2: bad pattern: missing terminating ] for character "
	    "class (column 5)");
}
END_TEST

START_TEST(error_missing_action)
{
	ck_assert_str_eq(load_error("/^Subject:/\n"),
	    "t.rules:1: missing action after the pattern (expected IGNORE, "
	    "REPLACE text, PREPEND text, WARN [text], INFO [text], DUNNO or "
	    "OK)");
}
END_TEST

START_TEST(error_missing_text_for_replace_and_prepend)
{
	ck_assert_str_eq(load_error("/^Subject:/ REPLACE\n"),
	    "t.rules:1: missing text after \"REPLACE\" (e.g. REPLACE "
	    "X-Header: new value) (column 13)");
	ck_assert_str_eq(load_error("/^Subject:/ prepend   \n"),
	    "t.rules:1: missing text after \"prepend\" (e.g. prepend "
	    "X-Header: new value) (column 13)");
}
END_TEST

START_TEST(error_static_replace_text_must_be_a_header_line)
{
	ck_assert_str_eq(load_error("/^Subject:/ REPLACE not a header\n"),
	    "t.rules:1: REPLACE text must be a header line \"Name: value\", "
	    "got \"not a header\" (column 21)");
	ck_assert_str_eq(load_error("/^Subject:/ REPLACE : x\n"),
	    "t.rules:1: REPLACE text must be a header line \"Name: value\", "
	    "got \": x\" (column 21)");
	ck_assert_str_eq(load_error("/^Subject:/ PREPEND no colon\n"),
	    "t.rules:1: PREPEND text must be a header line \"Name: value\", "
	    "got \"no colon\" (column 21)");
	ck_assert_str_eq(load_error("/^Subject:/ PREPEND X B: y\n"),
	    "t.rules:1: PREPEND text must be a header line \"Name: value\", "
	    "got \"X B: y\" (column 21)");
}
END_TEST

START_TEST(static_header_line_and_refs_text_load)
{
	struct ruleset *rs = load("/^Subject:/ REPLACE X-B:\n"
	                          "/^Subject:/ PREPEND X-C: c\n"
	                          "/^Subject:(.*)/ REPLACE no colon $1\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	rules_unref(rs);
}
END_TEST

START_TEST(error_unknown_action_lists_valid_ones)
{
	ck_assert_str_eq(load_error("/^Subject:/ DELETE\n"),
	    "t.rules:1: unknown action \"DELETE\" (expected IGNORE, REPLACE "
	    "text, PREPEND text, WARN [text], INFO [text], DUNNO or OK) "
	    "(column 13)");
}
END_TEST

START_TEST(error_reference_to_missing_capture)
{
	ck_assert_str_eq(load_error("/^Subject: (a)/ REPLACE Subject: $2\n"),
	    "t.rules:1: \"$2\" refers to a capture group the pattern does not "
	    "have (it has 1) (column 25)");
	ck_assert_str_eq(load_error("/^Subject:/ REPLACE Subject: ${1}\n"),
	    "t.rules:1: \"$1\" refers to a capture group the pattern does not "
	    "have (it has 0) (column 21)");
}
END_TEST

START_TEST(error_bad_reference_syntax)
{
	ck_assert_str_eq(load_error("/^S: (a)/ REPLACE S: $1x\n"),
	    "t.rules:1: \"$1x\" is not a capture number (use $1..$9 or ${n}; "
	    "$$ for a literal $) (column 19)");
	ck_assert_str_eq(load_error("/^S: (a)/ REPLACE S: 5 $\n"),
	    "t.rules:1: \"$\" without a capture number in the text (write $$ "
	    "for a literal $) (column 19)");
	ck_assert_str_eq(load_error("/^S: (a)/ REPLACE S: ${1\n"),
	    "t.rules:1: missing \"}\" after \"${\" in the text (column 19)");
	ck_assert_str_eq(load_error("/^S: (a)/ REPLACE S: $0\n"),
	    "t.rules:1: capture number \"0\" is out of range (1 to 99) "
	    "(column 19)");
}
END_TEST

START_TEST(error_reference_in_negated_pattern)
{
	ck_assert_str_eq(load_error("!/^S: (a)/ REPLACE S: $1\n"),
	    "t.rules:1: \"$1\" cannot be used with a negated pattern (!/.../): "
	    "a pattern that does not match captures nothing (column 20)");
}
END_TEST

START_TEST(error_missing_or_bad_pattern)
{
	ck_assert_str_eq(load_error("!\n"),
	    "t.rules:1: missing pattern after \"!\" (column 2)");
	ck_assert_str_eq(load_error("!a^b^ IGNORE\n"),
	    "t.rules:1: bad pattern delimiter \"a\": use a character that is "
	    "neither a letter, a digit nor a backslash, e.g. /pattern/ "
	    "(column 2)");
	ck_assert_str_eq(load_error("if\nendif\n"),
	    "t.rules:1: missing pattern after \"if\" (expected if /pattern/ "
	    "or if !/pattern/)");
	ck_assert_str_eq(load_error("if /(/\n/a/ IGNORE\nendif\n"),
	    "t.rules:1: bad pattern: missing closing parenthesis (column 6)");
}
END_TEST

START_TEST(error_nul_byte_in_line)
{
	struct pm_diags d = {0};
	char line[512];

	ck_assert_ptr_null(
	    rules_load_string("t.rules", "/a/ IGN\0RE\n", 11, NULL, &d));
	ck_assert_uint_eq(d.n, 1);
	pm_diag_format(&d.v[0], line, sizeof(line));
	ck_assert_str_eq(line, "t.rules:1: line contains a NUL byte");
	pm_diags_free(&d);
}
END_TEST

START_TEST(text_after_endif_is_warned_about)
{
	struct ruleset *rs = load("if /^A:/\n/x/ IGNORE\nendif # A\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext,
	    "t.rules:3: warning: text after \"endif\" "
	    "is ignored (column 7)");
	rules_unref(rs);
}
END_TEST

START_TEST(error_endif_without_if)
{
	ck_assert_str_eq(load_error("/^A:/ IGNORE\nendif\n"),
	    "t.rules:2: \"endif\" without a matching \"if\"");
}
END_TEST

START_TEST(error_missing_endif_names_the_if)
{
	ck_assert_str_eq(load_error("if /^A:/\nif /b/\n/c/ IGNORE\nendif\n"),
	    "t.rules:1: \"if\" has no matching \"endif\" (the file ends "
	    "first)");
}
END_TEST

START_TEST(error_indented_rule_after_if)
{
	ck_assert_str_eq(load_error("if /^A:/\n  /b/ IGNORE\nendif\n"),
	    "t.rules:1: unexpected text after the \"if\" pattern; lines "
	    "inside if ... endif must not be indented (an indented line "
	    "continues the previous one) (column 11)");
}
END_TEST

START_TEST(error_cannot_open_file)
{
	const char *files[] = {"/nonexistent/rules"};
	struct pm_diags d = {0};
	char buf[512];

	ck_assert_ptr_null(rules_load(files, 1, NULL, &d));
	ck_assert_uint_eq(d.n, 1);
	pm_diag_format(&d.v[0], buf, sizeof(buf));
	ck_assert_str_eq(buf,
	    "/nonexistent/rules: cannot open rules file: "
	    "No such file or directory");
	pm_diags_free(&d);
}
END_TEST

START_TEST(all_errors_of_a_file_are_reported)
{
	ck_assert_str_eq(load_error("/a/ FOO\n/b/ REPLACE\n/c/q IGNORE\n"),
	    "t.rules:1: unknown action \"FOO\" (expected IGNORE, REPLACE "
	    "text, PREPEND text, WARN [text], INFO [text], DUNNO or OK) "
	    "(column 5)\n"
	    "t.rules:2: missing text after \"REPLACE\" (e.g. REPLACE X-Header: "
	    "new value) (column 5)\n"
	    "t.rules:3: unknown pattern flag \"q\" (valid flags: i m s x A E "
	    "U) (column 4)");
}
END_TEST

START_TEST(errors_are_capped_per_file)
{
	struct pm_buf b = PM_BUF_INIT;
	struct pm_diags d = {0};
	char line[512];
	int i;

	for (i = 0; i < 150; i++)
		pm_buf_puts(&b, "/a/ FOO\n");
	ck_assert_ptr_null(rules_load_string("t.rules", b.s, b.len, NULL, &d));
	ck_assert_uint_eq(d.n, 101);
	pm_diag_format(&d.v[100], line, sizeof(line));
	ck_assert_str_eq(line,
	    "t.rules:100: too many errors (100); the rest "
	    "of the file was not read");
	pm_diags_free(&d);
	pm_buf_free(&b);
}
END_TEST

START_TEST(warnings_are_capped_per_file)
{
	struct pm_buf b = PM_BUF_INIT;
	struct pm_diags d = {0};
	struct ruleset *rs;
	char line[512];
	int i;

	for (i = 0; i < 150; i++)
		pm_buf_puts(&b, "/a/ REJECT\n");
	pm_buf_puts(&b, "/b/ IGNORE\n");
	rs = rules_load_string("t.rules", b.s, b.len, NULL, &d);
	ck_assert_ptr_nonnull(rs);
	ck_assert_uint_eq(rules_count(rs), 1);
	ck_assert_uint_eq(d.n, 101);
	pm_diag_format(&d.v[100], line, sizeof(line));
	ck_assert_str_eq(line,
	    "t.rules:101: warning: too many warnings "
	    "(100); further warnings of this file are not shown");
	rules_unref(rs);
	pm_diags_free(&d);
	pm_buf_free(&b);
}
END_TEST

/*
 * Dispatch.
 */

START_TEST(dispatch_names_from_patterns)
{
	static const struct {
		const char *line;
		const char *header; /* NULL: any */
	} cases[] = {
	    {"/^Subject:/ IGNORE", "subject"},
	    {"/^X\\-Mailer: / IGNORE", "x-mailer"},
	    {"/^x_y\\.z:/ IGNORE", "x_y.z"},
	    {"/\\AReceived:/ IGNORE", "received"},
	    {"/^Received: (a|b)/ IGNORE", "received"},
	    {"/^Received: [|]/ IGNORE", "received"},
	    {"/^Received:|^X-Foo:/ IGNORE", NULL},
	    {"/^(Received|X-Foo):/ IGNORE", NULL},
	    {"/^Received:/x IGNORE", NULL},
	    {"/^Received:/m IGNORE", NULL},
	    {"!/^Received:/ IGNORE", NULL},
	    {"/^Received?:/ IGNORE", NULL},
	    {"/^Received:?/ IGNORE", NULL},
	    {"/^Received:*/ IGNORE", NULL},
	    {"/^Rec.ived:/ IGNORE", NULL},
	    {"/^Re\\wceived:/ IGNORE", NULL},
	    {"/Received:/ IGNORE", NULL},
	    {"/^ Received:/ IGNORE", NULL},
	    {"/^Received/ IGNORE", NULL},
	    {"/^\\QReceived:\\E/ IGNORE", NULL},
	    {"/^Received:(?x) a/ IGNORE", NULL},
	    {"/^Received:(?i) a/ IGNORE", "received"},
	    {"/^Received: [a|]|b/ IGNORE", NULL},
	};
	struct ruleset *rs;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rs = load(cases[i].line);
		ck_assert_msg(rs != NULL, "%s: %s", cases[i].line, diagtext);
		if (cases[i].header == NULL)
			ck_assert_msg(rules_get(rs, 0)->header == NULL,
			    "%s: got %s", cases[i].line,
			    rules_get(rs, 0)->header);
		else
			ck_assert_msg(rules_get(rs, 0)->header != NULL &&
			        strcmp(rules_get(rs, 0)->header,
			            cases[i].header) == 0,
			    "%s: got %s", cases[i].line,
			    rules_get(rs, 0)->header ? rules_get(rs, 0)->header
			                             : "NULL");
		rules_unref(rs);
	}
}
END_TEST

START_TEST(dispatch_name_from_enclosing_if)
{
	struct ruleset *rs = load("if /^Received:/\n"
	                          "/from/ IGNORE\n"
	                          "/^X-Other:/ IGNORE\n"
	                          "endif\n"
	                          "if !/^Subject:/\n"
	                          "/from/ IGNORE\n"
	                          "endif\n");

	ck_assert_str_eq(rules_get(rs, 0)->header, "received");
	ck_assert_str_eq(rules_get(rs, 1)->header, "x-other");
	ck_assert_ptr_null(rules_get(rs, 2)->header);
	rules_unref(rs);
}
END_TEST

START_TEST(dispatch_lists_in_evaluation_order)
{
	struct ruleset *rs = load("/^Received:/ IGNORE\n"
	                          "/foo/ IGNORE\n"
	                          "/^Subject:/ IGNORE\n"
	                          "remove received /x/\n"
	                          "remove * /y/\n"
	                          "add X-Added with \"1\"\n"
	                          "/^RECEIVED:/ IGNORE\n");
	const unsigned *seqs;
	size_t n;

	ck_assert_ptr_nonnull(rs);
	n = rules_for_header(rs, "ReCeIvEd", 8, &seqs);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(seqs[0], 0);
	ck_assert_uint_eq(seqs[1], 3);
	ck_assert_uint_eq(seqs[2], 6);
	n = rules_for_header(rs, "Received-SPF", 12, &seqs);
	ck_assert_uint_eq(n, 0);
	n = rules_for_header(rs, "Subject: x", 7, &seqs);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seqs[0], 2);
	n = rules_for_any_header(rs, &seqs);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(seqs[0], 1);
	ck_assert_uint_eq(seqs[1], 4);
	n = rules_message_rules(rs, &seqs);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(seqs[0], 5);
	rules_unref(rs);
}
END_TEST

START_TEST(dispatch_scales_to_many_names)
{
	struct pm_buf b = PM_BUF_INIT;
	const unsigned *seqs;
	struct ruleset *rs;
	char name[32];
	int i;

	for (i = 0; i < 2000; i++)
		pm_buf_printf(&b, "/^X-H%d:/ IGNORE\n", i);
	rs = load(b.s);
	ck_assert_ptr_nonnull(rs);
	for (i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "x-h%d", i);
		ck_assert_uint_eq(
		    rules_for_header(rs, name, strlen(name), &seqs), 1);
		ck_assert_uint_eq(seqs[0], (unsigned)i);
	}
	ck_assert_uint_eq(rules_for_header(rs, "x-h2000", 7, &seqs), 0);
	rules_unref(rs);
	pm_buf_free(&b);
}
END_TEST

/*
 * Match limits.
 */

START_TEST(match_limit_hit_returns_error_with_file_line)
{
	struct rules_options o = {0};
	pcre2_match_data *md;
	struct pm_error err;
	struct ruleset *rs;
	char hdr[200];
	int jit;

	for (jit = 0; jit <= 1; jit++) {
		o.jit = jit;
		o.match_limit = 1000;
		rs = load_opts("\n\n/^X: (a+)+$/ IGNORE\n", &o);
		ck_assert_ptr_nonnull(rs);
		snprintf(hdr, sizeof(hdr), "X: %s",
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaab");
		md = pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
		ck_assert_int_eq(
		    rules_match(rs, rules_get(rs, 0), hdr, strlen(hdr), hdr + 2,
		        strlen(hdr + 2),
		        &(struct rules_eval){{NULL, 0}, NULL, md, {0}}, &err),
		    -1);
		ck_assert_str_eq(err.text,
		    "t.rules:3: pattern hit the match "
		    "limit (MatchLimit 1000); simplify the pattern or raise the "
		    "limit");
		pcre2_match_data_free(md);
		rules_unref(rs);
	}
}
END_TEST

START_TEST(depth_limit_hit_returns_error_with_file_line)
{
	struct rules_options o = {0};
	pcre2_match_data *md;
	struct pm_error err;
	struct ruleset *rs;
	char hdr[200];

	o.depth_limit = 10;
	rs = load_opts("/^X: (a|b)*c/ IGNORE\n", &o);
	ck_assert_ptr_nonnull(rs);
	snprintf(hdr, sizeof(hdr), "X: %s", "abababababababababababababababc");
	md = pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
	ck_assert_int_eq(
	    rules_match(rs, rules_get(rs, 0), hdr, strlen(hdr), hdr + 2,
	        strlen(hdr + 2), &(struct rules_eval){{NULL, 0}, NULL, md, {0}},
	        &err),
	    -1);
	ck_assert_str_eq(err.text,
	    "t.rules:1: pattern hit the depth limit "
	    "(DepthLimit 10); simplify the pattern or raise the limit");
	pcre2_match_data_free(md);
	rules_unref(rs);
}
END_TEST

START_TEST(jit_stack_overflow_falls_back_to_interpreter)
{
	struct rules_options o = {0};
	struct pm_buf h = PM_BUF_INIT;
	pcre2_match_data *md;
	struct pm_error err;
	struct ruleset *rs;
	int i;

	o.jit = 1;
	rs = load_opts("/^X: (a|b)*c$/ IGNORE\n", &o);
	ck_assert_ptr_nonnull(rs);
	pm_buf_puts(&h, "X: ");
	for (i = 0; i < 20000; i++)
		pm_buf_puts(&h, "ab");
	pm_buf_puts(&h, "c");
	md = pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
	ck_assert_int_eq(
	    rules_match(rs, rules_get(rs, 0), h.s, h.len, h.s + 2, h.len - 2,
	        &(struct rules_eval){{NULL, 0}, NULL, md, {0}}, &err),
	    1);
	pcre2_match_data_free(md);
	pm_buf_free(&h);
	rules_unref(rs);
}
END_TEST

START_TEST(invalid_utf8_in_header_is_matched_bytewise)
{
	struct ruleset *rs = load("/^Subject: .*\\xff/ IGNORE\n");

	ck_assert_int_eq(first_match(rs, "Subject: caf\xc3 \xff\xfe"), 0);
	rules_unref(rs);
}
END_TEST

/*
 * Reference counting and several files.
 */

START_TEST(refcount_and_unref_null)
{
	struct ruleset *rs = load("/^A:/ IGNORE\n");

	rules_unref(NULL);
	rules_ref(rs);
	rules_unref(rs);
	ck_assert_uint_eq(rules_count(rs), 1);
	rules_unref(rs);
}
END_TEST

START_TEST(several_files_continue_seqs)
{
	char f1[] = "/tmp/test_rules_1_XXXXXX",
	     f2[] = "/tmp/test_rules_2_XXXXXX";
	const char *files[2] = {f1, f2};
	struct rules_options o = {0};
	struct pm_diags d = {0};
	struct ruleset *rs;
	int fd;

	fd = mkstemp(f1);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "/^A:/ IGNORE\n/^B:/ IGNORE\n", 26), 26);
	close(fd);
	fd = mkstemp(f2);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\nremove C\n", 10), 10);
	close(fd);
	rs = rules_load(files, 2, &o, &d);
	ck_assert_ptr_nonnull(rs);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(rules_count(rs), 3);
	ck_assert_str_eq(rules_get(rs, 1)->file, f1);
	ck_assert_uint_eq(rules_get(rs, 2)->seq, 2);
	ck_assert_str_eq(rules_get(rs, 2)->file, f2);
	ck_assert_uint_eq(rules_get(rs, 2)->line, 2);
	ck_assert_ptr_null(rules_get(rs, 3));
	rules_unref(rs);
	unlink(f1);
	unlink(f2);
}
END_TEST

/*
 * Native rules.
 */

START_TEST(native_actions_parse)
{
	struct ruleset *rs =
	    load("remove User-Agent\n"
	         "replace X-Mailer with \"hidden\"\n"
	         "replace Subject /^(\\s*)secret/ with \"${1}public\"\n"
	         "redact Received /from \\S+/\n"
	         "redact Received /by (\\S+)/ with \"by [$1]\"\n"
	         "pseudonymize X-Originating-IP /[0-9.]+/\n"
	         "add X-Privacy with \"scrubbed\"\n"
	         "log *\n"
	         "keep Received /by mx\\.example\\.org/\n"
	         "REMOVE X-Upper\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	ck_assert_uint_eq(rules_count(rs), 10);
	ck_assert_int_eq(rules_get(rs, 0)->action, RULES_REMOVE);
	ck_assert_str_eq(rules_get(rs, 0)->name, "User-Agent");
	ck_assert_str_eq(rules_get(rs, 0)->header, "user-agent");
	ck_assert_ptr_null(rules_get(rs, 0)->pat.re);
	ck_assert_ptr_null(rules_get(rs, 0)->text);
	ck_assert_int_eq(rules_get(rs, 0)->subject, RULES_SUBJ_VALUE);
	ck_assert_str_eq(rules_get(rs, 0)->action_word, "remove");
	ck_assert_int_eq(rules_get(rs, 1)->action, RULES_REPLACE_VALUE);
	ck_assert_str_eq(template_source(rules_get(rs, 1)->text), "hidden");
	ck_assert_int_eq(rules_get(rs, 2)->action, RULES_REPLACE_VALUE);
	ck_assert_uint_eq(rules_get(rs, 2)->pat.ncapture, 1);
	ck_assert_int_eq(rules_get(rs, 3)->action, RULES_REDACT);
	ck_assert_str_eq(template_source(rules_get(rs, 3)->text), "");
	ck_assert_str_eq(template_source(rules_get(rs, 4)->text), "by [$1]");
	ck_assert_int_eq(rules_get(rs, 5)->action, RULES_PSEUDONYMIZE);
	ck_assert_ptr_null(rules_get(rs, 5)->text);
	ck_assert_int_eq(rules_get(rs, 6)->action, RULES_ADD);
	ck_assert_str_eq(rules_get(rs, 6)->header, "x-privacy");
	ck_assert_str_eq(rules_get(rs, 6)->name, "X-Privacy");
	ck_assert_str_eq(template_source(rules_get(rs, 6)->text), "scrubbed");
	ck_assert_int_eq(rules_get(rs, 7)->action, RULES_LOG);
	ck_assert_ptr_null(rules_get(rs, 7)->header);
	ck_assert_str_eq(rules_get(rs, 7)->name, "*");
	ck_assert_int_eq(rules_get(rs, 8)->action, RULES_STOP);
	ck_assert_int_eq(rules_get(rs, 9)->action, RULES_REMOVE);
	ck_assert_str_eq(rules_get(rs, 9)->action_word, "remove");
	rules_unref(rs);
}
END_TEST

START_TEST(native_pattern_sees_the_value_only)
{
	struct ruleset *rs = load("remove Subject /^ secret$/\n"
	                          "remove Subject /^Subject:/\n");
	char *s;

	ck_assert_int_eq(first_match(rs, "Subject: secret"), 0);
	ck_assert_int_eq(first_match(rs, "Subject: other"), -1);
	rules_unref(rs);
	rs = load("replace Subject /^\\s*(\\w+)/ with \"[$1]\"\n");
	s = expand(rs, 0, "Subject: hello world");
	ck_assert_str_eq(s, "[hello]");
	free(s);
	rules_unref(rs);
}
END_TEST

START_TEST(native_pattern_flags_as_in_pcre_table)
{
	struct ruleset *rs = load("remove X-A /abc/\n"
	                          "remove X-B /abc/i\n"
	                          "remove X-C /a.c/\n"
	                          "remove X-D /a.c/s\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_int_eq(first_match(rs, "X-A: ABC"), 0);
	ck_assert_int_eq(first_match(rs, "X-B: ABC"), -1);
	ck_assert_int_eq(first_match(rs, "X-C: a\nc"), 2);
	ck_assert_int_eq(first_match(rs, "X-D: a\nc"), -1);
	rules_unref(rs);
}
END_TEST

START_TEST(native_text_escapes)
{
	struct ruleset *rs =
	    load("replace X-A with \"say \\\"hi\\\" \\\\ \\n $$\"\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(
	    template_source(rules_get(rs, 0)->text), "say \"hi\" \\ \\n $$");
	rules_unref(rs);
}
END_TEST

START_TEST(native_options_parse)
{
	struct ruleset *rs =
	    load("redact Received /x/ continue\n"
	         "remove X-A log-only\n"
	         "replace X-B with \"y\" force continue log-only\n"
	         "remove X-C when tls force\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	ck_assert_uint_eq(rules_get(rs, 0)->flags, RULES_F_CONTINUE);
	ck_assert_uint_eq(rules_get(rs, 1)->flags, RULES_F_LOGONLY);
	ck_assert_uint_eq(rules_get(rs, 2)->flags,
	    RULES_F_FORCE | RULES_F_CONTINUE | RULES_F_LOGONLY);
	ck_assert_uint_eq(rules_get(rs, 3)->flags, RULES_F_FORCE);
	ck_assert_int_eq(rules_get(rs, 3)->when->kind, MATCH_C_TLS);
	rules_unref(rs);
}
END_TEST

START_TEST(native_condition_tree)
{
	struct ruleset *rs =
	    load("remove X-A when authenticated or local and not tls\n"
	         "remove X-B when (authenticated or local) and not (tls)\n"
	         "remove X-C when not not local\n");
	const struct match_cond *c;

	ck_assert_ptr_nonnull(rs);
	/* and binds tighter than or. */
	c = rules_get(rs, 0)->when;
	ck_assert_int_eq(c->kind, MATCH_C_OR);
	ck_assert_int_eq(c->a->kind, MATCH_C_AUTHENTICATED);
	ck_assert_int_eq(c->b->kind, MATCH_C_AND);
	ck_assert_int_eq(c->b->a->kind, MATCH_C_LOCAL);
	ck_assert_int_eq(c->b->b->kind, MATCH_C_NOT);
	ck_assert_int_eq(c->b->b->a->kind, MATCH_C_TLS);
	c = rules_get(rs, 1)->when;
	ck_assert_int_eq(c->kind, MATCH_C_AND);
	ck_assert_int_eq(c->a->kind, MATCH_C_OR);
	ck_assert_int_eq(c->b->kind, MATCH_C_NOT);
	c = rules_get(rs, 2)->when;
	ck_assert_int_eq(c->kind, MATCH_C_NOT);
	ck_assert_int_eq(c->a->kind, MATCH_C_NOT);
	ck_assert_int_eq(c->a->a->kind, MATCH_C_LOCAL);
	rules_unref(rs);
}
END_TEST

START_TEST(native_condition_lists)
{
	struct ruleset *rs =
	    load("remove X-A when service submission,smtps\n"
	         "remove X-B when port 587, 465\n"
	         "remove X-C when client 192.0.2.0/24,2001:db8::/32,10.1.2.3,"
	         "[::1]\n"
	         "remove X-D when login alice,bob\n"
	         "remove X-E when login /^adm/\n"
	         "remove X-F when sender-domain Example.ORG,.example.net\n");
	const struct match_cond *c;
	char buf[64];

	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(diagtext, "");
	c = rules_get(rs, 0)->when;
	ck_assert_int_eq(c->kind, MATCH_C_SERVICE);
	ck_assert_uint_eq(c->nnames, 2);
	ck_assert_str_eq(c->names[0], "submission");
	ck_assert_str_eq(c->names[1], "smtps");
	c = rules_get(rs, 1)->when;
	ck_assert_int_eq(c->kind, MATCH_C_PORT);
	ck_assert_uint_eq(c->nnames, 2);
	ck_assert_str_eq(c->names[1], "465");
	c = rules_get(rs, 2)->when;
	ck_assert_int_eq(c->kind, MATCH_C_CLIENT);
	ck_assert_uint_eq(c->ncidrs, 4);
	ck_assert_int_eq(c->cidrs[0].family, AF_INET);
	ck_assert_uint_eq(c->cidrs[0].prefix, 24);
	inet_ntop(AF_INET, c->cidrs[0].addr, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.0.2.0");
	ck_assert_int_eq(c->cidrs[1].family, AF_INET6);
	ck_assert_uint_eq(c->cidrs[1].prefix, 32);
	ck_assert_uint_eq(c->cidrs[2].prefix, 32);
	ck_assert_int_eq(c->cidrs[3].family, AF_INET6);
	ck_assert_uint_eq(c->cidrs[3].prefix, 128);
	c = rules_get(rs, 3)->when;
	ck_assert_int_eq(c->kind, MATCH_C_LOGIN);
	ck_assert_uint_eq(c->nnames, 2);
	ck_assert_ptr_null(c->re);
	c = rules_get(rs, 4)->when;
	ck_assert_int_eq(c->kind, MATCH_C_LOGIN);
	ck_assert_ptr_nonnull(c->re);
	c = rules_get(rs, 5)->when;
	ck_assert_int_eq(c->kind, MATCH_C_SENDER_DOMAIN);
	ck_assert_str_eq(c->names[0], "example.org");
	ck_assert_str_eq(c->names[1], ".example.net");
	rules_unref(rs);
}
END_TEST

START_TEST(native_rule_condition_gates_match)
{
	struct ruleset *rs =
	    load("remove Received /from/ when authenticated\n"
	         "remove Received /from/ when not authenticated\n");
	struct pm_session s;

	session_init(&s);
	ck_assert_int_eq(first_match_sess(rs, "Received: from x", &s), 1);
	session_set_macro(&s, "{auth_authen}", "alice");
	ck_assert_int_eq(first_match_sess(rs, "Received: from x", &s), 0);
	ck_assert_int_eq(first_match_sess(rs, "Received: by x", &s), -1);
	session_free(&s);
	rules_unref(rs);
}
END_TEST

START_TEST(native_rule_inside_if_gets_guards)
{
	struct ruleset *rs = load("if /^Received:.*Authenticated sender/\n"
	                          "redact * /from \\S+/ with \"from hidden\"\n"
	                          "endif\n");

	ck_assert_ptr_nonnull(rs);
	ck_assert_uint_eq(rules_get(rs, 0)->nguards, 1);
	ck_assert_str_eq(rules_get(rs, 0)->header, "received");
	ck_assert_int_eq(first_match(rs,
	                     "Received: from a (Authenticated "
	                     "sender: x)"),
	    0);
	ck_assert_int_eq(first_match(rs, "Received: from a by b"), -1);
	rules_unref(rs);
}
END_TEST

START_TEST(native_and_header_checks_mix)
{
	struct ruleset *rs = load("/^User-Agent:/ IGNORE\n"
	                          "remove X-Mailer\n"
	                          "/^X-Mailer:/ WARN never reached\n");

	ck_assert_int_eq(first_match(rs, "X-Mailer: foo"), 1);
	ck_assert_int_eq(first_match(rs, "User-Agent: foo"), 0);
	rules_unref(rs);
}
END_TEST

START_TEST(native_errors)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
	    {"delete X-A\n",
	        "t.rules:1: unknown action \"delete\" "
	        "(expected remove, replace, redact, pseudonymize, add, log, "
	        "keep or utc; or a header_checks line: /pattern/ ACTION) "
	        "(column 1)"},
	    {"remove\n",
	        "t.rules:1: expected a header name or \"*\" after "
	        "\"remove\" but found the end of the line (column 7)"},
	    {"remove Subject: /x/\n",
	        "t.rules:1: bad header name "
	        "\"Subject:\" (printable characters without \":\", or \"*\" "
	        "for any header) (column 8)"},
	    {"replace X-A\n",
	        "t.rules:1: \"replace\" needs a text: "
	        "replace HEADER [/pattern/] with \"TEXT\""},
	    {"replace X-A /a/\n",
	        "t.rules:1: \"replace\" needs a text: "
	        "replace HEADER [/pattern/] with \"TEXT\""},
	    {"redact X-A with \"x\"\n",
	        "t.rules:1: \"redact\" needs a "
	        "pattern or \"find\": redact HEADER /pattern/ [with \"TEXT\"], "
	        "or redact HEADER find KIND [with \"TEXT\"]"},
	    {"pseudonymize X-A\n",
	        "t.rules:1: \"pseudonymize\" needs a "
	        "pattern or \"find\": pseudonymize HEADER /pattern/, or "
	        "pseudonymize HEADER find KIND"},
	    {"redact * find session, adress\n",
	        "t.rules:1: unknown kind \"adress\" after \"find\" (expected "
	        "session, client-address, client-name, helo, login, address, "
	        "local-host, private-host, dynamic-host, account or product) "
	        "(column 24)"},
	    {"redact * find\n",
	        "t.rules:1: expected what to find after \"find\" (e.g. find "
	        "session, address) but found the end of the line (column 14)"},
	    {"replace X-A find session with \"x\"\n",
	        "t.rules:1: \"replace\" takes no \"find\": use redact HEADERS "
	        "find KIND with \"TEXT\" (column 13)"},
	    {"add X-A find login with \"x\"\n",
	        "t.rules:1: \"add\" takes no \"find\": add HEADER with "
	        "\"TEXT\" (column 9)"},
	    {"add X-A, X-B with \"x\"\n",
	        "t.rules:1: \"add\" needs one header name, not \"X-A, X-B\""},
	    {"remove X-A,,X-B\n",
	        "t.rules:1: empty element in a list of header names (column "
	        "12)"},
	    {"remove X-A: /a/\n",
	        "t.rules:1: bad header name \"X-A:\" (printable characters "
	        "without \":\", or \"*\" for any header) (column 8)"},
	    {"redact * find address except\n",
	        "t.rules:1: expected header names after \"except\" but found "
	        "the end of the line (column 29)"},
	    {"keep-networks 10.0.0.1/8\n",
	        "t.rules:1: bad network \"10.0.0.1/8\" after keep-networks: "
	        "address has bits set beyond the prefix length /8 (did you "
	        "mean 10.0.0.0/8?) (column 15)"},
	    {"keep-networks\n",
	        "t.rules:1: expected networks after \"keep-networks\" (e.g. "
	        "keep-networks 192.0.2.0/24, 2001:db8::/32) but found the end "
	        "of the line (column 14)"},
	    {"keep-networks 10.0.0.0/8 x\n",
	        "t.rules:1: expected a comma and a network or the end of the "
	        "line but found \"x\" (column 26)"},
	    {"pseudonymize X-A /a/ with \"x\"\n",
	        "t.rules:1: "
	        "\"pseudonymize\" takes no text: every match becomes a "
	        "pseudonym (column 27)"},
	    {"add X-A /a/ with \"x\"\n",
	        "t.rules:1: \"add\" takes no "
	        "pattern: add HEADER with \"TEXT\" (column 9)"},
	    {"add * with \"x\"\n",
	        "t.rules:1: \"add\" needs one header "
	        "name, not \"*\""},
	    {"add X-A\n",
	        "t.rules:1: \"add\" needs a text: add HEADER with "
	        "\"TEXT\""},
	    {"if /^A:/\nadd X-A with \"x\"\nendif\n",
	        "t.rules:2: \"add\" "
	        "cannot be used inside if ... endif: it runs once per "
	        "message, not per header"},
	    {"remove X-A with \"x\"\n",
	        "t.rules:1: \"remove\" takes no "
	        "text (\"with\") (column 17)"},
	    {"keep X-A with \"x\"\n",
	        "t.rules:1: \"keep\" takes no text "
	        "(\"with\") (column 15)"},
	    {"log X-A with \"x\"\n",
	        "t.rules:1: \"log\" takes no text "
	        "(\"with\") (column 14)"},
	    {"replace X-A with x\n",
	        "t.rules:1: expected a double-quoted "
	        "text after \"with\" but found \"x\" (column 18)"},
	    {"replace X-A with \"abc\n",
	        "t.rules:1: unterminated text: "
	        "missing closing '\"' (column 18)"},
	    {"replace X-A with \"$1\"\n",
	        "t.rules:1: \"$1\" needs a "
	        "pattern with capture groups (column 18)"},
	    {"replace X-A /(a)/ with \"$2\"\n",
	        "t.rules:1: \"$2\" refers "
	        "to a capture group the pattern does not have (it has 1) "
	        "(column 24)"},
	    {"replace X-A /a/ with \"$x\"\n",
	        "t.rules:1: \"$x\" is not a "
	        "capture number (use $1..$9 or ${n}; $$ for a literal $) "
	        "(column 22)"},
	    {"remove X-A /a\n",
	        "t.rules:1: unterminated pattern: no "
	        "closing \"/\" (column 12)"},
	    {"remove X-A /a/q\n",
	        "t.rules:1: unknown pattern flag \"q\" "
	        "(valid flags: i m s x A E U) (column 15)"},
	    {"remove X-A /(/\n",
	        "t.rules:1: bad pattern: missing closing "
	        "parenthesis (column 14)"},
	    {"remove X-A now\n",
	        "t.rules:1: unknown option \"now\" "
	        "(expected with \"TEXT\", except HEADERS, when CONDITION, "
	        "name NAME, continue, log-only or force) (column 12)"},
	    {"remove X-A when tls now\n",
	        "t.rules:1: unknown option "
	        "\"now\" (expected with \"TEXT\", except HEADERS, name NAME, "
	        "continue, log-only or force) (column 21)"},
	    {"remove X-A when\n",
	        "t.rules:1: bad condition: expected "
	        "authenticated, local, tls, forwarded, submitted, service, "
	        "port, client, login, "
	        "sender-domain, \"not\" or \"(\" but found the end of the line "
	        "(column 16)"},
	    {"remove X-A when tls and\n",
	        "t.rules:1: bad condition: "
	        "expected authenticated, local, tls, forwarded, submitted, "
	        "service, port, client, "
	        "login, sender-domain, \"not\" or \"(\" but found the end of "
	        "the line (column 24)"},
	    {"remove X-A when authenticaded\n",
	        "t.rules:1: bad condition: "
	        "expected authenticated, local, tls, forwarded, submitted, "
	        "service, port, client, "
	        "login, sender-domain, \"not\" or \"(\" but found "
	        "\"authenticaded\" (column 17)"},
	    {"remove X-A when (tls or local\n",
	        "t.rules:1: bad condition: "
	        "expected \")\" but found the end of the line (column 30)"},
	    {"remove X-A when tls)\n",
	        "t.rules:1: bad condition: \")\" "
	        "without a matching \"(\" (column 20)"},
	    {"remove X-A when service\n",
	        "t.rules:1: bad condition: "
	        "expected a list after \"service\" (e.g. service submission) "
	        "but found the end of the line (column 24)"},
	    {"remove X-A when port 587,,465\n",
	        "t.rules:1: bad condition: "
	        "empty element in the list after \"port\" (column 26)"},
	    {"remove X-A when port 70000\n",
	        "t.rules:1: bad condition: "
	        "port \"70000\" is not a number from 0 to 65535 (column 22)"},
	    {"remove X-A when client 10.0.0.0/33\n",
	        "t.rules:1: bad CIDR "
	        "\"10.0.0.0/33\": prefix length \"33\" must be a number from "
	        "0 to 32 (column 24)"},
	    {"remove X-A when client 2001:db8::/129\n",
	        "t.rules:1: bad "
	        "CIDR \"2001:db8::/129\": prefix length \"129\" must be a "
	        "number from 0 to 128 (column 24)"},
	    {"remove X-A when client 10.0.0.1/8\n",
	        "t.rules:1: bad CIDR "
	        "\"10.0.0.1/8\": address has bits set beyond the prefix "
	        "length /8 (did you mean 10.0.0.0/8?) (column 24)"},
	    {"remove X-A when client 2001:db8::1/64\n",
	        "t.rules:1: bad "
	        "CIDR \"2001:db8::1/64\": address has bits set beyond the "
	        "prefix length /64 (did you mean 2001:db8::/64?) (column 24)"},
	    {"remove X-A when client example.org\n",
	        "t.rules:1: bad CIDR "
	        "\"example.org\": \"example.org\" is not an IPv4 or IPv6 "
	        "address (column 24)"},
	    {"remove X-A when client 10.0.0.0/\n",
	        "t.rules:1: bad CIDR "
	        "\"10.0.0.0/\": prefix length \"\" must be a number from 0 "
	        "to 32 (column 24)"},
	    {"remove X-A when login /(/\n",
	        "t.rules:1: bad pattern: "
	        "missing closing parenthesis (column 25)"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_msg(
		    load(cases[i].text) == NULL, "%s loaded", cases[i].text);
		ck_assert_msg(strcmp(diagtext, cases[i].error) == 0,
		    "%s:\n got: %s\nwant: %s", cases[i].text, diagtext,
		    cases[i].error);
	}
}
END_TEST

/* ident_of - the identity of rule seq of text loaded as file name */
static uint64_t
ident_of(const char *name, const char *text, unsigned seq)
{
	struct rules_options o = {0};
	struct ruleset *rs;
	uint64_t id;

	rs = rules_load_string(name, text, strlen(text), &o, NULL);
	ck_assert_ptr_nonnull(rs);
	ck_assert_ptr_nonnull(rules_get(rs, seq));
	id = rules_get(rs, seq)->ident;
	rules_unref(rs);
	return (id);
}

START_TEST(identity_follows_a_moved_rule)
{
	const char *a = "remove User-Agent when submitted\n";
	const char *b = "# a comment\nremove X-Mailer\n\n"
	                "remove   User-Agent\n  when submitted\n";
	uint64_t id = ident_of("/etc/a/default.rules", a, 0);

	ck_assert_uint_ne(id, 0);
	/* Lines added above, white space, continuation, directory. */
	ck_assert_uint_eq(ident_of("/srv/b/default.rules", b, 1), id);
	ck_assert_uint_eq(ident_of("default.rules", a, 0), id);
	/* Another file name or another text: another rule. */
	ck_assert_uint_ne(ident_of("/etc/a/other.rules", a, 0), id);
	ck_assert_uint_ne(ident_of("default.rules",
	                      "remove User-Agent when authenticated\n", 0),
	    id);
	/* A header_checks line has one too. */
	ck_assert_uint_ne(ident_of("t.rules", "/^X-A:/ IGNORE\n", 0), 0);
}
END_TEST

START_TEST(identity_of_copies_adds_their_rank)
{
	const char *one = "remove X-A\n";
	const char *two = "remove X-A\nremove X-B\nremove  X-A\n";
	uint64_t id = ident_of("t.rules", one, 0);

	/* The first copy keeps the identity; the second gets its own. */
	ck_assert_uint_eq(ident_of("t.rules", two, 0), id);
	ck_assert_uint_ne(ident_of("t.rules", two, 2), id);
	ck_assert_uint_ne(ident_of("t.rules", two, 2), 0);
}
END_TEST

START_TEST(identity_of_a_named_rule_is_its_name)
{
	struct ruleset *rs;
	uint64_t id;

	id = ident_of("a.rules", "remove X-A name scrub-a\n", 0);
	ck_assert_uint_eq(
	    ident_of("b.rules", "remove X-B\nredact X-A /x/ name scrub-a\n", 1),
	    id);
	ck_assert_uint_ne(ident_of("a.rules", "remove X-A\n", 0), id);
	rs = load("remove X-A name ua.1_x continue\n");
	ck_assert_ptr_nonnull(rs);
	ck_assert_str_eq(rules_get(rs, 0)->label, "ua.1_x");
	ck_assert_uint_eq(rules_get(rs, 0)->flags, RULES_F_CONTINUE);
	rules_unref(rs);
	rs = load("remove X-A\n");
	ck_assert_ptr_null(rules_get(rs, 0)->label);
	rules_unref(rs);
}
END_TEST

START_TEST(error_rule_names)
{
	ck_assert_str_eq(load_error("remove X-A name a\nremove X-B name a\n"),
	    "t.rules:2: rule name \"a\" is already used at t.rules:1");
	ck_assert_str_eq(load_error("remove X-A name\n"),
	    "t.rules:1: expected a rule name after \"name\" but found the end "
	    "of the line (column 16)");
	ck_assert_str_eq(load_error("remove X-A name 1a\n"),
	    "t.rules:1: bad rule name \"1a\": letters, digits, '-', '_' and "
	    "'.', starting with a letter, at most 64 bytes (column 17)");
	ck_assert_str_eq(load_error("remove X-A name a/b\n"),
	    "t.rules:1: bad rule name \"a/b\": letters, digits, '-', '_' and "
	    "'.', starting with a letter, at most 64 bytes (column 17)");
	ck_assert_str_eq(load_error("remove X-A name a name b\n"),
	    "t.rules:1: unknown option \"name\" (expected with \"TEXT\", "
	    "except HEADERS, when CONDITION, continue, log-only or force) "
	    "(column 19)");
}
END_TEST

/* rules_suite - all tests */
static Suite *
rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *hc = tcase_create("header_checks");
	TCase *er = tcase_create("errors");
	TCase *di = tcase_create("dispatch");
	TCase *mi = tcase_create("misc");
	TCase *na = tcase_create("native");

	tcase_add_test(hc, seed_lines_load_and_match_the_right_headers);
	tcase_add_test(hc, first_match_wins);
	tcase_add_test(hc, actions_map_to_rule_actions_case_insensitively);
	tcase_add_test(hc, comments_blank_lines_and_continuations);
	tcase_add_test(hc, indented_first_line_is_ignored_with_warning);
	tcase_add_test(hc, pattern_sees_folded_lines_with_newlines);
	tcase_add_test(hc, flag_defaults_caseless_and_dotall);
	tcase_add_test(hc, flag_i_toggles_case_sensitivity);
	tcase_add_test(hc, flag_s_toggles_dotall);
	tcase_add_test(hc, flag_m_toggles_multiline);
	tcase_add_test(hc, flag_x_toggles_extended);
	tcase_add_test(hc, flag_A_toggles_anchored);
	tcase_add_test(hc, flag_E_toggles_dollar_endonly);
	tcase_add_test(hc, flag_U_toggles_ungreedy);
	tcase_add_test(hc, flag_X_is_ignored_with_warning);
	tcase_add_test(hc, any_delimiter_and_escaped_delimiter);
	tcase_add_test(hc, negated_pattern_matches_when_pattern_does_not);
	tcase_add_test(hc, double_negation_cancels);
	tcase_add_test(hc, if_endif_guards_rules);
	tcase_add_test(hc, if_negated_and_nested);
	tcase_add_test(hc, replace_expands_captures);
	tcase_add_test(hc, unset_capture_expands_to_nothing);
	tcase_add_test(hc, unusable_actions_are_skipped_with_warning);
	tcase_add_test(hc, unusable_action_is_error_when_strict);
	tcase_add_test(hc, text_after_ignore_is_warned_about);
	suite_add_tcase(s, hc);

	tcase_add_test(er, error_unterminated_pattern);
	tcase_add_test(er, error_bad_flag_names_the_letter);
	tcase_add_test(er, error_pcre2_compile_with_column);
	tcase_add_test(er, error_missing_action);
	tcase_add_test(er, error_missing_text_for_replace_and_prepend);
	tcase_add_test(er, error_unknown_action_lists_valid_ones);
	tcase_add_test(er, error_reference_to_missing_capture);
	tcase_add_test(er, error_bad_reference_syntax);
	tcase_add_test(er, error_reference_in_negated_pattern);
	tcase_add_test(er, error_missing_or_bad_pattern);
	tcase_add_test(er, error_nul_byte_in_line);
	tcase_add_test(er, text_after_endif_is_warned_about);
	tcase_add_test(er, error_endif_without_if);
	tcase_add_test(er, error_missing_endif_names_the_if);
	tcase_add_test(er, error_indented_rule_after_if);
	tcase_add_test(er, error_cannot_open_file);
	tcase_add_test(er, all_errors_of_a_file_are_reported);
	tcase_add_test(er, errors_are_capped_per_file);
	tcase_add_test(er, warnings_are_capped_per_file);
	suite_add_tcase(s, er);

	tcase_add_test(di, dispatch_names_from_patterns);
	tcase_add_test(di, dispatch_name_from_enclosing_if);
	tcase_add_test(di, dispatch_lists_in_evaluation_order);
	tcase_add_test(di, dispatch_scales_to_many_names);
	suite_add_tcase(s, di);

	tcase_add_test(na, native_actions_parse);
	tcase_add_test(na, native_pattern_sees_the_value_only);
	tcase_add_test(na, native_pattern_flags_as_in_pcre_table);
	tcase_add_test(na, native_text_escapes);
	tcase_add_test(na, native_options_parse);
	tcase_add_test(na, native_condition_tree);
	tcase_add_test(na, native_condition_lists);
	tcase_add_test(na, native_rule_condition_gates_match);
	tcase_add_test(na, native_rule_inside_if_gets_guards);
	tcase_add_test(na, native_and_header_checks_mix);
	tcase_add_test(na, native_errors);
	suite_add_tcase(s, na);

	tcase_add_test(mi, match_limit_hit_returns_error_with_file_line);
	tcase_add_test(mi, depth_limit_hit_returns_error_with_file_line);
	tcase_add_test(mi, jit_stack_overflow_falls_back_to_interpreter);
	tcase_add_test(mi, invalid_utf8_in_header_is_matched_bytewise);
	tcase_add_test(mi, refcount_and_unref_null);
	tcase_add_test(mi, several_files_continue_seqs);
	tcase_add_test(mi, error_static_replace_text_must_be_a_header_line);
	tcase_add_test(mi, static_header_line_and_refs_text_load);
	tcase_add_test(mi, identity_follows_a_moved_rule);
	tcase_add_test(mi, identity_of_copies_adds_their_rank);
	tcase_add_test(mi, identity_of_a_named_rule_is_its_name);
	tcase_add_test(mi, error_rule_names);
	suite_add_tcase(s, mi);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(rules_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
