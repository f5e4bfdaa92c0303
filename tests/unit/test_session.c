/*++
/* NAME
/*	test_session 1
/* SUMMARY
/*	unit tests of milter/session.c
/* SYNOPSIS
/*	tests/unit/test_session
/* DESCRIPTION
/*	Macro storage by name (with and without braces), per-message and
/*	per-HELO resets, client addresses from sockaddr and text, the
/*	local-submission test and the sender domain.
/*--*/
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "session.h"

START_TEST(init_is_empty_with_unknown_port)
{
	struct pm_session s;

	session_init(&s);
	ck_assert_int_eq(s.family, 0);
	ck_assert_int_eq(s.port, -1);
	ck_assert_str_eq(s.client_addr, "");
	ck_assert_ptr_null(s.tls_version);
	ck_assert_int_eq(session_is_authenticated(&s), 0);
	ck_assert_int_eq(session_has_tls(&s), 0);
	ck_assert_int_eq(session_is_local(&s), 0);
	ck_assert_ptr_null(session_sender_domain(&s));
	session_free(&s);
}
END_TEST

START_TEST(macros_with_and_without_braces_fill_fields)
{
	struct pm_session s;

	session_init(&s);
	ck_assert_int_eq(
	    session_set_macro(&s, "{daemon_name}", "submission"), 0);
	ck_assert_int_eq(session_set_macro(&s, "daemon_port", "587"), 0);
	ck_assert_int_eq(session_set_macro(&s, "{tls_version}", "TLSv1.3"), 0);
	ck_assert_int_eq(
	    session_set_macro(&s, "cipher", "TLS_AES_256_GCM_SHA384"), 0);
	ck_assert_int_eq(session_set_macro(&s, "{cipher_bits}", "256"), 0);
	ck_assert_int_eq(session_set_macro(&s, "{cert_subject}", "CN=x"), 0);
	ck_assert_int_eq(session_set_macro(&s, "cert_issuer", "CN=ca"), 0);
	ck_assert_int_eq(session_set_macro(&s, "{auth_authen}", "alice"), 0);
	ck_assert_int_eq(session_set_macro(&s, "auth_type", "PLAIN"), 0);
	ck_assert_int_eq(
	    session_set_macro(&s, "{mail_addr}", "alice@Example.ORG"), 0);
	ck_assert_int_eq(session_set_macro(&s, "{i}", "4ABC123"), 0);
	ck_assert_int_eq(
	    session_set_macro(&s, "client_name", "mx.example.net"), 0);
	ck_assert_str_eq(s.daemon_name, "submission");
	ck_assert_str_eq(s.daemon_port, "587");
	ck_assert_str_eq(s.tls_version, "TLSv1.3");
	ck_assert_str_eq(s.cipher, "TLS_AES_256_GCM_SHA384");
	ck_assert_str_eq(s.cipher_bits, "256");
	ck_assert_str_eq(s.cert_subject, "CN=x");
	ck_assert_str_eq(s.cert_issuer, "CN=ca");
	ck_assert_str_eq(s.auth_authen, "alice");
	ck_assert_str_eq(s.auth_type, "PLAIN");
	ck_assert_str_eq(s.sender, "alice@Example.ORG");
	ck_assert_str_eq(s.queue_id, "4ABC123");
	ck_assert_str_eq(s.client_name, "mx.example.net");
	ck_assert_int_eq(session_is_authenticated(&s), 1);
	ck_assert_int_eq(session_has_tls(&s), 1);
	ck_assert_str_eq(session_sender_domain(&s), "Example.ORG");
	session_free(&s);
}
END_TEST

START_TEST(unknown_macro_is_ignored)
{
	struct pm_session s;

	session_init(&s);
	ck_assert_int_eq(session_set_macro(&s, "{j}", "host"), 0);
	ck_assert_int_eq(
	    session_set_macro(
	        &s, "{averyveryveryverylongmacronamethatisnotknown}", "x"),
	    0);
	ck_assert_int_eq(session_set_macro(&s, "{}", "x"), 0);
	ck_assert_ptr_null(s.daemon_name);
	session_free(&s);
}
END_TEST

START_TEST(empty_value_clears_field)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "{auth_authen}", "alice");
	ck_assert_int_eq(session_set_macro(&s, "{auth_authen}", ""), 0);
	ck_assert_ptr_null(s.auth_authen);
	session_set_macro(&s, "{tls_version}", "TLSv1.2");
	ck_assert_int_eq(session_set_macro(&s, "tls_version", NULL), 0);
	ck_assert_int_eq(session_has_tls(&s), 0);
	session_free(&s);
}
END_TEST

