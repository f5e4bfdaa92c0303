/*++
/* NAME
/*	test_msgparse 1
/* SUMMARY
/*	unit tests of milter/msgparse.c
/* SYNOPSIS
/*	tests/unit/test_msgparse
/* DESCRIPTION
/*	msgparse_parse() on LF and CRLF messages, folded headers, a header
/*	section without an empty line, NUL bytes, bare CR, a leading mbox
/*	"From " line, a line without a colon, 10,000 headers, empty input,
/*	input without a final newline, and the spans that let a header be
/*	written back as read. The tester that prints the result is tested
/*	in test_tester.c; realistic messages are in the golden tests
/*	(tests/golden).
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "msgparse.h"

/* parse - msgparse_parse on a string literal of known length */
static void
parse(const char *s, size_t len, struct msgparse *m)
{
	ck_assert_int_eq(msgparse_parse(s, len, m), 0);
}

#define PARSE(lit, m) parse((lit), sizeof(lit) - 1, (m))

/* body_is - compare the body with a literal */
static void
body_is(const struct msgparse *m, const char *want, size_t len)
{
	ck_assert_uint_eq(m->bodylen, len);
	ck_assert_int_eq(memcmp(m->body, want, len), 0);
}

#define BODY_IS(m, lit) body_is((m), (lit), sizeof(lit) - 1)

