/*++
/* NAME
/*	test_util 1
/* SUMMARY
/*	unit tests of milter/util.c
/* SYNOPSIS
/*	tests/unit/test_util
/* DESCRIPTION
/*	Error values, the diagnostic list and its rendering, and the
/*	growable string.
/*--*/
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "util.h"

START_TEST(field_name_is_printable_ascii_without_colon)
{
	ck_assert_int_eq(pm_field_name_ok("X-TLS-Info", 10), 1);
	ck_assert_int_eq(pm_field_name_ok("X-TLS-Info: v", 10), 1);
	ck_assert_int_eq(pm_field_name_ok("", 0), 0);
	ck_assert_int_eq(pm_field_name_ok("X:Y", 3), 0);
	ck_assert_int_eq(pm_field_name_ok("X Y", 3), 0);
	ck_assert_int_eq(pm_field_name_ok("X\177", 2), 0);
	ck_assert_int_eq(pm_field_name_ok("\303\244", 2), 0);
}
END_TEST

START_TEST(error_set_formats_and_truncates)
{
	struct pm_error e;
	char big[3000];

	pm_error_set(&e, "%s:%u: bad %s", "f.rules", 7u, "pattern");
	ck_assert_str_eq(e.text, "f.rules:7: bad pattern");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	pm_error_set(&e, "%s", big);
	ck_assert_uint_eq(strlen(e.text), sizeof(e.text) - 1);
	pm_error_set(NULL, "ignored");
}
END_TEST

START_TEST(error_cause_is_kept_and_set_means_internal)
{
	struct pm_error e;

	pm_error_cause(&e, PM_ERR_NOMEM, "out of %s", "memory");
	ck_assert_str_eq(e.text, "out of memory");
	ck_assert_int_eq(e.cause, PM_ERR_NOMEM);
	pm_error_cause(&e, PM_ERR_LIMIT, "limit");
	ck_assert_int_eq(e.cause, PM_ERR_LIMIT);
	pm_error_set(&e, "other");
	ck_assert_int_eq(e.cause, PM_ERR_INTERNAL);
	pm_error_cause(NULL, PM_ERR_NOMEM, "ignored");
}
END_TEST

START_TEST(hash_is_fnv1a_and_folds_case)
{
	/* FNV-1a 64 test vectors: "" and "a". */
	ck_assert_uint_eq(pm_hash("", 0, 0), 0xcbf29ce484222325ULL);
	ck_assert_uint_eq(pm_hash("a", 1, 0), 0xaf63dc4c8601ec8cULL);
	ck_assert_uint_eq(pm_hash("A", 1, 1), pm_hash("a", 1, 0));
	ck_assert_uint_ne(pm_hash("A", 1, 0), pm_hash("a", 1, 0));
	ck_assert_uint_eq(pm_hash_more(pm_hash("ab", 2, 0), "cd", 2, 0),
	    pm_hash("abcd", 4, 0));
}
END_TEST

