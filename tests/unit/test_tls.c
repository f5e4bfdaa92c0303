/*++
/* NAME
/*	test_tls 1
/* SUMMARY
/*	unit tests of milter/tls.c
/* SYNOPSIS
/*	tests/unit/test_tls
/* DESCRIPTION
/*	Cipher names as Postfix 3.7 sends them (DESIGN §8) mapped to IANA
/*	names and forward secrecy, the exact header values of both formats,
/*	plain-text sessions, sanitising of hostile macros, and the
/*	authserv-id of an existing header.
/*--*/
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "tls.h"

/* render - the header value of s in fmt, for authserv-id id */
static char *
render(const struct pm_session *s, enum tls_format fmt, const char *id)
{
	static char out[1024];
	struct pm_buf b = PM_BUF_INIT;

	ck_assert_int_eq(tls_format_header(s, fmt, id, &b), 0);
	ck_assert_uint_lt(b.len, sizeof(out));
	strcpy(out, b.s);
	pm_buf_free(&b);
	return (out);
}

/* tls_session - a session with the three TLS macros */
static void
tls_session(struct pm_session *s, const char *version, const char *cipher,
    const char *bits)
{
	session_init(s);
	session_set_macro(s, "{tls_version}", version);
	session_set_macro(s, "{cipher}", cipher);
	session_set_macro(s, "{cipher_bits}", bits);
}

START_TEST(init_succeeds_twice)
{
	ck_assert_int_eq(tls_init(), 0);
	ck_assert_int_eq(tls_init(), 0);
}
END_TEST

START_TEST(tls13_name_is_its_own_iana_name)
{
	struct tls_cipher_info ci;

	ck_assert_int_eq(tls_cipher_lookup("TLS_AES_256_GCM_SHA384", &ci), 1);
	ck_assert_str_eq(ci.iana, "TLS_AES_256_GCM_SHA384");
	ck_assert_int_eq(ci.pfs, 1);
	ck_assert_int_eq(
	    tls_cipher_lookup("TLS_CHACHA20_POLY1305_SHA256", &ci), 1);
	ck_assert_int_eq(ci.pfs, 1);
	ck_assert_int_eq(tls_cipher_lookup("TLS_AES_128_CCM_8_SHA256", &ci), 1);
	ck_assert_int_eq(ci.pfs, 1);
}
END_TEST

