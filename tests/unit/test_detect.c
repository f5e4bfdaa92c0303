/*++
/* NAME
/*	test_detect 1
/* SUMMARY
/*	unit tests of milter/detect.c and milter/net.c
/* SYNOPSIS
/*	tests/unit/test_detect
/* DESCRIPTION
/*	Each kind of detector on header values modelled on real mail: the
/*	session's address in its textual forms and not inside longer
/*	numbers, names and logins as whole tokens, this server's names
/*	never, address literals but never versions, CIDRs or times, the
/*	by-host of local hops, private names and product tokens; merging
/*	of overlapping hits; networks.
/*--*/
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "detect.h"
#include "net.h"

/* A marked copy of the value: every hit between < and >. */
static char marked[4096];

/* mark - run detect_scan and render the hits into marked */
static const char *
mark(const struct detect_set *ds, unsigned kinds, const char *name,
    const char *v)
{
	struct detect_hits h = {0};
	size_t i, o = 0, k = 0, len = strlen(v);

	ck_assert_int_ge(detect_scan(ds, kinds, name, v, len, &h), 0);
	for (i = 0; i <= len && o + 3 < sizeof(marked); i++) {
		if (k < h.n && h.v[k].off + h.v[k].len == i) {
			marked[o++] = '>';
			k++;
		}
		if (k < h.n && h.v[k].off == i)
			marked[o++] = '<';
		if (i < len)
			marked[o++] = v[i];
	}
	marked[o] = 0;
	detect_hits_free(&h);
	return (marked);
}

/* prep - a set for one session: address text (or NULL), names, login */
static void
prep(struct detect_set *ds, const char *addr, const char *client_name,
    const char *helo, const char *login)
{
	static const char *own[] = {"mail.example.org", "mx.example.org"};
	static struct pm_net keep[2];
	static unsigned char a[16];
	struct detect_input in = {0};
	char why[128];

	ck_assert_int_eq(
	    pm_net_parse("127.0.0.0/8", 11, &keep[0], why, sizeof(why)), 0);
	ck_assert_int_eq(pm_net_parse("::1", 3, &keep[1], why, sizeof(why)), 0);
	if (addr != NULL) {
		if (inet_pton(AF_INET, addr, a) == 1)
			in.family = AF_INET;
		else if (inet_pton(AF_INET6, addr, a) == 1)
			in.family = AF_INET6;
		in.addr = a;
	}
	in.client_name = client_name;
	in.helo = helo;
	in.login = login;
	in.own = own;
	in.nown = 2;
	in.keep = keep;
	in.nkeep = 2;
	ck_assert_int_eq(detect_prepare(ds, &in), 0);
}

START_TEST(ipv4_client_in_every_textual_form)
{
	struct detect_set ds;

	prep(&ds, "203.0.113.45", NULL, NULL, NULL);
	ck_assert_str_eq(
	    mark(&ds, DETECT_SESSION, "X-Test",
	        "from dsl-203-0-113-45.example.net [203.0.113.45]"),
	    "from dsl-<203-0-113-45>.example.net <[203.0.113.45]>");
	ck_assert_str_eq(
	    mark(&ds, DETECT_SESSION, "X-Test",
	        "45.113.0.203.in-addr.arpa h203000113045 pcb00712d.dip"),
	    "<45.113.0.203>.in-addr.arpa h<203000113045> p<cb00712d>.dip");
	ck_assert_str_eq(
	    mark(&ds, DETECT_SESSION, "X-Test",
	        "ip-203-000-113-045 or 45-113-0-203 or ::ffff:203.0.113.45"),
	    "ip-<203-000-113-045> or <45-113-0-203> or ::ffff:<203.0.113.45>");
	detect_free(&ds);
}
END_TEST

START_TEST(ipv4_client_not_inside_longer_numbers)
{
	struct detect_set ds;
	const char *v = "1203.0.113.45 203.0.113.451 10.203.0.113.45 "
	                "203.0.113.45.7 203-0-113-450 acb00712d";

	prep(&ds, "203.0.113.45", NULL, NULL, NULL);
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "X-Test", v), v);
	detect_free(&ds);
}
END_TEST

