/*++
/* NAME
/*	test_testmsg 1
/* SUMMARY
/*	unit tests of milter/testmsg.c (the message parser)
/* SYNOPSIS
/*	tests/unit/test_testmsg
/* DESCRIPTION
/*	testmsg_parse() on LF and CRLF messages, folded headers, a header
/*	section without an empty line, NUL bytes, bare CR, a leading mbox
/*	"From " line, a line without a colon, 10,000 headers, empty input
/*	and input without a final newline. testmsg_run() with small rule
/*	sets: an untouched message comes out byte for byte, the hidden
/*	Received stays in place, and an engine error follows OnError
/*	(exit 75 with tempfail, the message unchanged with accept). The
/*	realistic messages are in the golden tests (tests/golden).
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "snapshot.h"
#include "testmsg.h"

/* parse - testmsg_parse on a string literal of known length */
static void
parse(const char *s, size_t len, struct testmsg *m)
{
	ck_assert_int_eq(testmsg_parse(s, len, m), 0);
}

#define PARSE(lit, m) parse((lit), sizeof(lit) - 1, (m))

/* body_is - compare the body with a literal */
static void
body_is(const struct testmsg *m, const char *want, size_t len)
{
	ck_assert_uint_eq(m->bodylen, len);
	ck_assert_int_eq(memcmp(m->body, want, len), 0);
}

#define BODY_IS(m, lit) body_is((m), (lit), sizeof(lit) - 1)

START_TEST(lf_message_splits_headers_and_body)
{
	struct testmsg m;

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
	testmsg_free(&m);
}
END_TEST

START_TEST(crlf_message_is_flagged_and_line_ends_stripped)
{
	struct testmsg m;

	PARSE("Received: from a\r\n\tby b; date\r\nTo: x@y\r\n\r\nhi\r\n", &m);
	ck_assert_int_eq(m.crlf, 1);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " from a\n\tby b; date");
	ck_assert_str_eq(m.hdrs[1].value, " x@y");
	BODY_IS(&m, "hi\r\n");
	testmsg_free(&m);
}
END_TEST

START_TEST(folds_keep_their_leading_white_space)
{
	struct testmsg m;

	PARSE("References: <a@x>\n  <b@x>\n\t<c@x>\nX: y\n\n", &m);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " <a@x>\n  <b@x>\n\t<c@x>");
	ck_assert_str_eq(m.hdrs[1].value, " y");
	BODY_IS(&m, "");
	testmsg_free(&m);
}
END_TEST

START_TEST(non_header_line_starts_the_body_without_blank_line)
{
	struct testmsg m;

	PARSE("Subject: hi\nthis is not a header\nX: y\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].value, " hi");
	BODY_IS(&m, "this is not a header\nX: y\n");
	testmsg_free(&m);
}
END_TEST

START_TEST(header_without_colon_ends_headers)
{
	struct testmsg m;

	PARSE("A: 1\nNoColonHere\nB: 2\n\nbody\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	BODY_IS(&m, "NoColonHere\nB: 2\n\nbody\n");
	testmsg_free(&m);
}
END_TEST

START_TEST(space_before_colon_is_tolerated)
{
	struct testmsg m;

	PARSE("Subject : old style\n\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].name, "Subject");
	ck_assert_str_eq(m.hdrs[0].value, " old style");
	testmsg_free(&m);
}
END_TEST

START_TEST(leading_white_space_line_is_body)
{
	struct testmsg m;

	PARSE(" indented\nX: y\n", &m);
	ck_assert_uint_eq(m.nhdrs, 0);
	BODY_IS(&m, " indented\nX: y\n");
	testmsg_free(&m);
}
END_TEST

START_TEST(nul_in_value_is_shown_as_space)
{
	struct testmsg m;

	PARSE("X-Nul: a\0b\nY: c\n\nbo\0dy\n", &m);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " a b");
	ck_assert_str_eq(m.hdrs[1].value, " c");
	BODY_IS(&m, "bo\0dy\n");
	testmsg_free(&m);
}
END_TEST

START_TEST(bare_cr_is_an_ordinary_byte)
{
	struct testmsg m;

	PARSE("X-Cr: a\rb\nY: c\r\n\nbody\rmore\n", &m);
	ck_assert_int_eq(m.crlf, 0);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[0].value, " a\rb");
	ck_assert_str_eq(m.hdrs[1].value, " c");
	BODY_IS(&m, "body\rmore\n");
	testmsg_free(&m);
}
END_TEST

START_TEST(mbox_from_line_is_dropped)
{
	struct testmsg m;

	PARSE("From alice@example.org Mon Nov 23 10:00:00 2026\n"
	      "Subject: s\n\nb\n",
	    &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].name, "Subject");
	BODY_IS(&m, "b\n");
	testmsg_free(&m);
}
END_TEST

