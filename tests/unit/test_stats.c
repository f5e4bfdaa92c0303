/*++
/* NAME
/*	test_stats 1
/* SUMMARY
/*	unit tests of milter/stats.c
/* SYNOPSIS
/*	tests/unit/test_stats
/* DESCRIPTION
/*	The counters in a block of malloc'd memory: messages by scope,
/*	edits, rule hits that follow a moved rule and vanish with a removed
/*	one, the bound on rule series, leaks found, the fail policy, TLS
/*	sessions, reloads, restarts, the histogram, label escaping, the
/*	--stats table, concurrent first hits, and that the shipped Grafana
/*	dashboard and alert rules name only exported metrics.
/*--*/
#include <check.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "rules.h"
#include "session.h"
#include "stats.h"

static struct stats *
new_block(void)
{
	void *m = calloc(1, stats_size());

	ck_assert_ptr_nonnull(m);
	stats_init(m, 4242, 1700000000);
	return (m);
}

/* expo - the exposition of st, malloc'd */
static char *
expo(const struct stats *st)
{
	struct pm_buf b = PM_BUF_INIT;

	ck_assert_int_eq(stats_format_prometheus(st, &b), 0);
	return (pm_buf_steal(&b));
}

/* has - text holds the line */
static int
has(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return (1);
	return (0);
}

#define HAS(t, l) ck_assert_msg(has((t), (l)), "missing: %s\n%s", (l), (t))
#define HASNT(t, l) ck_assert_msg(!has((t), (l)), "present: %s", (l))

/* load_named - rules from text as file name */
static struct ruleset *
load_named(const char *name, const char *text)
{
	struct rules_options o = {0};
	struct ruleset *rs;

	rs = rules_load_string(name, text, strlen(text), &o, NULL);
	ck_assert_ptr_nonnull(rs);
	return (rs);
}

/* hit - one message in which the rules seqs[0..n) of rs matched */
static void
hit(struct stats *st, const struct ruleset *rs, const unsigned *seqs, size_t n,
    unsigned long gen)
{
	const struct rule *m[16];
	struct engine_result res;
	struct stats_msg msg;
	size_t i;

	memset(&res, 0, sizeof(res));
	for (i = 0; i < n; i++)
		m[i] = rules_get(rs, seqs[i]);
	res.matched = m;
	res.nmatched = n;
	memset(&msg, 0, sizeof(msg));
	msg.scope = STATS_AUTHENTICATED;
	msg.res = &res;
	msg.generation = gen;
	msg.eom_ns = 1000;
	stats_message(st, &msg);
}

START_TEST(a_new_block_shows_every_family_at_zero)
{
	struct stats *st = new_block();
	char *e = expo(st), line[256];
	size_t i;

	ck_assert_ptr_eq(stats_check(st, stats_size()), st);
	ck_assert_ptr_null(stats_check(st, stats_size() - 1));
	for (i = 0; stats_families[i] != NULL; i++) {
		snprintf(line, sizeof(line), "# TYPE %s ", stats_families[i]);
		ck_assert_msg(strstr(e, line) != NULL, "%s", line);
	}
	HAS(e, "privacy_milter_messages_total{scope=\"authenticated\"} 0");
	HAS(e, "privacy_milter_messages_total{scope=\"inbound\"} 0");
	HAS(e, "privacy_milter_rule_hits_total{rule=\"other\"} 0");
	HAS(e,
	    "privacy_milter_fail_policy_total{cause=\"match_limit\","
	    "action=\"tempfail\"} 0");
	HAS(e, "privacy_milter_leaks_found_total{kind=\"client-address\"} 0");
	HAS(e, "privacy_milter_last_reload_successful 1");
	HAS(e,
	    "privacy_milter_last_reload_success_timestamp_seconds "
	    "1700000000");
	HAS(e, "privacy_milter_start_time_seconds 1700000000");
	HAS(e, "privacy_milter_eom_duration_seconds_bucket{le=\"+Inf\"} 0");
	HAS(e, "privacy_milter_eom_duration_seconds_count 0");
	ck_assert_ptr_null(strstr(e, "tls_sessions_total{"));
	free(e);
	((unsigned char *)st)[0] ^= 1;
	ck_assert_ptr_null(stats_check(st, stats_size()));
	free(st);
}
END_TEST