START_TEST(ipv6_client_compressed_expanded_any_case)
{
	struct detect_set ds;

	prep(&ds, "2001:db8:a0b:12f0::1a", NULL, NULL, NULL);
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "Received",
	                     "from [IPv6:2001:db8:a0b:12f0::1a] by x"),
	    "from <[IPv6:2001:db8:a0b:12f0::1a]> by x");
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "X-Test",
	                     "2001:0DB8:0A0B:12F0:0000:0000:0000:001A; "
	                     "2001:db8:a0b:12f0:0:0:0:1a"),
	    "<2001:0DB8:0A0B:12F0:0000:0000:0000:001A>; "
	    "<2001:db8:a0b:12f0:0:0:0:1a>");
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "X-Test",
	                     "2001:db8:a0b:12f0::1ab 2001:db8:a0b:12f0::1a:5"),
	    "2001:db8:a0b:12f0::1ab 2001:db8:a0b:12f0::1a:5");
	detect_free(&ds);
}
END_TEST

START_TEST(loopback_client_has_no_address_to_find)
{
	struct detect_set ds;

	prep(&ds, "127.0.0.1", "localhost", "localhost", NULL);
	ck_assert_int_eq((int)ds.n, 0);
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "Received",
	                     "from localhost (localhost [127.0.0.1])"),
	    "from localhost (localhost [127.0.0.1])");
	detect_free(&ds);
}
END_TEST

START_TEST(names_are_whole_host_names)
{
	struct detect_set ds;

	prep(&ds, NULL, "ip5b.dyn.example.net", "laptop.home.lan", NULL);
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "X-Test",
	                     "from laptop.home.lan (ip5b.dyn.example.net [x])"),
	    "from <laptop.home.lan> (<ip5b.dyn.example.net> [x])");
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "X-Test",
	                     "a.ip5b.dyn.example.net ip5b.dyn.example.network "
	                     "ip5b.dyn.example.net.evil.example"),
	    "a.ip5b.dyn.example.net ip5b.dyn.example.network "
	    "ip5b.dyn.example.net.evil.example");
	ck_assert_str_eq(mark(&ds, DETECT_SESSION, "X-Test",
	                     "LAPTOP.HOME.LAN. and helo=laptop.home.lan"),
	    "<LAPTOP.HOME.LAN>. and helo=<laptop.home.lan>");
	detect_free(&ds);
}
END_TEST

START_TEST(own_names_and_short_names_are_never_found)
{
	struct detect_set ds;

	prep(&ds, NULL, "unknown", "mail.example.org", NULL);
	ck_assert_int_eq((int)ds.n, 0);
	detect_free(&ds);
	prep(&ds, NULL, "[192.0.2.7]", "pc", NULL);
	ck_assert_int_eq((int)ds.n, 0);
	detect_free(&ds);
}
END_TEST

START_TEST(login_and_its_local_part_as_words)
{
	struct detect_set ds;

	prep(&ds, NULL, NULL, NULL, "alice@example.org");
	ck_assert_str_eq(mark(&ds, DETECT_LOGIN, "X-Source-Dir",
	                     "example.org:/home/alice/public_html"),
	    "example.org:/home/<alice>/public_html");
	ck_assert_str_eq(mark(&ds, DETECT_LOGIN, "X-Test",
	                     "authenticated_id: alice@example.org"),
	    "authenticated_id: <alice@example.org>");
	ck_assert_str_eq(mark(&ds, DETECT_LOGIN, "X-Test",
	                     "malice alice2 alice.smith alice_b"),
	    "malice alice2 alice.smith alice_b");
	ck_assert_str_eq(
	    mark(&ds, DETECT_CLIENT_NAME, "X-Test", "alice"), "alice");
	detect_free(&ds);
	/* A short login of letters only is a word: not looked for. */
	prep(&ds, NULL, NULL, NULL, "web");
	ck_assert_str_eq(mark(&ds, DETECT_LOGIN, "X-E", "for web"), "for web");
	detect_free(&ds);
	prep(&ds, NULL, NULL, NULL, "u77");
	ck_assert_str_eq(
	    mark(&ds, DETECT_LOGIN, "X-E", "for u77"), "for <u77>");
	detect_free(&ds);
}
END_TEST