START_TEST(from_header_is_not_an_mbox_line)
{
	struct testmsg m;

	PARSE("From: alice@example.org\n\n", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	ck_assert_str_eq(m.hdrs[0].name, "From");
	testmsg_free(&m);
}
END_TEST

START_TEST(ten_thousand_headers)
{
	struct testmsg m;
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
	testmsg_free(&m);
	free(buf);
}
END_TEST

START_TEST(empty_input_has_nothing)
{
	struct testmsg m;

	parse("", 0, &m);
	ck_assert_uint_eq(m.nhdrs, 0);
	ck_assert_uint_eq(m.bodylen, 0);
	testmsg_free(&m);
}
END_TEST

START_TEST(no_final_newline_in_header_or_body)
{
	struct testmsg m;

	PARSE("A: 1\nB: 2\n\tfold", &m);
	ck_assert_uint_eq(m.nhdrs, 2);
	ck_assert_str_eq(m.hdrs[1].value, " 2\n\tfold");
	ck_assert_uint_eq(m.bodylen, 0);
	testmsg_free(&m);

	PARSE("A: 1\n\nlast", &m);
	ck_assert_uint_eq(m.nhdrs, 1);
	BODY_IS(&m, "last");
	testmsg_free(&m);
}
END_TEST

START_TEST(eight_bit_value_is_kept)
{
	struct testmsg m;

	PARSE("Subject: Gr\xc3\xbc\xc3\x9f"
	      "e\n\n",
	    &m);
	ck_assert_str_eq(m.hdrs[0].value,
	    " Gr\xc3\xbc\xc3\x9f"
	    "e");
	testmsg_free(&m);
}
END_TEST

/* write_file - create a temporary file with the given contents */
static void
write_file(char *path, const char *text, size_t len)
{
	int fd = mkstemp(path);
	FILE *fp;

	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
}

/* run - testmsg_run on msg with rules; captures out and err */
static int
run(const char *rules, const char *onerror, const char *msg, size_t msglen,
    const char *const *macros, size_t nmacros, int hide, char **out,
    size_t *outlen, char **err)
{
	char rpath[] = "/tmp/test_testmsg_rules.XXXXXX";
	char mpath[] = "/tmp/test_testmsg_msg.XXXXXX";
	char rf[128], oe[64];
	const char *ov[4];
	struct pm_diags diags = {0};
	struct snapshot *snap;
	size_t errlen;
	FILE *fo, *fe;
	int rc;

	write_file(rpath, rules, strlen(rules));
	write_file(mpath, msg, msglen);
	snprintf(rf, sizeof(rf), "RulesFile=%s", rpath);
	snprintf(oe, sizeof(oe), "OnError=%s", onerror);
	ov[0] = rf;
	ov[1] = oe;
	ov[2] = "AuthservID=mx.example.org";
	ov[3] = "TLSHeader=no";
	snap = snapshot_load(NULL, ov, 4, &diags);
	ck_assert_msg(snap != NULL, "snapshot not loaded: %s",
	    diags.n > 0 ? diags.v[0].msg : "?");
	pm_diags_free(&diags);
	fo = open_memstream(out, outlen);
	fe = open_memstream(err, &errlen);
	ck_assert_ptr_nonnull(fo);
	ck_assert_ptr_nonnull(fe);
	rc = testmsg_run(snap, mpath, macros, nmacros, hide, fo, fe);
	fclose(fo);
	fclose(fe);
	snapshot_unref(snap);
	unlink(rpath);
	unlink(mpath);
	return (rc);
}

static const char *const auth_macros[] = {
    "{auth_authen}=alice",
    "client_addr=192.0.2.7",
    "client_port=51000",
};

START_TEST(untouched_message_is_byte_identical)
{
	static const char msg[] = "Received: from a (a [192.0.2.7])\r\n"
	                          "\tby mx; date\r\nX-Odd :  spaced\r\n"
	                          "Subject: x\0y\r\n\r\nbody\r\nno newline";
	char *out, *err;
	size_t outlen;

	ck_assert_int_eq(
	    run("remove User-Agent when authenticated\n", "tempfail", msg,
	        sizeof(msg) - 1, auth_macros, 3, 0, &out, &outlen, &err),
	    0);
	ck_assert_uint_eq(outlen, sizeof(msg) - 1);
	ck_assert_int_eq(memcmp(out, msg, outlen), 0);
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
}
END_TEST

START_TEST(hidden_received_is_printed_in_place)
{
	static const char msg[] =
	    "Subject: s\n"
	    "Received: from own ([192.0.2.1]) by mx; d1\n"
	    "Received: from c ([192.0.2.7]) by relay; d2\n"
	    "User-Agent: u\n\nbody\n";
	char *out, *err;
	size_t outlen;

	ck_assert_int_eq(
	    run("redact Received /^\\s*from\\s.*?\\s+(?=by\\s)/ with \" \""
	        " when authenticated\nremove User-Agent when authenticated\n",
	        "tempfail", msg, sizeof(msg) - 1, auth_macros, 3, 1, &out,
	        &outlen, &err),
	    0);
	ck_assert_str_eq(out,
	    "Subject: s\n"
	    "Received: from own ([192.0.2.1]) by mx; d1\n"
	    "Received: by relay; d2\n\nbody\n");
	ck_assert_ptr_nonnull(strstr(err, "change Received #2 ("));
	ck_assert_ptr_nonnull(strstr(err, "remove User-Agent #1 ("));
	free(out);
	free(err);
}
END_TEST

START_TEST(engine_error_with_tempfail_exits_75_and_prints_nothing)
{
	static const char msg[] = "X-Client: 192.0.2.7\n\nbody\n";
	char *out, *err;
	size_t outlen;

	/* No PseudonymKeyFile: pseudonymize fails at run time. */
	ck_assert_int_eq(
	    run("pseudonymize X-Client /[0-9.]+/\n", "tempfail", msg,
	        sizeof(msg) - 1, NULL, 0, 0, &out, &outlen, &err),
	    EX_TEMPFAIL);
	ck_assert_uint_eq(outlen, 0);
	ck_assert_ptr_nonnull(
	    strstr(err, "privacy-milter: /tmp/test_testmsg_rules."));
	ck_assert_ptr_nonnull(strstr(err, "OnError=tempfail"));
	free(out);
	free(err);
}
END_TEST

START_TEST(engine_error_with_accept_prints_message_unchanged)
{
	static const char msg[] = "X-Client: 192.0.2.7\n\nbody\n";
	char *out, *err;
	size_t outlen;

	ck_assert_int_eq(run("pseudonymize X-Client /[0-9.]+/\n", "accept", msg,
	                     sizeof(msg) - 1, NULL, 0, 0, &out, &outlen, &err),
	    0);
	ck_assert_str_eq(out, msg);
	ck_assert_ptr_nonnull(strstr(err, "OnError=accept"));
	free(out);
	free(err);
}
END_TEST

/* testmsg_suite - every parser case, then the runner */
static Suite *
testmsg_suite(void)
{
	Suite *s = suite_create("testmsg");
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
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_add_test(tc, untouched_message_is_byte_identical);
	tcase_add_test(tc, hidden_received_is_printed_in_place);
	tcase_add_test(
	    tc, engine_error_with_tempfail_exits_75_and_prints_nothing);
	tcase_add_test(tc, engine_error_with_accept_prints_message_unchanged);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(testmsg_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
