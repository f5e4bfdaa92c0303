/*++
/* NAME
/*	test_net 1
/* SUMMARY
/*	unit tests of milter/net.c
/* SYNOPSIS
/*	tests/unit/test_net
/* DESCRIPTION
/*	IPv4 and IPv6 networks with and without a prefix, brackets, every
/*	refusal with its sentence (the one for host bits names the network
/*	meant), and containment, IPv4-mapped IPv6 addresses included.
/*--*/
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net.h"

/* parse_ok - a network that must parse */
static struct pm_net
parse_ok(const char *s)
{
	struct pm_net c;
	char why[300];

	ck_assert_msg(pm_net_parse(s, strlen(s), &c, why, sizeof(why)) == 0,
	    "%s: %s", s, why);
	return (c);
}

/* refused - why a network is refused */
static const char *
refused(const char *s)
{
	static char why[300];
	struct pm_net c;

	ck_assert_int_eq(pm_net_parse(s, strlen(s), &c, why, sizeof(why)), -1);
	return (why);
}

/* has - the network contains the textual address */
static int
has(const char *net, const char *addr)
{
	struct pm_net c = parse_ok(net);
	unsigned char a[16];

	if (inet_pton(AF_INET, addr, a) == 1)
		return (pm_net_has(&c, AF_INET, a));
	ck_assert_int_eq(inet_pton(AF_INET6, addr, a), 1);
	return (pm_net_has(&c, AF_INET6, a));
}

START_TEST(networks_parse)
{
	struct pm_net c;

	c = parse_ok("192.0.2.0/24");
	ck_assert_int_eq(c.family, AF_INET);
	ck_assert_uint_eq(c.prefix, 24);
	c = parse_ok("10.1.2.3");
	ck_assert_uint_eq(c.prefix, 32);
	c = parse_ok("2001:db8::/32");
	ck_assert_int_eq(c.family, AF_INET6);
	ck_assert_uint_eq(c.prefix, 32);
	c = parse_ok("[::1]");
	ck_assert_uint_eq(c.prefix, 128);
	c = parse_ok("[2001:db8::]/48");
	ck_assert_uint_eq(c.prefix, 48);
	c = parse_ok("0.0.0.0/0");
	ck_assert_uint_eq(c.prefix, 0);
}
END_TEST

START_TEST(refusals_say_why)
{
	ck_assert_str_eq(refused("192.0.2.1/24"),
	    "address has bits set beyond the prefix length /24 (did you mean 192.0.2.0/24?)");
	ck_assert_str_eq(refused("2001:db8::1/32"),
	    "address has bits set beyond the prefix length /32 (did you mean 2001:db8::/32?)");
	ck_assert_str_eq(refused("192.0.2.0/33"),
	    "prefix length \"33\" must be a number from 0 to 32");
	ck_assert_str_eq(refused("192.0.2.0/"),
	    "prefix length \"\" must be a number from 0 to 32");
	ck_assert_str_eq(refused("::/-1"),
	    "prefix length \"-1\" must be a number from 0 to 128");
	ck_assert_str_eq(refused("host.example"),
	    "\"host.example\" is not an IPv4 or IPv6 address");
	ck_assert_str_eq(refused(""), "not an IPv4 or IPv6 address");
}
END_TEST

START_TEST(containment)
{
	ck_assert_int_eq(has("192.0.2.0/24", "192.0.2.77"), 1);
	ck_assert_int_eq(has("192.0.2.64/26", "192.0.2.77"), 1);
	ck_assert_int_eq(has("192.0.2.0/26", "192.0.2.77"), 0);
	ck_assert_int_eq(has("192.0.2.77", "192.0.2.77"), 1);
	ck_assert_int_eq(has("0.0.0.0/0", "198.51.100.1"), 1);
	ck_assert_int_eq(has("::/0", "198.51.100.1"), 0);
	ck_assert_int_eq(has("2001:db8::/32", "2001:db8::5"), 1);
	ck_assert_int_eq(has("2001:db8:1::/48", "2001:db8::5"), 0);
	/* An IPv4-mapped IPv6 client is the IPv4 address it carries. */
	ck_assert_int_eq(has("192.0.2.0/24", "::ffff:192.0.2.9"), 1);
	ck_assert_int_eq(has("192.0.2.0/24", "::ffff:198.51.100.9"), 0);
	ck_assert_int_eq(has("::ffff:0:0/96", "::ffff:192.0.2.9"), 1);
}
END_TEST

/* net_suite - all tests */
static Suite *
net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, networks_parse);
	tcase_add_test(tc, refusals_say_why);
	tcase_add_test(tc, containment);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(net_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