START_TEST(address_literals_but_not_versions_cidrs_or_times)
{
	struct detect_set ds;
	const char *none = "(8.17.1.9/8.17.1.9) 192.0.2.0/24 version 1.2.3.4 "
	                   "Mon, 23 Nov 2026 11:02:40 +0100 :: std::string "
	                   "00:1a:2b:3c:4d:5e 1.2.3.4.5 v1.2.3.4 0.0.0.0 "
	                   "127.0.0.1 ::1 Exim 4.96 1.2.3";

	prep(&ds, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(mark(&ds, DETECT_ADDRESS, "X-Test", none), none);
	ck_assert_str_eq(
	    mark(&ds, DETECT_ADDRESS, "Received",
	        "by ex01.corp.example (10.0.0.5) with Microsoft SMTP"),
	    "by ex01.corp.example (<10.0.0.5>) with Microsoft SMTP");
	ck_assert_str_eq(
	    mark(&ds, DETECT_ADDRESS, "X-Test",
	        "[IPv6:fe80::1c2a:3bff:fe4d:5e6f%13] fe80::1%eth0."),
	    "<[IPv6:fe80::1c2a:3bff:fe4d:5e6f%13]> <fe80::1%eth0>.");
	ck_assert_str_eq(mark(&ds, DETECT_ADDRESS, "X-Test",
	                     "client=192.0.2.1:587, 198.51.100.7."),
	    "client=<192.0.2.1>:587, <198.51.100.7>.");
	ck_assert_str_eq(mark(&ds, DETECT_ADDRESS, "X-Barracuda-URL",
	                     "https://172.16.1.2:443/cgi-mod/mark.cgi "
	                     "http://[2001:db8::7]/x a/1.2.3.4/y"),
	    "https://<172.16.1.2>:443/cgi-mod/mark.cgi "
	    "http://<[2001:db8::7]>/x a/1.2.3.4/y");
	detect_free(&ds);
}
END_TEST

START_TEST(local_host_of_hops_on_the_senders_machine)
{
	struct detect_set ds;

	prep(&ds, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(mark(&ds, DETECT_LOCAL_HOST, "Received",
	                     "(from olaf@localhost) by ws7.example.net "
	                     "(8.17.1.9/8.17.1.9/Submit) id 3AN9"),
	    "(from olaf@localhost) by <ws7.example.net> "
	    "(8.17.1.9/8.17.1.9/Submit) id 3AN9");
	ck_assert_str_eq(
	    mark(&ds, DETECT_LOCAL_HOST, "Received",
	        "from olaf by nas.example.net with local (Exim 4.96)"),
	    "from olaf by <nas.example.net> with local (Exim 4.96)");
	ck_assert_str_eq(mark(&ds, DETECT_LOCAL_HOST, "Received",
	                     "by box.example.net with local-esmtp (Exim 4.96)"),
	    "by <box.example.net> with local-esmtp (Exim 4.96)");
	ck_assert_str_eq(
	    mark(&ds, DETECT_LOCAL_HOST, "Received",
	        "by ws7.example.net (Postfix, from userid 1000) id 4C"),
	    "by <ws7.example.net> (Postfix, from userid 1000) id 4C");
	ck_assert_str_eq(
	    mark(&ds, DETECT_LOCAL_HOST, "Received",
	        "from ws7.example.net (localhost [127.0.0.1]) by "
	        "ws7.example.net (8.17.1.9/8.17.1.9) with ESMTP id 3A"),
	    "from ws7.example.net (localhost [127.0.0.1]) by "
	    "<ws7.example.net> (8.17.1.9/8.17.1.9) with ESMTP id 3A");
	/* Not a local hop, this server, or another header. */
	ck_assert_str_eq(
	    mark(&ds, DETECT_LOCAL_HOST, "Received",
	        "by mail.example.org (Postfix, from userid 1001) id 4C"),
	    "by mail.example.org (Postfix, from userid 1001) id 4C");
	ck_assert_str_eq(mark(&ds, DETECT_LOCAL_HOST, "Received",
	                     "from a.example (a.example [192.0.2.1]) by "
	                     "b.example (Postfix) with ESMTPS id 4C"),
	    "from a.example (a.example [192.0.2.1]) by b.example (Postfix) "
	    "with ESMTPS id 4C");
	ck_assert_str_eq(mark(&ds, DETECT_LOCAL_HOST, "X-Test",
	                     "by ws7.example.net (Postfix, from userid 1000)"),
	    "by ws7.example.net (Postfix, from userid 1000)");
	ck_assert_str_eq(mark(&ds, DETECT_LOCAL_HOST, "Received",
	                     "by [redacted] (Postfix, from userid 1000)"),
	    "by [redacted] (Postfix, from userid 1000)");
	detect_free(&ds);
}
END_TEST

START_TEST(private_names_and_windows_defaults)
{
	struct detect_set ds;

	prep(&ds, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(mark(&ds, DETECT_PRIVATE_HOST, "X-Test",
	                     "hlenz@kiste.home.lan printer.fritz.box. "
	                     "DESKTOP-7Q2M1LK nas.internal"),
	    "hlenz@<kiste.home.lan> <printer.fritz.box>. <DESKTOP-7Q2M1LK> "
	    "<nas.internal>");
	ck_assert_str_eq(mark(&ds, DETECT_PRIVATE_HOST, "X-Test",
	                     "land.example.org localhost.localdomain lan "
	                     "DESKTOP-7Q2M1LKX mail.example.local"),
	    "land.example.org localhost.localdomain lan DESKTOP-7Q2M1LKX "
	    "<mail.example.local>");
	detect_free(&ds);
}
END_TEST

START_TEST(dynamic_names_of_client_lines)
{
	struct detect_set ds;

	prep(&ds, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(mark(&ds, DETECT_DYNAMIC_HOST, "X-Test",
	                     "dsl-203-0-113-45.example.net "
	                     "p4fd2c3a1.dip0.t-ipconnect.example "
	                     "ip5b5b0102.dynamic.kabel.example "
	                     "45.113.0.203.static.example pool-12.example.net"),
	    "<dsl-203-0-113-45.example.net> "
	    "<p4fd2c3a1.dip0.t-ipconnect.example> "
	    "<ip5b5b0102.dynamic.kabel.example> "
	    "<45.113.0.203.static.example> <pool-12.example.net>");
	ck_assert_str_eq(mark(&ds, DETECT_DYNAMIC_HOST, "X-Test",
	                     "mail.example.org mx2.example.net 192.0.2.1 "
	                     "dynamics.example.com res.example.com 8.17.1.9 "
	                     "v1-2-3-4.example 00400317.4C87FB1D.00000DF6"),
	    "mail.example.org mx2.example.net 192.0.2.1 dynamics.example.com "
	    "res.example.com 8.17.1.9 <v1-2-3-4.example> "
	    "00400317.4C87FB1D.00000DF6");
	detect_free(&ds);
}
END_TEST

START_TEST(accounts_in_the_forms_mtas_write)
{
	struct detect_set ds;

	prep(&ds, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(
	    mark(&ds, DETECT_ACCOUNT, "Received",
	        "(Authenticated sender: anna@example.org) by mx "
	        "(Postfix, from userid 1001) (qmail 4711 invoked by "
	        "uid 1000) (from olaf@localhost)"),
	    "(Authenticated sender: <anna@example.org>) by mx "
	    "(Postfix, from userid <1001>) (qmail 4711 invoked by uid <1000>) "
	    "(from <olaf>@localhost)");
	ck_assert_str_eq(mark(&ds, DETECT_ACCOUNT, "X-Get-Message-Sender-Via",
	                     "srv1.example.com: authenticated_id: anna/from_h"),
	    "srv1.example.com: authenticated_id: <anna/from_h>");
	ck_assert_str_eq(mark(&ds, DETECT_ACCOUNT, "Authentication-Results",
	                     "mx.example.org; smtp.auth=anna; dkim=pass"),
	    "mx.example.org; smtp.auth=<anna>; dkim=pass");
	ck_assert_str_eq(
	    mark(&ds, DETECT_ACCOUNT, "X-Test",
	        "(from bob@example.net) preauth=x invoked by alias"),
	    "(from bob@example.net) preauth=x invoked by alias");
	detect_free(&ds);
}
END_TEST

START_TEST(product_and_version_tokens)
{
	struct detect_set ds;

	prep(&ds, NULL, NULL, NULL, NULL);
	ck_assert_str_eq(mark(&ds, DETECT_PRODUCT, "User-Agent",
	                     "Mozilla/5.0 (X11; rv:128.0) Gecko/20100101 "
	                     "Thunderbird/128.5.0esr"),
	    "<Mozilla/5.0> (X11; rv:128.0) Gecko/20100101 "
	    "<Thunderbird/128.5.0esr>");
	ck_assert_str_eq(mark(&ds, DETECT_PRODUCT, "X-Test",
	                     "with esmtp (Exim 4.96) Nov 2026 TLSv1.3"),
	    "with esmtp (<Exim 4.96>) Nov 2026 TLSv1.3");
	ck_assert_str_eq(
	    mark(&ds, DETECT_PRODUCT, "X-PHP-Script",
	        "www.example.org/x.php for 203.0.113.99 via 1.2.3.4"),
	    "www.example.org/x.php for 203.0.113.99 via 1.2.3.4");
	detect_free(&ds);
}
END_TEST

START_TEST(overlapping_hits_merge)
{
	struct detect_set ds;
	struct detect_hits h = {0};
	const char *v = "from ip-203-0-113-45.example.net (ip-203-0-113-45."
	                "example.net [203.0.113.45])";

	prep(&ds, "203.0.113.45", "ip-203-0-113-45.example.net", NULL, NULL);
	ck_assert_str_eq(
	    mark(&ds, DETECT_SESSION | DETECT_ADDRESS, "X-Test", v),
	    "from <ip-203-0-113-45.example.net> (<ip-203-0-113-45.example.net> "
	    "<[203.0.113.45]>)");
	ck_assert_int_eq(detect_scan(&ds, DETECT_SESSION | DETECT_ADDRESS,
	                     "X-Test", v, strlen(v), &h),
	    3);
	ck_assert_uint_eq(
	    h.v[0].kind, DETECT_CLIENT_ADDRESS | DETECT_CLIENT_NAME);
	ck_assert_uint_eq(h.v[2].kind, DETECT_CLIENT_ADDRESS | DETECT_ADDRESS);
	detect_hits_free(&h);
	detect_free(&ds);
}
END_TEST

START_TEST(kind_names_round_trip)
{
	ck_assert_uint_eq(detect_kind_parse("session", 7), DETECT_SESSION);
	ck_assert_uint_eq(
	    detect_kind_parse("Local-Host", 10), DETECT_LOCAL_HOST);
	ck_assert_uint_eq(detect_kind_parse("sess", 4), 0);
	ck_assert_str_eq(detect_kind_name(DETECT_PRIVATE_HOST), "private-host");
}
END_TEST

START_TEST(networks_parse_and_contain)
{
	struct pm_net n;
	char why[128];
	unsigned char a[16];

	ck_assert_int_eq(
	    pm_net_parse("192.0.2.0/24", 12, &n, why, sizeof(why)), 0);
	inet_pton(AF_INET, "192.0.2.77", a);
	ck_assert_int_eq(pm_net_has(&n, AF_INET, a), 1);
	inet_pton(AF_INET6, "::ffff:192.0.2.77", a);
	ck_assert_int_eq(pm_net_has(&n, AF_INET6, a), 1);
	inet_pton(AF_INET, "192.0.3.1", a);
	ck_assert_int_eq(pm_net_has(&n, AF_INET, a), 0);
	ck_assert_int_eq(
	    pm_net_parse("192.0.2.1/24", 12, &n, why, sizeof(why)), -1);
	ck_assert_str_eq(why,
	    "address has bits set beyond the prefix length /24 (did you mean 192.0.2.0/24?)");
	ck_assert_int_eq(
	    pm_net_parse("[2001:db8::]/33", 15, &n, why, sizeof(why)), 0);
	inet_pton(AF_INET6, "2001:db8:7fff::1", a);
	ck_assert_int_eq(pm_net_has(&n, AF_INET6, a), 1);
	ck_assert_int_eq(pm_net_parse("host", 4, &n, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "\"host\" is not an IPv4 or IPv6 address");
	ck_assert_int_eq(
	    pm_net_parse("10.0.0.0/33", 11, &n, why, sizeof(why)), -1);
	ck_assert_str_eq(
	    why, "prefix length \"33\" must be a number from 0 to 32");
}
END_TEST

/* detect_suite - all tests */
static Suite *
detect_suite(void)
{
	Suite *s = suite_create("detect");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ipv4_client_in_every_textual_form);
	tcase_add_test(tc, ipv4_client_not_inside_longer_numbers);
	tcase_add_test(tc, ipv6_client_compressed_expanded_any_case);
	tcase_add_test(tc, loopback_client_has_no_address_to_find);
	tcase_add_test(tc, names_are_whole_host_names);
	tcase_add_test(tc, own_names_and_short_names_are_never_found);
	tcase_add_test(tc, login_and_its_local_part_as_words);
	tcase_add_test(tc, address_literals_but_not_versions_cidrs_or_times);
	tcase_add_test(tc, local_host_of_hops_on_the_senders_machine);
	tcase_add_test(tc, private_names_and_windows_defaults);
	tcase_add_test(tc, dynamic_names_of_client_lines);
	tcase_add_test(tc, accounts_in_the_forms_mtas_write);
	tcase_add_test(tc, product_and_version_tokens);
	tcase_add_test(tc, overlapping_hits_merge);
	tcase_add_test(tc, kind_names_round_trip);
	tcase_add_test(tc, networks_parse_and_contain);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(detect_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
