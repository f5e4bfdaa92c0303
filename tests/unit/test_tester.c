/*++
/* NAME
/*	test_tester 1
/* SUMMARY
/*	unit tests of milter/tester.c (--test-message)
/* SYNOPSIS
/*	tests/unit/test_tester
/* DESCRIPTION
/*	tester_run() with small rule sets: an untouched message comes out
/*	byte for byte, the hidden Received stays in place, and an engine
/*	error follows OnError (exit 75 with tempfail, the message unchanged
/*	with accept). The realistic messages are in the golden tests
/*	(tests/golden), which check the whole output.
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "snapshot.h"
#include "tester.h"

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

/* run - tester_run on msg with rules; captures out and err */
static int
run(const char *rules, const char *onerror, const char *msg, size_t msglen,
    const char *const *macros, size_t nmacros, int hide, char **out,
    size_t *outlen, char **err)
{
	char rpath[] = "/tmp/test_tester_rules.XXXXXX";
	char mpath[] = "/tmp/test_tester_msg.XXXXXX";
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
	rc = tester_run(snap, mpath, macros, nmacros, hide, fo, fe);
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
	    strstr(err, "privacy-milter: /tmp/test_tester_rules."));
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

/* tester_suite - all tests */
static Suite *
tester_suite(void)
{
	Suite *s = suite_create("tester");
	TCase *tc = tcase_create("run");

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
	SRunner *sr = srunner_create(tester_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
