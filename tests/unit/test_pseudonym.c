/*++
/* NAME
/*	test_pseudonym 1
/* SUMMARY
/*	unit tests of milter/pseudonym.c
/* SYNOPSIS
/*	tests/unit/test_pseudonym
/* DESCRIPTION
/*	Tokens and key ids against values computed independently with
/*	the openssl command (the commands are beside each constant), the
/*	key file rules (trailing white space, minimum length, no access
/*	for others, regular files only) and thread safety.
/*
/*	The tests run as root, where access() would say yes to anything:
/*	they test the mode check itself.
/*--*/
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pseudonym.h"

/* The text key and its SHA-256 id:
 *   printf %s 0123456789abcdef0123456789abcdef | openssl dgst -sha256
 *   -> 3eb1bd439947eb76...
 */
#define TEXT_KEY "0123456789abcdef0123456789abcdef"
#define TEXT_KEY_HEX                                                           \
	"30313233343536373839616263646566"                                     \
	"30313233343536373839616263646566"
#define TEXT_KEY_ID "3eb1bd43"

/*
 * printf %s alice@example.org | openssl dgst -sha256 -mac HMAC \
 *     -macopt hexkey:3031323334353637383961626364656630313233343536373839616263646566
 * -> 3c4b2380463bfa993aab26f6640e5e02b47b9ba79fabd5dc8bd9f9a033048184
 */
#define TOKEN_ALICE "anon-3eb1bd43-3c4b2380463bfa99"
/* printf '' | openssl dgst ... (same key) -> 796cd3078af14636... */
#define TOKEN_EMPTY "anon-3eb1bd43-796cd3078af14636"
/* printf 'caf\xc3\xa9\x00x' | openssl dgst ... (same key) -> d8b23e7972f5a6a6... */
#define TOKEN_BINARY "anon-3eb1bd43-d8b23e7972f5a6a6"

/*
 * A binary key 00112233445566778899aabbccddeeff:
 *   echo 00112233445566778899aabbccddeeff | xxd -r -p | openssl dgst -sha256
 *   -> a8faed6abbf35c12...
 *   printf %s alice@example.org | openssl dgst -sha256 -mac HMAC \
 *       -macopt hexkey:00112233445566778899aabbccddeeff
 *   -> 51d05d263db909a91949841aa4622f5ae6e1f02e47e06a9d09ac989fc085054f
 */
static const unsigned char bin_key[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};

static char tmpdir[64];

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/test_pseudonym.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* key_file - write len bytes to tmpdir/name with mode; returns the path */
static const char *
key_file(const char *name, const void *data, size_t len, mode_t mode)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	fclose(fp);
	ck_assert_int_eq(chmod(path, mode), 0);
	return (path);
}

/* error_text - err.text with tmpdir shown as "T" */
static const char *
error_text(const struct pm_error *err)
{
	static char out[1100];
	const char *p;
	size_t tl = strlen(tmpdir), o = 0;

	for (p = err->text; *p != 0 && o + 1 < sizeof(out);) {
		if (strncmp(p, tmpdir, tl) == 0) {
			out[o++] = 'T';
			p += tl;
		} else
			out[o++] = *p++;
	}
	out[o] = 0;
	return (out);
}

START_TEST(token_matches_openssl_hmac)
{
	struct pm_error err;
	struct pseudonym_key *k;
	char tok[PSEUDONYM_TOKEN_MAX];

	k = pseudonym_key_from_bytes(TEXT_KEY, strlen(TEXT_KEY), &err);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(pseudonym_key_id(k), TEXT_KEY_ID);
	ck_assert_int_eq(
	    pseudonym_token(k, "alice@example.org", 17, tok, sizeof(tok)), 0);
	ck_assert_str_eq(tok, TOKEN_ALICE);
	ck_assert_int_eq(pseudonym_token(k, "", 0, tok, sizeof(tok)), 0);
	ck_assert_str_eq(tok, TOKEN_EMPTY);
	ck_assert_int_eq(
	    pseudonym_token(k, "caf\xc3\xa9\0x", 7, tok, sizeof(tok)), 0);
	ck_assert_str_eq(tok, TOKEN_BINARY);
	pseudonym_key_free(k);
}
END_TEST