START_TEST(reset_message_keeps_connection_facts)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "{daemon_name}", "submission");
	session_set_macro(&s, "{tls_version}", "TLSv1.3");
	session_set_macro(&s, "{auth_authen}", "alice");
	session_set_macro(&s, "{auth_type}", "PLAIN");
	session_set_macro(&s, "{mail_addr}", "a@example.org");
	session_set_macro(&s, "{i}", "QID");
	session_reset_message(&s);
	ck_assert_ptr_null(s.auth_authen);
	ck_assert_ptr_null(s.auth_type);
	ck_assert_ptr_null(s.sender);
	ck_assert_ptr_null(s.queue_id);
	ck_assert_str_eq(s.daemon_name, "submission");
	ck_assert_str_eq(s.tls_version, "TLSv1.3");
	session_free(&s);
}
END_TEST

START_TEST(reset_tls_clears_only_tls_facts)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "{daemon_name}", "smtpd");
	session_set_macro(&s, "{tls_version}", "TLSv1.3");
	session_set_macro(&s, "{cipher}", "TLS_AES_128_GCM_SHA256");
	session_set_macro(&s, "{cipher_bits}", "128");
	session_set_macro(&s, "{cert_subject}", "CN=a");
	session_set_macro(&s, "{cert_issuer}", "CN=b");
	session_set_macro(&s, "{auth_authen}", "bob");
	session_reset_tls(&s);
	ck_assert_ptr_null(s.tls_version);
	ck_assert_ptr_null(s.cipher);
	ck_assert_ptr_null(s.cipher_bits);
	ck_assert_ptr_null(s.cert_subject);
	ck_assert_ptr_null(s.cert_issuer);
	ck_assert_str_eq(s.daemon_name, "smtpd");
	ck_assert_str_eq(s.auth_authen, "bob");
	session_free(&s);
}
END_TEST

START_TEST(client_from_sockaddr_in)
{
	struct pm_session s;
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(12345);
	inet_pton(AF_INET, "192.0.2.7", &sin.sin_addr);
	session_init(&s);
	ck_assert_int_eq(session_set_client(
	                     &s, "client.example.net", (struct sockaddr *)&sin),
	    0);
	ck_assert_int_eq(s.family, AF_INET);
	ck_assert_int_eq(s.port, 12345);
	ck_assert_str_eq(s.client_addr, "192.0.2.7");
	ck_assert_str_eq(s.client_name, "client.example.net");
	ck_assert_int_eq(s.addr[0], 192);
	ck_assert_int_eq(s.addr[3], 7);
	session_free(&s);
}
END_TEST

START_TEST(client_from_sockaddr_in6)
{
	struct pm_session s;
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(25);
	inet_pton(AF_INET6, "2001:db8::25", &sin6.sin6_addr);
	session_init(&s);
	session_set_client(&s, "mx", (struct sockaddr *)&sin6);
	ck_assert_int_eq(s.family, AF_INET6);
	ck_assert_int_eq(s.port, 25);
	ck_assert_str_eq(s.client_addr, "2001:db8::25");
	session_free(&s);
}
END_TEST

START_TEST(v4_mapped_v6_is_stored_as_v4)
{
	struct pm_session s;
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(0);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6.sin6_addr);
	session_init(&s);
	session_set_client(&s, "localhost", (struct sockaddr *)&sin6);
	ck_assert_int_eq(s.family, AF_INET);
	ck_assert_str_eq(s.client_addr, "127.0.0.1");
	ck_assert_int_eq(s.port, 0);
	ck_assert_int_eq(session_is_local(&s), 1);
	ck_assert_int_eq(session_set_addr(&s, "::ffff:192.0.2.1"), 0);
	ck_assert_int_eq(s.family, AF_INET);
	ck_assert_str_eq(s.client_addr, "192.0.2.1");
	session_free(&s);
}
END_TEST

START_TEST(unix_socket_and_null_give_unknown_family)
{
	struct pm_session s;
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/tmp/x");
	session_init(&s);
	session_set_client(&s, "localhost", (struct sockaddr *)&sun);
	ck_assert_int_eq(s.family, 0);
	ck_assert_int_eq(s.port, -1);
	ck_assert_str_eq(s.client_addr, "");
	session_set_client(&s, "localhost", NULL);
	ck_assert_int_eq(s.family, 0);
	ck_assert_int_eq(s.port, -1);
	ck_assert_int_eq(session_is_local(&s), 0);
	session_free(&s);
}
END_TEST