START_TEST(diag_format_error_warning_column)
{
	struct pm_diags d = {NULL, 0, 0};
	char line[256];

	pm_diag_add(
	    &d, PM_ERROR, "a.rules", 3, 0, "unknown action \"%s\"", "zap");
	pm_diag_add(&d, PM_WARNING, "a.rules", 4, 0, "REJECT is skipped");
	pm_diag_add(&d, PM_ERROR, "a.rules", 5, 12, "missing delimiter");
	pm_diag_add(&d, PM_ERROR, "a.conf", 0, 0, "cannot open: %s",
	    "No such file or directory");
	pm_diag_add(&d, PM_WARNING, NULL, 0, 0, "no file at all");
	ck_assert_uint_eq(d.n, 5);
	pm_diag_format(&d.v[0], line, sizeof(line));
	ck_assert_str_eq(line, "a.rules:3: unknown action \"zap\"");
	pm_diag_format(&d.v[1], line, sizeof(line));
	ck_assert_str_eq(line, "a.rules:4: warning: REJECT is skipped");
	pm_diag_format(&d.v[2], line, sizeof(line));
	ck_assert_str_eq(line, "a.rules:5: missing delimiter (column 12)");
	pm_diag_format(&d.v[3], line, sizeof(line));
	ck_assert_str_eq(
	    line, "a.conf: cannot open: No such file or directory");
	pm_diag_format(&d.v[4], line, sizeof(line));
	ck_assert_str_eq(line, "warning: no file at all");
	ck_assert_uint_eq(pm_diags_errors(&d), 3);
	pm_diags_free(&d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_null(d.v);
	ck_assert_uint_eq(pm_diags_errors(&d), 0);
}
END_TEST

START_TEST(diag_format_truncates_to_buffer)
{
	struct pm_diags d = {NULL, 0, 0};
	char line[12];

	pm_diag_add(&d, PM_ERROR, "file.conf", 10, 0, "long message");
	pm_diag_format(&d.v[0], line, sizeof(line));
	ck_assert_str_eq(line, "file.conf:1");
	pm_diags_free(&d);
	pm_diag_add(NULL, PM_ERROR, "x", 1, 0, "ignored");
}
END_TEST

START_TEST(diag_format_escapes_control_bytes)
{
	struct pm_diags d = {NULL, 0, 0};
	char line[256], small[16];

	pm_diag_add(&d, PM_ERROR, "b\001.rules", 2, 8, "bad header name \"%s\"",
	    "X\001A");
	pm_diag_add(&d, PM_ERROR, "c.conf", 1, 0, "unknown key \"%s\"",
	    "Socket\033[2K\t\177\r\n");
	pm_diag_add(&d, PM_ERROR, NULL, 0, 0, "%s", "caf\303\251 ~");
	pm_diag_format(&d.v[0], line, sizeof(line));
	ck_assert_str_eq(
	    line, "b\\001.rules:2: bad header name \"X\\001A\" (column 8)");
	pm_diag_format(&d.v[1], line, sizeof(line));
	ck_assert_str_eq(line,
	    "c.conf:1: unknown key \"Socket\\033[2K\\011\\177\\015\\012\"");
	/* Bytes >= 0x80 (UTF-8) are kept. */
	pm_diag_format(&d.v[2], line, sizeof(line));
	ck_assert_str_eq(line, "caf\303\251 ~");
	/* An escape that does not fit is left out whole. */
	pm_diag_format(&d.v[0], small, sizeof(small));
	ck_assert_str_eq(small, "b\\001.rules:2: ");
	pm_diag_format(&d.v[0], small, 5);
	ck_assert_str_eq(small, "b");
	pm_diags_free(&d);
}
END_TEST

START_TEST(diags_grow_past_initial_capacity)
{
	struct pm_diags d = {NULL, 0, 0};
	char line[64];
	unsigned i;

	for (i = 1; i <= 100; i++)
		pm_diag_add(
		    &d, i % 2 ? PM_ERROR : PM_WARNING, "f", i, 0, "n%u", i);
	ck_assert_uint_eq(d.n, 100);
	ck_assert_uint_eq(pm_diags_errors(&d), 50);
	pm_diag_format(&d.v[99], line, sizeof(line));
	ck_assert_str_eq(line, "f:100: warning: n100");
	pm_diags_free(&d);
}
END_TEST

START_TEST(buf_appends_and_stays_terminated)
{
	struct pm_buf b = PM_BUF_INIT;
	char *s;
	int i;

	ck_assert_int_eq(pm_buf_puts(&b, "Subject:"), 0);
	ck_assert_int_eq(pm_buf_putc(&b, ' '), 0);
	ck_assert_int_eq(pm_buf_append(&b, "hello world", 5), 0);
	ck_assert_int_eq(pm_buf_printf(&b, " %d-%s", 42, "x"), 0);
	ck_assert_str_eq(b.s, "Subject: hello 42-x");
	ck_assert_uint_eq(b.len, 19);
	ck_assert_int_eq(pm_buf_append(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 22);
	ck_assert_int_eq(memcmp(b.s + 19, "a\0b", 4), 0);
	pm_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.s, "");
	for (i = 0; i < 10000; i++)
		ck_assert_int_eq(pm_buf_putc(&b, 'a' + i % 26), 0);
	ck_assert_uint_eq(b.len, 10000);
	ck_assert_uint_eq(strlen(b.s), 10000);
	ck_assert_int_eq(b.s[9999], 'a' + 9999 % 26);
	s = pm_buf_steal(&b);
	ck_assert_uint_eq(strlen(s), 10000);
	ck_assert_ptr_null(b.s);
	ck_assert_uint_eq(b.len, 0);
	free(s);
	pm_buf_free(&b);
}
END_TEST

START_TEST(buf_steal_of_empty_gives_empty_string)
{
	struct pm_buf b = PM_BUF_INIT;
	char *s = pm_buf_steal(&b);

	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "");
	free(s);
	pm_buf_reset(&b);
	ck_assert_ptr_null(b.s);
	ck_assert_int_eq(pm_buf_append(&b, "", 0), 0);
	ck_assert_str_eq(b.s, "");
	pm_buf_free(&b);
	pm_buf_free(&b);
}
END_TEST