START_TEST(openssl_name_maps_to_iana_with_pfs)
{
	struct tls_cipher_info ci;

	ck_assert_int_eq(
	    tls_cipher_lookup("ECDHE-RSA-AES128-GCM-SHA256", &ci), 1);
	ck_assert_str_eq(ci.iana, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	ck_assert_int_eq(ci.pfs, 1);
	ck_assert_int_eq(
	    tls_cipher_lookup("DHE-RSA-AES256-GCM-SHA384", &ci), 1);
	ck_assert_str_eq(ci.iana, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
	ck_assert_int_eq(ci.pfs, 1);
}
END_TEST

START_TEST(rsa_key_exchange_has_no_pfs)
{
	struct tls_cipher_info ci;

	ck_assert_int_eq(tls_cipher_lookup("AES256-SHA", &ci), 1);
	ck_assert_str_eq(ci.iana, "TLS_RSA_WITH_AES_256_CBC_SHA");
	ck_assert_int_eq(ci.pfs, 0);
}
END_TEST

START_TEST(iana_name_and_any_case_are_found)
{
	struct tls_cipher_info ci;

	ck_assert_int_eq(
	    tls_cipher_lookup("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", &ci), 1);
	ck_assert_str_eq(ci.iana, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	ck_assert_int_eq(ci.pfs, 1);
	ck_assert_int_eq(
	    tls_cipher_lookup("tls_rsa_with_aes_256_cbc_sha", &ci), 1);
	ck_assert_int_eq(ci.pfs, 0);
	ck_assert_int_eq(
	    tls_cipher_lookup("ecdhe-rsa-aes128-gcm-sha256", &ci), 1);
	ck_assert_str_eq(ci.iana, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
}
END_TEST

START_TEST(unknown_name_is_not_found)
{
	struct tls_cipher_info ci;

	ck_assert_int_eq(tls_cipher_lookup("NOT-A-CIPHER", &ci), 0);
	ck_assert_int_eq(tls_cipher_lookup("", &ci), 0);
	ck_assert_int_eq(tls_cipher_lookup(NULL, &ci), 0);
}
END_TEST

START_TEST(kv_header_for_postfix_tls13)
{
	struct pm_session s;

	tls_session(&s, "TLSv1.3", "TLS_AES_256_GCM_SHA384", "256");
	ck_assert_str_eq(render(&s, TLS_FMT_KV, "mail.example.org"),
	    " mail.example.org; version=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384;"
	    " bits=256; pfs=yes; client-cert=none");
	session_free(&s);
}
END_TEST

START_TEST(kv_header_for_postfix_tls12)
{
	struct pm_session s;

	tls_session(&s, "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "128");
	ck_assert_str_eq(render(&s, TLS_FMT_KV, "mx.example.net"),
	    " mx.example.net; version=TLSv1.2;"
	    " cipher=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; bits=128; pfs=yes;"
	    " client-cert=none");
	session_free(&s);
}
END_TEST

START_TEST(ar_header_for_postfix_tls13)
{
	struct pm_session s;

	tls_session(&s, "TLSv1.3", "TLS_AES_256_GCM_SHA384", "256");
	ck_assert_str_eq(render(&s, TLS_FMT_AR, "mail.example.org"),
	    " mail.example.org; x-tls=pass smtp.version=TLSv1.3"
	    " smtp.cipher=TLS_AES_256_GCM_SHA384 smtp.bits=256 smtp.pfs=yes"
	    " smtp.client-cert=none");
	session_free(&s);
}
END_TEST

START_TEST(rsa_cipher_says_no_pfs_in_both_formats)
{
	struct pm_session s;

	tls_session(&s, "TLSv1.2", "AES256-SHA", "256");
	ck_assert_str_eq(render(&s, TLS_FMT_KV, "h"),
	    " h; version=TLSv1.2; cipher=TLS_RSA_WITH_AES_256_CBC_SHA;"
	    " bits=256; pfs=no; client-cert=none");
	ck_assert_str_eq(render(&s, TLS_FMT_AR, "h"),
	    " h; x-tls=pass smtp.version=TLSv1.2"
	    " smtp.cipher=TLS_RSA_WITH_AES_256_CBC_SHA smtp.bits=256"
	    " smtp.pfs=no smtp.client-cert=none");
	session_free(&s);
}
END_TEST

START_TEST(trusted_client_cert_without_subject)
{
	struct pm_session s;
	const char *v;

	tls_session(&s, "TLSv1.3", "TLS_AES_128_GCM_SHA256", "128");
	session_set_macro(&s, "{cert_subject}", "CN=Alice Example,O=Private");
	session_set_macro(&s, "{cert_issuer}", "CN=Example CA");
	v = render(&s, TLS_FMT_KV, "h");
	ck_assert_str_eq(v,
	    " h; version=TLSv1.3; cipher=TLS_AES_128_GCM_SHA256; bits=128;"
	    " pfs=yes; client-cert=trusted");
	ck_assert_ptr_null(strstr(v, "Alice"));
	v = render(&s, TLS_FMT_AR, "h");
	ck_assert_str_eq(v,
	    " h; x-tls=pass smtp.version=TLSv1.3"
	    " smtp.cipher=TLS_AES_128_GCM_SHA256 smtp.bits=128 smtp.pfs=yes"
	    " smtp.client-cert=trusted");
	ck_assert_ptr_null(strstr(v, "Alice"));
	session_free(&s);
}
END_TEST

START_TEST(unknown_cipher_written_as_given_and_flagged)
{
	struct pm_session s;

	tls_session(&s, "TLSv1.2", "GOST2012-KUZNYECHIK-KUZNYECHIKOMAC", "256");
	ck_assert_str_eq(render(&s, TLS_FMT_KV, "h"),
	    " h; version=TLSv1.2; cipher=GOST2012-KUZNYECHIK-KUZNYECHIKOMAC;"
	    " bits=256; pfs=unknown; client-cert=none; cipher-unknown=yes");
	ck_assert_str_eq(render(&s, TLS_FMT_AR, "h"),
	    " h; x-tls=pass smtp.version=TLSv1.2"
	    " smtp.cipher=GOST2012-KUZNYECHIK-KUZNYECHIKOMAC smtp.bits=256"
	    " smtp.pfs=unknown smtp.client-cert=none"
	    " smtp.cipher-unknown=yes");
	session_free(&s);
	tls_session(&s, "TLSv1.3", "TLS_FUTURE_SUITE", NULL);
	ck_assert_str_eq(render(&s, TLS_FMT_KV, "h"),
	    " h; version=TLSv1.3; cipher=TLS_FUTURE_SUITE; bits=unknown;"
	    " pfs=yes; client-cert=none; cipher-unknown=yes");
	session_free(&s);
}
END_TEST

START_TEST(plain_session_says_none)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "{cipher}", "AES256-SHA");
	ck_assert_str_eq(render(&s, TLS_FMT_KV, "mail.example.org"),
	    " mail.example.org; tls=none");
	ck_assert_str_eq(render(&s, TLS_FMT_AR, "mail.example.org"),
	    " mail.example.org; x-tls=none");
	session_free(&s);
}
END_TEST

START_TEST(hostile_macros_are_sanitised)
{
	struct pm_session s;

	tls_session(&s, "TLSv1.3; pfs=yes\r\nX: y",
	    "\"TLS_AES_256_GCM_SHA384\"", "256 (x)\\");
	ck_assert_str_eq(render(&s, TLS_FMT_KV, "h"),
	    " h; version=TLSv1.3pfs=yesX:y; cipher=TLS_AES_256_GCM_SHA384;"
	    " bits=256x; pfs=yes; client-cert=none");
	session_free(&s);
	tls_session(&s, "\x01\x7f\xff ;", "\t", "\xc3\xa9");
	ck_assert_str_eq(render(&s, TLS_FMT_AR, "bad id;\r\n"),
	    " badid; x-tls=pass smtp.version=unknown smtp.cipher=unknown"
	    " smtp.bits=unknown smtp.pfs=unknown smtp.client-cert=none"
	    " smtp.cipher-unknown=yes");
	session_free(&s);
}
END_TEST

START_TEST(long_macro_is_cut_at_64_octets)
{
	struct pm_session s;
	char big[300], want[200];

	memset(big, 'V', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	tls_session(&s, big, "AES256-SHA", "256");
	memset(want, 'V', 64);
	want[64] = 0;
	ck_assert_ptr_nonnull(strstr(render(&s, TLS_FMT_KV, "h"), want));
	strcat(want, "V");
	ck_assert_ptr_null(strstr(render(&s, TLS_FMT_KV, "h"), want));
	session_free(&s);
}
END_TEST

START_TEST(authserv_id_of_existing_header)
{
	char id[64];

	ck_assert_int_eq(tls_header_authserv_id(
	                     " mail.example.org; tls=none", id, sizeof(id)),
	    0);
	ck_assert_str_eq(id, "mail.example.org");
	ck_assert_int_eq(tls_header_authserv_id(
	                     "\r\n\tmx.example.net x-tls=pass", id, sizeof(id)),
	    0);
	ck_assert_str_eq(id, "mx.example.net");
	ck_assert_int_eq(tls_header_authserv_id("host", id, sizeof(id)), 0);
	ck_assert_str_eq(id, "host");
	ck_assert_int_eq(tls_header_authserv_id(" ; x", id, sizeof(id)), -1);
	ck_assert_int_eq(tls_header_authserv_id("   ", id, sizeof(id)), -1);
	ck_assert_int_eq(tls_header_authserv_id(" abcdef;", id, 6), -1);
	ck_assert_int_eq(tls_header_authserv_id(" abcdef;", id, 7), 0);
	ck_assert_str_eq(id, "abcdef");
}
END_TEST

START_TEST(rendered_header_round_trips_its_authserv_id)
{
	struct pm_session s;
	char id[64];

	tls_session(&s, "TLSv1.3", "TLS_AES_256_GCM_SHA384", "256");
	ck_assert_int_eq(
	    tls_header_authserv_id(
	        render(&s, TLS_FMT_AR, "mail.example.org"), id, sizeof(id)),
	    0);
	ck_assert_str_eq(id, "mail.example.org");
	session_free(&s);
}
END_TEST

/* tls_suite - all tests */
static Suite *
tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, init_succeeds_twice);
	tcase_add_test(tc, tls13_name_is_its_own_iana_name);
	tcase_add_test(tc, openssl_name_maps_to_iana_with_pfs);
	tcase_add_test(tc, rsa_key_exchange_has_no_pfs);
	tcase_add_test(tc, iana_name_and_any_case_are_found);
	tcase_add_test(tc, unknown_name_is_not_found);
	tcase_add_test(tc, kv_header_for_postfix_tls13);
	tcase_add_test(tc, kv_header_for_postfix_tls12);
	tcase_add_test(tc, ar_header_for_postfix_tls13);
	tcase_add_test(tc, rsa_cipher_says_no_pfs_in_both_formats);
	tcase_add_test(tc, trusted_client_cert_without_subject);
	tcase_add_test(tc, unknown_cipher_written_as_given_and_flagged);
	tcase_add_test(tc, plain_session_says_none);
	tcase_add_test(tc, hostile_macros_are_sanitised);
	tcase_add_test(tc, long_macro_is_cut_at_64_octets);
	tcase_add_test(tc, authserv_id_of_existing_header);
	tcase_add_test(tc, rendered_header_round_trips_its_authserv_id);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(tls_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
