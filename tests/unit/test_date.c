/*++
/* NAME
/*	test_date 1
/* SUMMARY
/*	unit tests of milter/date.c
/* SYNOPSIS
/*	tests/unit/test_date
/* DESCRIPTION
/*	Dates as mail clients write them, to UTC; the obsolete forms of
/*	RFC 5322 section 4.3; what is not a date is left alone.
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

/* utc - date_to_utc() of v as a string, or "(none)" */
static char *
utc(const char *v)
{
	static char buf[256];
	struct pm_buf b = PM_BUF_INIT;
	int rc = date_to_utc(v, strlen(v), &b);

	ck_assert_int_ge(rc, 0);
	snprintf(buf, sizeof(buf), "%s", rc == 1 ? b.s : "(none)");
	pm_buf_free(&b);
	return (buf);
}

START_TEST(client_dates_to_utc)
{
	ck_assert_str_eq(utc(" Mon, 23 Nov 2026 14:31:05 +0100"),
	    " Mon, 23 Nov 2026 13:31:05 +0000");
	ck_assert_str_eq(utc(" Mon, 23 Nov 2026 14:31:05 +0100 (CET)"),
	    " Mon, 23 Nov 2026 13:31:05 +0000");
	ck_assert_str_eq(utc(" 23 Nov 2026 20:05 -0800"),
	    " Tue, 24 Nov 2026 04:05:00 +0000");
	ck_assert_str_eq(utc(" Thu, 1 Jan 2026 00:30:00 +0530"),
	    " Wed, 31 Dec 2025 19:00:00 +0000");
	ck_assert_str_eq(utc(" Sat, 29 Feb 2028 23:59:59 -0001"),
	    " Wed, 1 Mar 2028 00:00:59 +0000");
	ck_assert_str_eq(utc(" Mon, 23 Nov 2026 13:31:05 +0000"),
	    " Mon, 23 Nov 2026 13:31:05 +0000");
}
END_TEST

START_TEST(obsolete_forms)
{
	ck_assert_str_eq(utc(" Mon, 23 Nov 26 14:31 EST"),
	    " Mon, 23 Nov 2026 19:31:00 +0000");
	ck_assert_str_eq(
	    utc(" 23 Nov 99 14:31:00 GMT"), " Tue, 23 Nov 1999 14:31:00 +0000");
	ck_assert_str_eq(utc(" Mon , 23 (x) Nov 2026 14 : 31 : 05 PDT"),
	    " Mon, 23 Nov 2026 21:31:05 +0000");
	ck_assert_str_eq(
	    utc(" 23 Nov 2026 14:31:05 A"), " Mon, 23 Nov 2026 14:31:05 +0000");
}
END_TEST

START_TEST(not_a_date_is_left_alone)
{
	ck_assert_str_eq(utc(" yesterday"), "(none)");
	ck_assert_str_eq(utc(" 32 Nov 2026 14:31:05 +0100"), "(none)");
	ck_assert_str_eq(utc(" 23 Nov 2026 24:31:05 +0100"), "(none)");
	ck_assert_str_eq(utc(" 23 Nov 2026 14:31:05 +01"), "(none)");
	ck_assert_str_eq(utc(" 23 Nov 2026 14:31:05 +0100 trailing"), "(none)");
	ck_assert_str_eq(utc(" 23 Nov 2026 14:31:05"), "(none)");
	ck_assert_str_eq(utc(""), "(none)");
}
END_TEST

/* date_suite - all tests */
static Suite *
date_suite(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, client_dates_to_utc);
	tcase_add_test(tc, obsolete_forms);
	tcase_add_test(tc, not_a_date_is_left_alone);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(date_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