START_TEST(set_addr_parses_text_forms)
{
	struct pm_session s;

	session_init(&s);
	ck_assert_int_eq(session_set_addr(&s, "198.51.100.9"), 0);
	ck_assert_int_eq(s.family, AF_INET);
	ck_assert_str_eq(s.client_addr, "198.51.100.9");
	ck_assert_int_eq(session_set_addr(&s, "[2001:DB8::1]"), 0);
	ck_assert_int_eq(s.family, AF_INET6);
	ck_assert_str_eq(s.client_addr, "2001:db8::1");
	ck_assert_int_eq(session_set_addr(&s, "IPv6:::1"), 0);
	ck_assert_str_eq(s.client_addr, "::1");
	ck_assert_int_eq(session_set_addr(&s, "not-an-address"), -1);
	ck_assert_int_eq(s.family, 0);
	ck_assert_str_eq(s.client_addr, "");
	ck_assert_int_eq(session_set_addr(&s, "1.2.3.4.5"), -1);
	ck_assert_int_eq(session_set_macro(&s, "client_addr", "10.0.0.1"), 0);
	ck_assert_str_eq(s.client_addr, "10.0.0.1");
	session_free(&s);
}
END_TEST

START_TEST(client_port_pseudo_macro)
{
	struct pm_session s;

	session_init(&s);
	ck_assert_int_eq(session_set_macro(&s, "client_port", "0"), 0);
	ck_assert_int_eq(s.port, 0);
	ck_assert_int_eq(session_set_macro(&s, "client_port", "65535"), 0);
	ck_assert_int_eq(s.port, 65535);
	ck_assert_int_eq(session_set_macro(&s, "client_port", "65536"), -1);
	ck_assert_int_eq(s.port, -1);
	ck_assert_int_eq(session_set_macro(&s, "client_port", "x1"), -1);
	ck_assert_int_eq(session_set_macro(&s, "client_port", "25"), 0);
	ck_assert_int_eq(session_set_macro(&s, "client_port", ""), 0);
	ck_assert_int_eq(s.port, -1);
	session_free(&s);
}
END_TEST

START_TEST(local_submission_is_port_0_from_loopback)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "client_addr", "127.0.0.1");
	session_set_macro(&s, "client_port", "0");
	ck_assert_int_eq(session_is_local(&s), 1);
	session_set_macro(&s, "client_addr", "::1");
	ck_assert_int_eq(session_is_local(&s), 1);
	session_set_macro(&s, "client_addr", "");
	ck_assert_int_eq(session_is_local(&s), 1);
	session_set_macro(&s, "client_addr", "192.0.2.1");
	ck_assert_int_eq(session_is_local(&s), 0);
	session_set_macro(&s, "client_addr", "2001:db8::1");
	ck_assert_int_eq(session_is_local(&s), 0);
	session_free(&s);
}
END_TEST

START_TEST(loopback_with_real_port_is_not_local)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "client_addr", "127.0.0.1");
	session_set_macro(&s, "client_port", "12345");
	ck_assert_int_eq(session_is_local(&s), 0);
	session_set_macro(&s, "client_addr", "::1");
	ck_assert_int_eq(session_is_local(&s), 0);
	session_set_macro(&s, "client_port", "");
	ck_assert_int_eq(session_is_local(&s), 0);
	session_free(&s);
}
END_TEST

START_TEST(sender_domain_strips_brackets)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "{mail_addr}", "<bob@Mail.Example.org>");
	ck_assert_str_eq(s.sender, "bob@Mail.Example.org");
	ck_assert_str_eq(session_sender_domain(&s), "Mail.Example.org");
	session_set_macro(&s, "{mail_addr}", "<>");
	ck_assert_ptr_null(s.sender);
	ck_assert_ptr_null(session_sender_domain(&s));
	session_set_macro(&s, "{mail_addr}", "postmaster");
	ck_assert_ptr_null(session_sender_domain(&s));
	session_set_macro(&s, "{mail_addr}", "odd@");
	ck_assert_ptr_null(session_sender_domain(&s));
	session_set_macro(&s, "{mail_addr}", "<@relay.example:u@dom.example>");
	ck_assert_str_eq(session_sender_domain(&s), "dom.example");
	session_free(&s);
}
END_TEST

/* session_suite - all tests */
static Suite *
session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, init_is_empty_with_unknown_port);
	tcase_add_test(tc, macros_with_and_without_braces_fill_fields);
	tcase_add_test(tc, unknown_macro_is_ignored);
	tcase_add_test(tc, empty_value_clears_field);
	tcase_add_test(tc, reset_message_keeps_connection_facts);
	tcase_add_test(tc, reset_tls_clears_only_tls_facts);
	tcase_add_test(tc, client_from_sockaddr_in);
	tcase_add_test(tc, client_from_sockaddr_in6);
	tcase_add_test(tc, v4_mapped_v6_is_stored_as_v4);
	tcase_add_test(tc, unix_socket_and_null_give_unknown_family);
	tcase_add_test(tc, set_addr_parses_text_forms);
	tcase_add_test(tc, client_port_pseudo_macro);
	tcase_add_test(tc, local_submission_is_port_0_from_loopback);
	tcase_add_test(tc, loopback_with_real_port_is_not_local);
	tcase_add_test(tc, sender_domain_strips_brackets);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(session_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
