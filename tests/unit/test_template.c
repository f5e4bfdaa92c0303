/*++
/* NAME
/*	test_template 1
/* SUMMARY
/*	unit tests of milter/template.c
/* SYNOPSIS
/*	tests/unit/test_template
/* DESCRIPTION
/*	The $n syntax ($n, ${n}, $(n), $$) parsed once: what is refused and
/*	why, the largest reference, and expansion with set, unset and
/*	missing captures. Templates in rules are tested in test_rules.c.
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

/* parse_ok - a template that must parse */
static struct template_text *
parse_ok(const char *text)
{
	struct template_text *t;
	char why[300];

	ck_assert_msg(
	    template_parse(text, &t, why, sizeof(why)) == 0, "%s", why);
	return (t);
}

/* refused - why a text is refused */
static const char *
refused(const char *text)
{
	static char why[300];
	struct template_text *t = (void *)1;

	ck_assert_int_eq(template_parse(text, &t, why, sizeof(why)), -1);
	ck_assert_ptr_null(t);
	return (why);
}

/* expand - text expanded with captures (pairs) over subject */
static char *
expand(const char *text, const char *subject, const PCRE2_SIZE *ov,
    uint32_t npairs)
{
	struct template_text *t = parse_ok(text);
	struct pm_buf out = PM_BUF_INIT;

	ck_assert_int_eq(template_expand(t, subject, ov, npairs, &out), 0);
	template_free(t);
	return (pm_buf_steal(&out));
}

START_TEST(expand_without_captures_copies_text)
{
	char *s = expand("a $1 b $$", "x", NULL, 0);

	ck_assert_str_eq(s, "a  b $");
	free(s);
}
END_TEST

START_TEST(every_reference_form_expands)
{
	/* "from host by mx": group 1 "host", group 2 "by mx". */
	static const PCRE2_SIZE ov[] = {0, 15, 5, 9, 10, 15};
	char *s = expand("[$2] ${1} $(1)$$ $$1 $(2)", "from host by mx", ov, 3);

	ck_assert_str_eq(s, "[by mx] host host$ $1 by mx");
	free(s);
}
END_TEST

START_TEST(unset_and_missing_captures_expand_to_nothing)
{
	static const PCRE2_SIZE ov[] = {0, 1, PCRE2_UNSET, PCRE2_UNSET, 0, 1};
	char *s = expand("[$1][$2][$3]", "b", ov, 3);

	ck_assert_str_eq(s, "[][b][]");
	free(s);
}
END_TEST

START_TEST(null_template_expands_to_empty)
{
	struct pm_buf out = PM_BUF_INIT;

	ck_assert_int_eq(template_expand(NULL, "x", NULL, 0, &out), 0);
	ck_assert_str_eq(out.s, "");
	pm_buf_free(&out);
}
END_TEST

START_TEST(source_and_max_ref)
{
	struct template_text *t = parse_ok("by [$1] ${12} $(3) $$9");

	ck_assert_str_eq(template_source(t), "by [$1] ${12} $(3) $$9");
	ck_assert_uint_eq(template_max_ref(t), 12);
	template_free(t);
	t = parse_ok("no references $$");
	ck_assert_uint_eq(template_max_ref(t), 0);
	template_free(t);
}
END_TEST

START_TEST(malformed_references_are_refused)
{
	ck_assert_str_eq(refused("a $x"),
	    "\"$x\" is not a capture number (use $1..$9 or ${n}; $$ for a literal $)");
	ck_assert_str_eq(refused("a ${}"),
	    "\"$\" without a capture number in the text (write $$ for a literal $)");
	ck_assert_str_eq(
	    refused("a $(1"), "missing \")\" after \"$(\" in the text");
	ck_assert_str_eq(
	    refused("a ${1"), "missing \"}\" after \"${\" in the text");
	ck_assert_str_eq(refused("a $"),
	    "\"$\" without a capture number in the text (write $$ for a literal $)");
	ck_assert_str_eq(
	    refused("$0"), "capture number \"0\" is out of range (1 to 99)");
	ck_assert_str_eq(refused("${100}"),
	    "capture number \"100\" is out of range (1 to 99)");
	ck_assert_str_eq(refused("$(1234)"),
	    "capture number \"1234\" is out of range (1 to 99)");
}
END_TEST

/* template_suite - all tests */
static Suite *
template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, expand_without_captures_copies_text);
	tcase_add_test(tc, every_reference_form_expands);
	tcase_add_test(tc, unset_and_missing_captures_expand_to_nothing);
	tcase_add_test(tc, null_template_expands_to_empty);
	tcase_add_test(tc, source_and_max_ref);
	tcase_add_test(tc, malformed_references_are_refused);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(template_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