START_TEST(lf_message_splits_headers_and_body)
{
	struct msgparse m;

	PARSE("From: a@example.org\nSubject:  two spaces\nX-Empty:\n"
	      "\nbody line\n",
	    &m);
	ck_assert_int_eq(m.crlf, 0);
	ck_assert_uint_eq(m.nhdrs, 3);
	ck_assert_str_eq(m.hdrs[0].name, "From");
	ck_assert_str_eq(m.hdrs[0].value, " a@example.org");
	ck_assert_str_eq(m.hdrs[1].name, "Subject");
	ck_assert_str_eq(m.hdrs[1].value, "  two spaces");
	ck_assert_str_eq(m.hdrs[2].name, "X-Empty");
	ck_assert_str_eq(m.hdrs[2].value, "");
	BODY_IS(&m, "body line\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(crlf_message_is_flagged_and_line_ends_stripped)
{
	struct msgparse m;

	PARSE("Received: from a\r\n\tby b; date\r\nTo: x@y\r\n\r\nhi\r\n", &m);
	ck_assert_int_eq(m.crlf, 1);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " from a\n\tby b; date");
	ck_assert_str_eq(m.hdrs[1].value, " x@y");
	BODY_IS(&m, "hi\r\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(folds_keep_their_leading_white_space)
{
	struct msgparse m;

	PARSE("References: <a@x>\n  <b@x>\n\t<c@x>\nX: y\n\n", &m);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " <a@x>\n  <b@x>\n\t<c@x>");
	ck_assert_str_eq(m.hdrs[1].value, " y");
	BODY_IS(&m, "");
	msgparse_free(&m);
}
END_TEST

START_TEST(non_header_line_starts_the_body_without_blank_line)
{
	struct msgparse m;

	PARSE("Subject: hi\nthis is not a header\nX: y\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].value, " hi");
	BODY_IS(&m, "this is not a header\nX: y\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(header_without_colon_ends_headers)
{
	struct msgparse m;

	PARSE("A: 1\nNoColonHere\nB: 2\n\nbody\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	BODY_IS(&m, "NoColonHere\nB: 2\n\nbody\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(space_before_colon_is_tolerated)
{
	struct msgparse m;

	PARSE("Subject : old style\n\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].name, "Subject");
	ck_assert_str_eq(m.hdrs[0].value, " old style");
	msgparse_free(&m);
}
END_TEST

START_TEST(leading_white_space_line_is_body)
{
	struct msgparse m;

	PARSE(" indented\nX: y\n", &m);
	ck_assert_uint_eq(m.nhdrs, 0);
	BODY_IS(&m, " indented\nX: y\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(nul_in_value_is_shown_as_space)
{
	struct msgparse m;

	PARSE("X-Nul: a\0b\nY: c\n\nbo\0dy\n", &m);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " a b");
	ck_assert_str_eq(m.hdrs[1].value, " c");
	BODY_IS(&m, "bo\0dy\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(bare_cr_is_an_ordinary_byte)
{
	struct msgparse m;

	PARSE("X-Cr: a\rb\nY: c\r\n\nbody\rmore\n", &m);
	ck_assert_int_eq(m.crlf, 0);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " a\rb");
	ck_assert_str_eq(m.hdrs[1].value, " c");
	BODY_IS(&m, "body\rmore\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(mbox_from_line_is_dropped)
{
	struct msgparse m;

	PARSE("From alice@example.org Mon Nov 23 10:00:00 2026\n"
	      "Subject: s\n\nb\n",
	    &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].name, "Subject");
	BODY_IS(&m, "b\n");
	msgparse_free(&m);
}
END_TEST

START_TEST(from_header_is_not_an_mbox_line)
{
	struct msgparse m;

	PARSE("From: alice@example.org\n\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].name, "From");
	msgparse_free(&m);
}
END_TEST

START_TEST(ten_thousand_headers)
{
	struct msgparse m;
	size_t i, n = 10000, len = 0;
	char *buf = malloc(n * 32 + 16);

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "X-H%zu: v%zu\n", i, i);
	len += (size_t)sprintf(buf + len, "\nbody\n");
	parse(buf, len, &m);
	ck_assert_uint_eq(m.nhdrs, n);
	ck_assert_str_eq(m.hdrs[0].name, "X-H0");
	ck_assert_str_eq(m.hdrs[9999].name, "X-H9999");
	ck_assert_str_eq(m.hdrs[9999].value, " v9999");
	BODY_IS(&m, "body\n");
	msgparse_free(&m);
	free(buf);
}
END_TEST

START_TEST(empty_input_has_nothing)
{
	struct msgparse m;

	parse("", 0, &m);
	ck_assert_uint_eq(m.nhdrs, 0);
	ck_assert_uint_eq(m.bodylen, 0);
	msgparse_free(&m);
}
END_TEST

START_TEST(no_final_newline_in_header_or_body)
{
	struct msgparse m;

	PARSE("A: 1\nB: 2\n\tfold", &m);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[1].value, " 2\n\tfold");
	ck_assert_uint_eq(m.bodylen, 0);
	msgparse_free(&m);

	PARSE("A: 1\n\nlast", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	BODY_IS(&m, "last");
	msgparse_free(&m);
}
END_TEST

START_TEST(eight_bit_value_is_kept)
{
	struct msgparse m;

	PARSE("Subject: Gr\xc3\xbc\xc3\x9f"
	      "e\n\n",
	    &m);
	ck_assert_str_eq(m.hdrs[0].value,
	    " Gr\xc3\xbc\xc3\x9f"
	    "e");
	msgparse_free(&m);
}
END_TEST

START_TEST(spans_cover_each_header_as_read)
{
	static const char msg[] = "From x Mon\r\nA: 1\r\nB :\r\n 2\r\n\r\nbody";
	struct msgparse m;

	PARSE(msg, &m);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_ptr_eq(m.spans[0].start, msg + 12);
	ck_assert_uint_eq(m.spans[0].len, 6);
	ck_assert_ptr_eq(m.spans[1].start, msg + 18);
	ck_assert_uint_eq(m.spans[1].len, 9);
	ck_assert_ptr_eq(m.sep, msg + 27);
	ck_assert_uint_eq(m.seplen, 2);
	BODY_IS(&m, "body");
	msgparse_free(&m);
}
END_TEST

/* msgparse_suite - every parser case */
static Suite *
msgparse_suite(void)
{
	Suite *s = suite_create("msgparse");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, lf_message_splits_headers_and_body);
	tcase_add_test(tc, crlf_message_is_flagged_and_line_ends_stripped);
	tcase_add_test(tc, folds_keep_their_leading_white_space);
	tcase_add_test(tc, non_header_line_starts_the_body_without_blank_line);
	tcase_add_test(tc, header_without_colon_ends_headers);
	tcase_add_test(tc, space_before_colon_is_tolerated);
	tcase_add_test(tc, leading_white_space_line_is_body);
	tcase_add_test(tc, nul_in_value_is_shown_as_space);
	tcase_add_test(tc, bare_cr_is_an_ordinary_byte);
	tcase_add_test(tc, mbox_from_line_is_dropped);
	tcase_add_test(tc, from_header_is_not_an_mbox_line);
	tcase_add_test(tc, ten_thousand_headers);
	tcase_add_test(tc, empty_input_has_nothing);
	tcase_add_test(tc, no_final_newline_in_header_or_body);
	tcase_add_test(tc, eight_bit_value_is_kept);
	tcase_add_test(tc, spans_cover_each_header_as_read);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(msgparse_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