START_TEST(binary_key_token_and_id)
{
	struct pm_error err;
	struct pseudonym_key *k;
	char tok[PSEUDONYM_TOKEN_MAX];

	k = pseudonym_key_from_bytes(bin_key, sizeof(bin_key), &err);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(pseudonym_key_id(k), "a8faed6a");
	ck_assert_int_eq(
	    pseudonym_token(k, "alice@example.org", 17, tok, sizeof(tok)), 0);
	ck_assert_str_eq(tok, "anon-a8faed6a-51d05d263db909a9");
	pseudonym_key_free(k);
}
END_TEST

START_TEST(same_input_same_token_and_length_is_respected)
{
	struct pm_error err;
	struct pseudonym_key *k;
	char a[PSEUDONYM_TOKEN_MAX], b[PSEUDONYM_TOKEN_MAX];

	k = pseudonym_key_from_bytes(TEXT_KEY, strlen(TEXT_KEY), &err);
	ck_assert_int_eq(
	    pseudonym_token(k, "alice@example.orgXYZ", 17, a, sizeof(a)), 0);
	ck_assert_int_eq(
	    pseudonym_token(k, "alice@example.org", 17, b, sizeof(b)), 0);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(a, TOKEN_ALICE);
	pseudonym_key_free(k);
}
END_TEST

START_TEST(small_buffer_and_null_key_fail)
{
	struct pm_error err;
	struct pseudonym_key *k;
	char tok[PSEUDONYM_TOKEN_MAX];

	k = pseudonym_key_from_bytes(TEXT_KEY, strlen(TEXT_KEY), &err);
	ck_assert_int_eq(pseudonym_token(k, "x", 1, tok, 30), -1);
	ck_assert_int_eq(pseudonym_token(k, "x", 1, tok, 31), 0);
	ck_assert_uint_eq(strlen(tok), 30);
	ck_assert_int_eq(pseudonym_token(NULL, "x", 1, tok, sizeof(tok)), -1);
	pseudonym_key_free(k);
	pseudonym_key_free(NULL);
}
END_TEST

START_TEST(key_file_trailing_white_space_is_not_secret)
{
	struct pm_error err;
	struct pseudonym_key *k;
	char tok[PSEUDONYM_TOKEN_MAX];
	const char *path =
	    key_file("k", TEXT_KEY "\r\n \t\n", strlen(TEXT_KEY) + 5, 0600);

	k = pseudonym_key_load(path, &err);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(pseudonym_key_id(k), TEXT_KEY_ID);
	ck_assert_int_eq(
	    pseudonym_token(k, "alice@example.org", 17, tok, sizeof(tok)), 0);
	ck_assert_str_eq(tok, TOKEN_ALICE);
	pseudonym_key_free(k);
}
END_TEST

START_TEST(binary_key_file_and_group_readable_mode)
{
	struct pm_error err;
	struct pseudonym_key *k;
	const char *path = key_file("bin", bin_key, sizeof(bin_key), 0640);

	k = pseudonym_key_load(path, &err);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(pseudonym_key_id(k), "a8faed6a");
	pseudonym_key_free(k);
}
END_TEST

START_TEST(world_readable_key_is_refused)
{
	struct pm_error err;
	const char *path = key_file("k", TEXT_KEY, strlen(TEXT_KEY), 0644);

	ck_assert_ptr_null(pseudonym_key_load(path, &err));
	ck_assert_str_eq(error_text(&err),
	    "T/k: pseudonym key is accessible by other users (mode 0644); run"
	    " \"chmod 600 T/k\" (or \"chmod 640\" with the milter's group)");
	path = key_file("k2", TEXT_KEY, strlen(TEXT_KEY), 0602);
	ck_assert_ptr_null(pseudonym_key_load(path, &err));
	ck_assert_str_eq(error_text(&err),
	    "T/k2: pseudonym key is accessible by other users (mode 0602); run"
	    " \"chmod 600 T/k2\" (or \"chmod 640\" with the milter's group)");
	path = key_file("k3", TEXT_KEY, strlen(TEXT_KEY), 0601);
	ck_assert_ptr_null(pseudonym_key_load(path, &err));
}
END_TEST