START_TEST(scope_of_a_message)
{
	struct pm_session s;

	session_init(&s);
	session_set_macro(&s, "client_addr", "198.51.100.7");
	session_set_macro(&s, "client_port", "40000");
	ck_assert_int_eq(stats_scope(&s, 0), STATS_INBOUND);
	/* Forwarded from outside is inbound still: not our users' mail. */
	ck_assert_int_eq(stats_scope(&s, 1), STATS_INBOUND);
	session_set_macro(&s, "{auth_authen}", "anna");
	ck_assert_int_eq(stats_scope(&s, 0), STATS_AUTHENTICATED);
	ck_assert_int_eq(stats_scope(&s, 1), STATS_FORWARDED);
	session_free(&s);
	session_init(&s);
	session_set_macro(&s, "client_addr", "127.0.0.1");
	session_set_macro(&s, "client_port", "0");
	ck_assert_int_eq(stats_scope(&s, 0), STATS_LOCAL);
	ck_assert_int_eq(stats_scope(&s, 1), STATS_FORWARDED);
	session_free(&s);
	ck_assert_int_eq(stats_scope(NULL, 0), STATS_INBOUND);
}
END_TEST

START_TEST(a_message_counts_edits_hits_and_leaks)
{
	static const struct engine_header h[] = {
	    {"User-Agent", " Thunderbird/115"},
	    {"X-Originating-IP", " [203.0.113.45]"},
	    {"Subject", " hi"},
	};
	struct ruleset *rs = load_named("/etc/privacy-milter/t.rules",
	    "remove User-Agent name ua\n"
	    "redact * find session, address with \"[x]\"\n"
	    "keep Subject\n");
	struct stats *st = new_block();
	struct engine_params p;
	struct engine_result res;
	struct pm_error err;
	struct pm_session s;
	struct stats_msg m;
	char *e;

	session_init(&s);
	session_set_macro(&s, "client_addr", "203.0.113.45");
	session_set_macro(&s, "client_port", "40000");
	session_set_macro(&s, "{auth_authen}", "anna");
	memset(&p, 0, sizeof(p));
	p.rules = rs;
	p.session = &s;
	p.tls_header_name = "X-TLS-Info";
	p.tls_header_value = " mx; tls=none";
	p.authserv_id = "mx";
	ck_assert_int_eq(engine_run(&p, h, 3, &res, &err), 0);
	stats_install(st, rs, 1);
	memset(&m, 0, sizeof(m));
	m.scope = stats_scope(&s, res.forwarded);
	m.res = &res;
	m.edits_made = 1;
	m.generation = 1;
	m.eom_ns = 300000; /* 0.3 ms */
	stats_message(st, &m);
	m.edits_made = 0; /* DryRun: hits, no edits */
	m.eom_ns = 2000000000; /* 2 s */
	stats_message(st, &m);
	e = expo(st);
	HAS(e, "privacy_milter_messages_total{scope=\"authenticated\"} 2");
	HAS(e, "privacy_milter_messages_changed_total 1");
	HAS(e, "privacy_milter_edits_total{kind=\"remove\"} 1");
	HAS(e, "privacy_milter_edits_total{kind=\"change\"} 1");
	HAS(e, "privacy_milter_edits_total{kind=\"tls_header\"} 1");
	HAS(e, "privacy_milter_edits_total{kind=\"insert\"} 0");
	ck_assert_msg(strstr(e,
	                  "privacy_milter_rule_hits_total{rule=\"t.rules:1"
	                  "\",id=\"") != NULL,
	    "%s", e);
	ck_assert_ptr_nonnull(strstr(e, "\",name=\"ua\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(e, "{rule=\"t.rules:2\",id=\""));
	ck_assert_ptr_nonnull(strstr(e, "{rule=\"t.rules:3\",id=\""));
	HAS(e, "privacy_milter_leaks_found_total{kind=\"client-address\"} 2");
	HAS(e, "privacy_milter_leaks_found_total{kind=\"address\"} 2");
	HAS(e, "privacy_milter_eom_duration_seconds_bucket{le=\"0.00025\"} 0");
	HAS(e, "privacy_milter_eom_duration_seconds_bucket{le=\"0.0005\"} 1");
	HAS(e, "privacy_milter_eom_duration_seconds_bucket{le=\"1\"} 1");
	HAS(e, "privacy_milter_eom_duration_seconds_bucket{le=\"+Inf\"} 2");
	HAS(e, "privacy_milter_eom_duration_seconds_sum 2.000300000");
	HAS(e, "privacy_milter_eom_duration_seconds_count 2");
	HAS(e, "privacy_milter_generation 1");
	HAS(e, "privacy_milter_rules 3");
	free(e);
	engine_result_free(&res);
	session_free(&s);
	rules_unref(rs);
	free(st);
}
END_TEST

/* rule_line - the exposition line of the rule hits of file:line, or "" */
static void
rule_line(const char *e, const char *where, char *buf, size_t len)
{
	char key[128];
	const char *p, *nl;

	snprintf(key, sizeof(key), "privacy_milter_rule_hits_total{rule=\"%s\"",
	    where);
	buf[0] = 0;
	if ((p = strstr(e, key)) == NULL)
		return;
	nl = strchr(p, '\n');
	snprintf(buf, len, "%.*s", (int)(nl - p), p);
}

START_TEST(hits_follow_a_moved_rule_and_vanish_with_a_removed_one)
{
	struct ruleset *a = load_named("t.rules", "remove X-A\nremove X-B\n");
	struct ruleset *b = load_named("/other/dir/t.rules",
	    "# new first line\nremove X-C\nremove   X-A\n");
	struct stats *st = new_block();
	unsigned both[] = {0, 1}, first = 0;
	char l1[256], l2[256], id[64];
	char *e;

	stats_install(st, a, 1);
	hit(st, a, both, 2, 1);
	hit(st, a, &first, 1, 1);
	e = expo(st);
	rule_line(e, "t.rules:1", l1, sizeof(l1));
	ck_assert_ptr_nonnull(strstr(l1, "} 2"));
	rule_line(e, "t.rules:2", l2, sizeof(l2));
	ck_assert_ptr_nonnull(strstr(l2, "} 1"));
	snprintf(id, sizeof(id), "%s", strstr(l1, "id="));
	free(e);
	/* Reload: X-A moved to line 3, X-B gone, X-C new and not hit. */
	stats_install(st, b, 2);
	e = expo(st);
	rule_line(e, "t.rules:3", l1, sizeof(l1));
	ck_assert_msg(strstr(l1, "} 2") != NULL, "%s", e);
	ck_assert_str_eq(strstr(l1, "id="), id);
	rule_line(e, "t.rules:2", l2, sizeof(l2));
	ck_assert_str_eq(l2, "");
	rule_line(e, "t.rules:1", l2, sizeof(l2));
	ck_assert_str_eq(l2, "");
	free(e);
	/* A message still on the old snapshot: counted, labels stay new. */
	hit(st, a, &first, 1, 1);
	e = expo(st);
	rule_line(e, "t.rules:3", l1, sizeof(l1));
	ck_assert_msg(strstr(l1, "} 3") != NULL, "%s", e);
	free(e);
	rules_unref(a);
	rules_unref(b);
	free(st);
}
END_TEST

START_TEST(rule_series_are_bounded)
{
	struct pm_buf text = PM_BUF_INIT;
	struct ruleset *rs;
	struct stats *st = new_block();
	size_t i, series = 0;
	unsigned seq;
	char *e, *p;

	for (i = 0; i < STATS_RULE_MAX + 100; i++)
		ck_assert_int_eq(pm_buf_printf(&text, "remove X-%zu\n", i), 0);
	rs = load_named("big.rules", text.s);
	stats_install(st, rs, 1);
	for (seq = 0; seq < STATS_RULE_MAX + 100; seq++)
		hit(st, rs, &seq, 1, 1);
	e = expo(st);
	for (p = e; (p = strstr(p, "\nprivacy_milter_rule_hits_total{")); p++)
		series++;
	ck_assert_uint_eq(series, STATS_RULE_MAX + 1);
	HAS(e, "privacy_milter_rule_hits_total{rule=\"other\"} 100");
	free(e);
	pm_buf_free(&text);
	rules_unref(rs);
	free(st);
}
END_TEST

START_TEST(label_values_are_escaped)
{
	struct ruleset *rs = load_named("/x/a\"b\\c.rules", "remove X-A\n");
	struct stats *st = new_block();
	unsigned seq = 0;
	char *e;

	stats_install(st, rs, 1);
	hit(st, rs, &seq, 1, 1);
	e = expo(st);
	ck_assert_msg(
	    strstr(e, "{rule=\"a\\\"b\\\\c.rules:1\",id=\"") != NULL, "%s", e);
	free(e);
	rules_unref(rs);
	free(st);
}
END_TEST

START_TEST(fail_policy_sessions_reloads_restarts)
{
	struct stats *st = new_block();
	struct pm_session s;
	char *e;

	stats_fail(st, PM_ERR_LIMIT, 0);
	stats_fail(st, PM_ERR_LIMIT, 0);
	stats_fail(st, PM_ERR_NOMEM, 1);
	stats_fail(st, PM_ERR_INTERNAL, 0);
	session_init(&s);
	session_set_macro(&s, "client_addr", "127.0.0.1");
	session_set_macro(&s, "client_port", "0");
	stats_session(st, &s); /* local */
	session_set_macro(&s, "client_port", "4000");
	stats_session(st, &s); /* plain */
	session_set_macro(&s, "{tls_version}", "TLSv1.3");
	session_set_macro(&s, "{cipher}", "TLS_AES_256_GCM_SHA384");
	stats_session(st, &s);
	stats_session(st, &s);
	session_set_macro(&s, "{tls_version}", "TLSv1.2");
	session_set_macro(&s, "{cipher}", "ECDHE-RSA-AES128-GCM-SHA256");
	stats_session(st, &s);
	session_set_macro(&s, "{tls_version}", "TLSv9");
	session_set_macro(&s, "{cipher}", "NO-SUCH-CIPHER");
	stats_session(st, &s);
	session_free(&s);
	stats_reload(st, 1, 1700000100);
	stats_reload(st, 0, 1700000200);
	stats_child_gone(st, 1);
	stats_child_gone(st, 0);
	e = expo(st);
	HAS(e,
	    "privacy_milter_fail_policy_total{cause=\"match_limit\","
	    "action=\"tempfail\"} 2");
	HAS(e,
	    "privacy_milter_fail_policy_total{cause=\"memory\","
	    "action=\"accept\"} 1");
	HAS(e,
	    "privacy_milter_fail_policy_total{cause=\"internal\","
	    "action=\"tempfail\"} 1");
	HAS(e, "privacy_milter_sessions_total{transport=\"tls\"} 4");
	HAS(e, "privacy_milter_sessions_total{transport=\"plain\"} 1");
	HAS(e, "privacy_milter_sessions_total{transport=\"local\"} 1");
	HAS(e,
	    "privacy_milter_tls_sessions_total{version=\"TLSv1.3\","
	    "cipher=\"TLS_AES_256_GCM_SHA384\"} 2");
	HAS(e,
	    "privacy_milter_tls_sessions_total{version=\"TLSv1.2\","
	    "cipher=\"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\"} 1");
	HAS(e,
	    "privacy_milter_tls_sessions_total{version=\"other\","
	    "cipher=\"other\"} 1");
	HAS(e, "privacy_milter_reloads_total{result=\"ok\"} 1");
	HAS(e, "privacy_milter_reloads_total{result=\"failed\"} 1");
	HAS(e, "privacy_milter_last_reload_successful 0");
	HAS(e,
	    "privacy_milter_last_reload_success_timestamp_seconds "
	    "1700000100");
	HAS(e, "privacy_milter_child_restarts_total 1");
	free(e);
	free(st);
}
END_TEST

START_TEST(table_for_a_person)
{
	struct ruleset *rs = load_named("t.rules", "remove X-A name xa\n");
	struct stats *st = new_block();
	struct pm_buf b = PM_BUF_INIT;
	unsigned seq = 0;

	setenv("TZ", "UTC", 1);
	stats_install(st, rs, 1);
	hit(st, rs, &seq, 1, 1);
	hit(st, rs, &seq, 1, 1);
	stats_fail(st, PM_ERR_LIMIT, 0);
	ck_assert_int_eq(stats_format_table(st, 1700090061, 1, &b), 0);
	ck_assert_str_eq(b.s,
	    "supervisor          pid 4242, running since 2023-11-14 22:13:20 "
	    "(1 d 01:01)\n"
	    "rules               generation 1, 1 rules, loaded 2023-11-14 "
	    "22:13:20\n"
	    "reloads             0 ok, 0 failed; child restarts 0\n"
	    "messages            2, changed 0\n"
	    "  by scope          authenticated 2\n"
	    "edits               none\n"
	    "dkim-skipped        0\n"
	    "leaks found         none\n"
	    "fail policy         match_limit/tempfail 1\n"
	    "sessions            TLS 0, plain text 0, local 0\n"
	    "end of message      mean 0.001 ms; 90% within 0.0001 s\n"
	    "rules hit most      (1 rules with hits, 0 hits of rules beyond "
	    "the table)\n"
	    "           2  t.rules:1  xa\n");
	pm_buf_free(&b);
	rules_unref(rs);
	free(st);
}
END_TEST

/* Threads hitting the same new rules at once. */
struct race {
	struct stats *st;
	struct ruleset *rs;
};

static void *
racer(void *arg)
{
	struct race *r = arg;
	unsigned seq;
	int i;

	for (i = 0; i < 2000; i++) {
		seq = (unsigned)(i % 50);
		hit(r->st, r->rs, &seq, 1, 1);
	}
	return (NULL);
}

START_TEST(first_hits_in_several_threads_take_one_slot_each)
{
	struct pm_buf text = PM_BUF_INIT;
	struct race r;
	pthread_t t[4];
	size_t i, series = 0;
	char *e, *p;

	for (i = 0; i < 50; i++)
		pm_buf_printf(&text, "remove X-%zu\n", i);
	r.rs = load_named("r.rules", text.s);
	r.st = new_block();
	stats_install(r.st, r.rs, 1);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, racer, &r), 0);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	e = expo(r.st);
	for (p = e;
	     (p = strstr(p, "\nprivacy_milter_rule_hits_total{rule=\"r."));
	     p++) {
		series++;
		ck_assert_ptr_nonnull(strstr(p, "} 160\n"));
	}
	ck_assert_uint_eq(series, 50);
	HAS(e, "privacy_milter_messages_total{scope=\"authenticated\"} 8000");
	free(e);
	pm_buf_free(&text);
	rules_unref(r.rs);
	free(r.st);
}
END_TEST

