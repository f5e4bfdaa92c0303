/*++
/* NAME
/*	test_fold 1
/* SUMMARY
/*	unit tests of milter/fold.c
/* SYNOPSIS
/*	tests/unit/test_fold
/* DESCRIPTION
/*	The CR/LF/NUL rule of fold_scrub() and fold_value(), blank and
/*	white-space-only lines, hard breaks of long tokens (never inside a
/*	UTF-8 sequence) and absurd indentation. How the engine uses them
/*	(captures, replacement texts, long values) is in test_engine.c.
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "unit.h"

START_TEST(safe_value_removes_nul_cr_lf)
{
	static const char in[] = " a\0b\r\nc\rd\n";
	struct pm_buf b = PM_BUF_INIT;

	ck_assert_int_eq(fold_value(1, in, sizeof(in) - 1, &b), 0);
	ck_assert_uint_eq(b.len, strlen(b.s));
	ck_assert_str_eq(b.s, " a b  c d");
	pm_buf_reset(&b);
	ck_assert_int_eq(fold_value(1, " a\r\n\tb\n c", 9, &b), 0);
	ck_assert_str_eq(b.s, " a\n\tb\n c");
	pm_buf_free(&b);
}
END_TEST

START_TEST(safe_value_never_leaves_blank_lines)
{
	struct pm_buf b = PM_BUF_INIT;
	const char *in = " \n\t\n\tfoo  \n\t \n\tbar ";

	ck_assert_int_eq(fold_value(7, in, strlen(in), &b), 0);
	ck_assert_str_eq(b.s, " foo\n\tbar");
	pm_buf_reset(&b);
	ck_assert_int_eq(fold_value(7, " \n\t ", 4, &b), 0);
	ck_assert_str_eq(b.s, " ");
	pm_buf_reset(&b);
	ck_assert_int_eq(fold_value(7, "", 0, &b), 0);
	ck_assert_str_eq(b.s, " ");
	pm_buf_reset(&b);
	ck_assert_int_eq(fold_value(7, "x", 1, &b), 0);
	ck_assert_str_eq(b.s, "x");
	pm_buf_free(&b);
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
	ck_assert_int_eq(fold_value(7, in.s, in.len, &b), 0);
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
	ck_assert_int_eq(fold_value(7, in.s, in.len, &b), 0);
	pm_buf_reset(&in);
	pm_buf_printf(&in, " short\n\t%s\n\ttail", x);
	ck_assert_str_eq(b.s, in.s);

	/* UTF-8 sequences are not split by a hard break. */
	pm_buf_reset(&in);
	pm_buf_reset(&b);
	pm_buf_puts(&in, " ");
	for (i = 0; i < 600; i++)
		pm_buf_puts(&in, "\xc3\xa9"); /* e acute */
	ck_assert_int_eq(fold_value(7, in.s, in.len, &b), 0);
	check_lines(7, b.s, 998);
	ck_assert_uint_eq(strcspn(b.s, "\n"), 989); /* 1 + 494 * 2 */
	pm_buf_free(&in);
	pm_buf_free(&b);
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
	ck_assert_int_eq(fold_value(1, in.s, in.len, &b), 0);
	ck_assert_uint_eq(check_lines(1, b.s, 998), 3);
	ck_assert_int_eq(strncmp(b.s, " a\n xx", 6), 0);
	pm_buf_free(&in);
	pm_buf_free(&b);
}
END_TEST

START_TEST(scrub_keeps_a_fold_with_text_on_both_sides)
{
	struct pm_buf b = PM_BUF_INIT;

	pm_buf_puts(&b, "pre a\r\n\tb");
	fold_scrub(&b, 4);
	ck_assert_str_eq(b.s, "pre a\n\tb");
	pm_buf_reset(&b);
	pm_buf_puts(&b, "x\n\ty\n");
	fold_scrub(&b, 0);
	ck_assert_str_eq(b.s, "x\n\ty ");
	pm_buf_free(&b);
}
END_TEST

START_TEST(scrub_turns_other_breaks_into_spaces)
{
	static const char in[] = "a\nb\rc\0d\n\t\ne";
	struct pm_buf b = PM_BUF_INIT;

	pm_buf_append(&b, in, sizeof(in) - 1);
	fold_scrub(&b, 0);
	ck_assert_uint_eq(b.len, sizeof(in) - 1);
	ck_assert_int_eq(memcmp(b.s, "a b c d \t e", b.len), 0);
	pm_buf_reset(&b);
	pm_buf_puts(&b, "\n\tx");
	fold_scrub(&b, 0);
	ck_assert_str_eq(b.s, " \tx");
	pm_buf_free(&b);
}
END_TEST

/* fold_suite - all tests */
static Suite *
fold_suite(void)
{
	Suite *s = suite_create("fold");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, safe_value_removes_nul_cr_lf);
	tcase_add_test(tc, safe_value_never_leaves_blank_lines);
	tcase_add_test(tc, long_token_split_only_beyond_998);
	tcase_add_test(tc, absurd_indentation_leaves_no_blank_line);
	tcase_add_test(tc, scrub_keeps_a_fold_with_text_on_both_sides);
	tcase_add_test(tc, scrub_turns_other_breaks_into_spaces);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(fold_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