START_TEST(short_key_is_refused)
{
	struct pm_error err;
	const char *path = key_file("short", "0123456789abcde\n\n", 17, 0600);

	ck_assert_ptr_null(pseudonym_key_load(path, &err));
	ck_assert_str_eq(error_text(&err),
	    "T/short: pseudonym key too short (15 bytes, need at least 16)");
	ck_assert_ptr_null(pseudonym_key_from_bytes("", 0, &err));
	ck_assert_str_eq(
	    err.text, "pseudonym key too short (0 bytes, need at least 16)");
}
END_TEST

START_TEST(long_key_is_refused)
{
	struct pm_error err;
	static char big[8192];
	const char *path;

	memset(big, 'k', sizeof(big));
	path = key_file("long", big, sizeof(big), 0600);
	ck_assert_ptr_null(pseudonym_key_load(path, &err));
	ck_assert_str_eq(error_text(&err),
	    "T/long: pseudonym key too long (more than 4096 bytes)");
}
END_TEST

START_TEST(missing_and_non_regular_files_are_refused)
{
	struct pm_error err;
	char path[256];

	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	ck_assert_ptr_null(pseudonym_key_load(path, &err));
	ck_assert_str_eq(error_text(&err),
	    "T/absent: cannot open pseudonym key: No such file or directory");
	ck_assert_int_eq(chmod(tmpdir, 0700), 0);
	ck_assert_ptr_null(pseudonym_key_load(tmpdir, &err));
	ck_assert_str_eq(
	    error_text(&err), "T: pseudonym key is not a regular file");
}
END_TEST

struct worker {
	struct pseudonym_key *k;
	int bad;
};

/* worker - many tokens from one key */
static void *
worker(void *arg)
{
	struct worker *w = arg;
	char tok[PSEUDONYM_TOKEN_MAX];
	int i;

	for (i = 0; i < 2000; i++) {
		if (pseudonym_token(
		        w->k, "alice@example.org", 17, tok, sizeof(tok)) < 0 ||
		    strcmp(tok, TOKEN_ALICE) != 0)
			w->bad++;
	}
	return (NULL);
}

START_TEST(one_key_serves_many_threads)
{
	struct pm_error err;
	struct worker w[4];
	pthread_t t[4];
	struct pseudonym_key *k;
	int i;

	k = pseudonym_key_from_bytes(TEXT_KEY, strlen(TEXT_KEY), &err);
	for (i = 0; i < 4; i++) {
		w[i].k = k;
		w[i].bad = 0;
		ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ck_assert_int_eq(w[i].bad, 0);
	}
	pseudonym_key_free(k);
}
END_TEST

/* pseudonym_suite - all tests */
static Suite *
pseudonym_suite(void)
{
	Suite *s = suite_create("pseudonym");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, token_matches_openssl_hmac);
	tcase_add_test(tc, binary_key_token_and_id);
	tcase_add_test(tc, same_input_same_token_and_length_is_respected);
	tcase_add_test(tc, small_buffer_and_null_key_fail);
	tcase_add_test(tc, key_file_trailing_white_space_is_not_secret);
	tcase_add_test(tc, binary_key_file_and_group_readable_mode);
	tcase_add_test(tc, world_readable_key_is_refused);
	tcase_add_test(tc, short_key_is_refused);
	tcase_add_test(tc, long_key_is_refused);
	tcase_add_test(tc, missing_and_non_regular_files_are_refused);
	tcase_add_test(tc, one_key_serves_many_threads);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(pseudonym_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