START_TEST(buf_refuses_absurd_sizes)
{
	struct pm_buf b = PM_BUF_INIT;

	ck_assert_int_eq(pm_buf_puts(&b, "x"), 0);
	ck_assert_int_eq(pm_buf_append(&b, "y", (size_t)-1 / 2), -1);
	ck_assert_str_eq(b.s, "x");
	ck_assert_uint_eq(b.len, 1);
	pm_buf_free(&b);
}
END_TEST

START_TEST(strdup_accepts_null)
{
	char *s = pm_strdup("abc");

	ck_assert_str_eq(s, "abc");
	free(s);
	ck_assert_ptr_null(pm_strdup(NULL));
}
END_TEST

START_TEST(grow_doubles_and_keeps_contents)
{
	int *v = NULL;
	size_t cap = 0, i;

	ck_assert_int_eq(pm_grow(&v, &cap, 1, sizeof(*v)), 0);
	ck_assert_uint_eq(cap, 8);
	for (i = 0; i < 8; i++)
		v[i] = (int)i;
	ck_assert_int_eq(pm_grow(&v, &cap, 8, sizeof(*v)), 0);
	ck_assert_uint_eq(cap, 8);
	ck_assert_int_eq(pm_grow(&v, &cap, 9, sizeof(*v)), 0);
	ck_assert_uint_eq(cap, 16);
	ck_assert_int_eq(pm_grow(&v, &cap, 100, sizeof(*v)), 0);
	ck_assert_uint_eq(cap, 128);
	for (i = 0; i < 8; i++)
		ck_assert_int_eq(v[i], (int)i);
	ck_assert_int_eq(pm_grow(&v, &cap, (size_t)-1 / 2, sizeof(*v)), -1);
	ck_assert_uint_eq(cap, 128);
	free(v);
}
END_TEST

/* panic_sink - exit 42 when the line is the expected panic line */
static void
panic_sink(const char *line)
{
	_exit(strcmp(line, "panic: broken invariant 7") == 0 ? 42 : 1);
}

START_TEST(panic_writes_through_the_sink)
{
	pm_set_log_sink(panic_sink);
	pm_panic("broken invariant %d", 7);
}
END_TEST

START_TEST(panic_aborts)
{
	pm_set_log_sink(NULL);
	pm_panic("broken invariant");
}
END_TEST

START_TEST(lower_dup_copies_len_bytes)
{
	char *s = pm_lower_dup("X-TLS-Info: V", 10);

	ck_assert_str_eq(s, "x-tls-info");
	free(s);
}
END_TEST

/* util_suite - all tests */
static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, error_set_formats_and_truncates);
	tcase_add_test(tc, error_cause_is_kept_and_set_means_internal);
	tcase_add_test(tc, hash_is_fnv1a_and_folds_case);
	tcase_add_test(tc, diag_format_error_warning_column);
	tcase_add_test(tc, diag_format_truncates_to_buffer);
	tcase_add_test(tc, diag_format_escapes_control_bytes);
	tcase_add_test(tc, diags_grow_past_initial_capacity);
	tcase_add_test(tc, buf_appends_and_stays_terminated);
	tcase_add_test(tc, buf_steal_of_empty_gives_empty_string);
	tcase_add_test(tc, buf_refuses_absurd_sizes);
	tcase_add_test(tc, strdup_accepts_null);
	tcase_add_test(tc, field_name_is_printable_ascii_without_colon);
	tcase_add_test(tc, grow_doubles_and_keeps_contents);
	tcase_add_test(tc, lower_dup_copies_len_bytes);
	/* A death test needs a process of its own (not so with CK_FORK=no). */
	if (getenv("CK_FORK") == NULL || strcmp(getenv("CK_FORK"), "no") != 0) {
		tcase_add_exit_test(tc, panic_writes_through_the_sink, 42);
		tcase_add_test_raise_signal(tc, panic_aborts, SIGABRT);
	}
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(util_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