/* names_in - every privacy_milter_* name in a file is exported; min of them */
static void
names_in(const char *rel, size_t min)
{
	static const char *const suffix[] = {"_bucket", "_sum", "_count", ""};
	char path[4096], name[128];
	struct pm_buf b = PM_BUF_INIT;
	FILE *fp;
	char *p, *q;
	size_t i, k, n, found = 0;
	int c;

	snprintf(path, sizeof(path), "%s/%s", TEST_SRCDIR, rel);
	ck_assert_msg((fp = fopen(path, "r")) != NULL, "%s", path);
	while ((c = getc(fp)) != EOF)
		pm_buf_putc(&b, c);
	fclose(fp);
	for (p = b.s; (p = strstr(p, "privacy_milter_")) != NULL; p = q) {
		for (q = p; isalnum((unsigned char)*q) || *q == '_'; q++)
			;
		n = (size_t)(q - p) < sizeof(name) ? (size_t)(q - p)
		                                   : sizeof(name) - 1;
		memcpy(name, p, n);
		name[n] = 0;
		for (i = 0; stats_families[i] != NULL; i++)
			for (k = 0; k < 4; k++)
				if (strlen(stats_families[i]) +
				            strlen(suffix[k]) ==
				        n &&
				    strncmp(name, stats_families[i],
				        strlen(stats_families[i])) == 0 &&
				    strcmp(name + strlen(stats_families[i]),
				        suffix[k]) == 0)
					goto known;
		ck_abort_msg("%s names %s, which is not exported", rel, name);
	known:
		found++;
	}
	ck_assert_msg(found >= min, "%s names only %zu metrics", rel, found);
	pm_buf_free(&b);
}

START_TEST(dashboard_and_alerts_name_exported_metrics_only)
{
	names_in("init/grafana/privacy-milter.json", 20);
	names_in("init/prometheus/privacy-milter-alerts.yml", 6);
}
END_TEST

static Suite *
stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, a_new_block_shows_every_family_at_zero);
	tcase_add_test(tc, scope_of_a_message);
	tcase_add_test(tc, a_message_counts_edits_hits_and_leaks);
	tcase_add_test(
	    tc, hits_follow_a_moved_rule_and_vanish_with_a_removed_one);
	tcase_add_test(tc, rule_series_are_bounded);
	tcase_add_test(tc, label_values_are_escaped);
	tcase_add_test(tc, fail_policy_sessions_reloads_restarts);
	tcase_add_test(tc, table_for_a_person);
	tcase_add_test(tc, first_hits_in_several_threads_take_one_slot_each);
	tcase_add_test(tc, dashboard_and_alerts_name_exported_metrics_only);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
