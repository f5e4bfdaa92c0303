/*++
/* NAME
/*	engine-bench 1
/* SUMMARY
/*	engine micro-benchmark: headers per second on one core
/* SYNOPSIS
/*	engine-bench [-r RULES] [-t SECONDS | -n COUNT] [-s SIZES] [-J]
/*	engine-bench -g N [-x]
/* DESCRIPTION
/*	engine-bench runs the pure engine (engine_run() and
/*	edits_milter_ops(), what the milter does at end of message) on the
/*	benchmark message (bench/benchmsg.h, 20 headers) in a session of an
/*	authenticated TLS submission, in one thread, for SECONDS (default 2)
/*	per figure, and prints one line of key=value pairs per figure:
/*
/*	engine: the rules file RULES (default: rules/default.rules of the
/*	source tree) with PCRE2 JIT on and off: headers_per_s, us_per_msg,
/*	p50_us, p99_us (per message), edits_per_msg.
/*
/*	scale: RULES plus N generated rules for each N in SIZES (default
/*	10,100,1000,10000), half of them for header names not present in
/*	the message (absent), half spread over the names that are (present,
/*	patterns that never match, so every one is tried): the same figures
/*	plus load_ms, the time rules_load() takes (what a reload compiles
/*	off the hot path). A second series, scale-absent, has all N rules
/*	for absent names: with dispatch on the header name its cost must
/*	stay flat. A third series repeats the first without JIT.
/*
/*	-n COUNT runs exactly COUNT messages per figure instead of SECONDS
/*	(for callgrind: instructions per message); -J skips the figure
/*	without JIT; -s "" skips the scaling series.
/*
/*	-g N prints the generated rules (as used by scale) on stdout, for
/*	the reload benchmark; -x makes them all absent-name rules.
/* DIAGNOSTICS
/*	Exit 0, 1 when rules do not load or the engine fails, 64 on usage
/*	errors.
/*--*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "edits.h"
#include "engine.h"
#include "rules.h"
#include "session.h"
#include "util.h"

#include "benchmsg.h"

#ifndef EB_DEFAULT_RULES
#define EB_DEFAULT_RULES "rules/default.rules"
#endif

#define EB_TLS_VALUE                                                           \
	" mail.example.org; version=TLSv1.3; cipher=TLS_AES_256_GCM_SHA384;"   \
	" bits=256; pfs=yes; client-cert=none"

struct eb_result {
	double headers_per_s;
	double us_per_msg;
	double p50_us;
	double p99_us;
	double edits_per_msg;
	unsigned long msgs;
};

static struct engine_header eb_hdrs[BENCH_NHEADERS];
static struct pm_session eb_sess;

/* eb_now - monotonic seconds */
static double
eb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* eb_cmp - qsort order for doubles */
static int
eb_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* eb_read_file - whole file into a NUL-terminated buffer */
static char *
eb_read_file(const char *path, size_t *len)
{
	FILE *fp;
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				free(buf);
				fclose(fp);
				return (NULL);
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, fp);
		n += r;
		if (r == 0)
			break;
	}
	fclose(fp);
	buf[n] = 0;
	*len = n;
	return (buf);
}

/*
 * eb_gen_rules - N rules: even ones for absent header names (a quarter of
 * them as header_checks lines, which dispatch on the name their pattern
 * anchors), odd ones for the names of the message, never matching.
 */
static int
eb_gen_rules(struct pm_buf *b, unsigned n, int all_absent)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (all_absent || i % 2 == 0) {
			if (i % 8 == 0)
				rc = pm_buf_printf(b,
				    "/^X-Bench-Absent-%u:.*secret-%u-[0-9]+/"
				    " IGNORE\n",
				    i, i);
			else
				rc = pm_buf_printf(b,
				    "redact X-Bench-Absent-%u /secret-%u-[0-9]+/"
				    " with \"x\" when authenticated\n",
				    i, i);
		} else {
			rc = pm_buf_printf(b,
			    "redact %s /nomatch-%u-[0-9]+/ with \"x\""
			    " when authenticated\n",
			    bench_headers[(i / 2) % BENCH_NHEADERS][0], i);
		}
	}
	return (rc);
}

/* eb_load - rules text -> ruleset; prints the diagnostics on failure */
static struct ruleset *
eb_load(const char *name, const char *text, size_t len, int jit, double *ms)
{
	struct rules_options ro;
	struct pm_diags d = {0};
	struct ruleset *rs;
	double t0;
	size_t i;

	memset(&ro, 0, sizeof(ro));
	ro.jit = jit;
	t0 = eb_now();
	rs = rules_load_string(name, text, len, &ro, &d);
	if (ms != NULL)
		*ms = (eb_now() - t0) * 1e3;
	for (i = 0; i < d.n; i++) {
		char line[2048];

		if (rs != NULL && d.v[i].sev == PM_WARNING)
			continue;
		pm_diag_format(&d.v[i], line, sizeof(line));
		fprintf(stderr, "engine-bench: %s\n", line);
	}
	pm_diags_free(&d);
	return (rs);
}

/* eb_one - one message: engine_run and edits_milter_ops; -1 on error */
static int
eb_one(const struct engine_params *ep, size_t *nedits)
{
	struct engine_result res;
	struct edits_mop *ops = NULL;
	struct pm_error err;
	size_t nops = 0;

	memset(&res, 0, sizeof(res));
	if (engine_run(ep, eb_hdrs, BENCH_NHEADERS, &res, &err) < 0) {
		fprintf(stderr, "engine-bench: %s\n", err.text);
		return (-1);
	}
	if (edits_milter_ops(
	        eb_hdrs, BENCH_NHEADERS, &res, 1, &ops, &nops, &err) < 0) {
		engine_result_free(&res);
		fprintf(stderr, "engine-bench: %s\n", err.text);
		return (-1);
	}
	*nedits = res.nedits;
	free(ops);
	engine_result_free(&res);
	return (0);
}

static unsigned long eb_count; /* -n: messages per figure */

/* eb_run - run the engine for secs seconds (at least 10 messages) */
static int
eb_run(const struct ruleset *rs, double secs, struct eb_result *r)
{
	struct engine_params ep;
	double *lat = NULL, t0, t1, start;
	size_t n = 0, cap = 0, nedits = 0, total_edits = 0;

	memset(&ep, 0, sizeof(ep));
	ep.rules = rs;
	ep.session = &eb_sess;
	ep.tls_header_name = "X-TLS-Info";
	ep.tls_header_value = EB_TLS_VALUE;
	ep.authserv_id = "mail.example.org";

	/* Warm up caches and the allocator. */
	for (int i = 0; i < 10; i++)
		if (eb_one(&ep, &nedits) < 0)
			return (-1);
	start = eb_now();
	do {
		if (n == cap) {
			double *nl;

			cap = cap ? cap * 2 : 65536;
			if ((nl = realloc(lat, cap * sizeof(*nl))) == NULL) {
				free(lat);
				return (-1);
			}
			lat = nl;
		}
		t0 = eb_now();
		if (eb_one(&ep, &nedits) < 0) {
			free(lat);
			return (-1);
		}
		t1 = eb_now();
		lat[n++] = t1 - t0;
		total_edits += nedits;
	} while (eb_count > 0 ? n < eb_count : (t1 - start < secs || n < 10));
	qsort(lat, n, sizeof(*lat), eb_cmp);
	r->msgs = n;
	r->headers_per_s = (double)n * BENCH_NHEADERS / (t1 - start);
	r->us_per_msg = (t1 - start) * 1e6 / (double)n;
	r->p50_us = lat[n / 2] * 1e6;
	r->p99_us = lat[(size_t)(0.99 * (double)n)] * 1e6;
	r->edits_per_msg = (double)total_edits / (double)n;
	free(lat);
	return (0);
}

/* eb_print - one result line */
static void
eb_print(const char *what, const char *rules, unsigned nrules, int jit,
    const struct eb_result *r, double load_ms)
{
	printf("%s rules=%s nrules=%u jit=%d headers_per_s=%.0f"
	       " us_per_msg=%.2f p50_us=%.2f p99_us=%.2f edits_per_msg=%.2f"
	       " msgs=%lu",
	    what, rules, nrules, jit, r->headers_per_s, r->us_per_msg,
	    r->p50_us, r->p99_us, r->edits_per_msg, r->msgs);
	if (load_ms >= 0)
		printf(" load_ms=%.1f", load_ms);
	printf("\n");
	fflush(stdout);
}

/* eb_session - an authenticated TLS 1.3 submission */
static void
eb_session(void)
{
	static const char *const m[][2] = {
	    {"client_addr", "198.51.100.23"},
	    {"client_port", "49152"},
	    {"client_name", "dsl-198-51-100-23.dyn.example.net"},
	    {"{daemon_name}", "submission"},
	    {"{daemon_port}", "587"},
	    {"{tls_version}", "TLSv1.3"},
	    {"{cipher}", "TLS_AES_256_GCM_SHA384"},
	    {"{cipher_bits}", "256"},
	    {"{auth_type}", "PLAIN"},
	    {"{auth_authen}", "alice"},
	    {"{mail_addr}", "alice@example.org"},
	    {"i", "4ZbQ1x2yZ3z9s"},
	};
	size_t i;

	session_init(&eb_sess);
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		(void)session_set_macro(&eb_sess, m[i][0], m[i][1]);
	for (i = 0; i < BENCH_NHEADERS; i++) {
		eb_hdrs[i].name = bench_headers[i][0];
		eb_hdrs[i].value = bench_headers[i][1];
	}
}

/* usage - print the synopsis and exit 64 */
static void
usage(void)
{
	fprintf(stderr,
	    "usage: engine-bench [-r RULES] [-t SECONDS]"
	    " [-s N,N,...]\n"
	    "       engine-bench -g N [-x]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	const char *rules_path = EB_DEFAULT_RULES;
	const char *sizes = "10,100,1000,10000";
	double secs = 2.0;
	char *base;
	size_t baselen;
	long gen = -1;
	int ch, absent_only = 0, jit, series, jit_only = 0;
	struct eb_result r;
	struct ruleset *rs;

	while ((ch = getopt(argc, argv, "r:t:s:g:xn:J")) != -1) {
		switch (ch) {
		case 'r':
			rules_path = optarg;
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		case 's':
			sizes = optarg;
			break;
		case 'g':
			gen = strtol(optarg, NULL, 10);
			break;
		case 'x':
			absent_only = 1;
			break;
		case 'n':
			eb_count = strtoul(optarg, NULL, 10);
			break;
		case 'J':
			jit_only = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || secs < 0)
		usage();
	if (gen >= 0) {
		struct pm_buf b = PM_BUF_INIT;

		if (eb_gen_rules(&b, (unsigned)gen, absent_only) < 0)
			return (1);
		fwrite(b.s ? b.s : "", 1, b.len, stdout);
		pm_buf_free(&b);
		return (0);
	}
	if ((base = eb_read_file(rules_path, &baselen)) == NULL) {
		fprintf(stderr, "engine-bench: cannot read %s\n", rules_path);
		return (1);
	}
	eb_session();

	/* The rules file alone, with and without JIT. */
	for (jit = 1; jit >= jit_only; jit--) {
		if ((rs = eb_load(rules_path, base, baselen, jit, NULL)) ==
		    NULL)
			return (1);
		if (eb_run(rs, secs, &r) < 0)
			return (1);
		eb_print("engine", "default", (unsigned)rules_count(rs), jit,
		    &r, -1);
		rules_unref(rs);
	}

	/*
	 * Scaling: the rules file plus N generated rules; series 0 with half
	 * of them for absent names, 1 all absent (JIT), 2 as 0 without JIT.
	 */
	for (series = 0; series < (jit_only ? 2 : 3); series++) {
		const char *p = sizes;

		jit = series == 2 ? 0 : 1;
		while (*p) {
			struct pm_buf b = PM_BUF_INIT;
			unsigned n = (unsigned)strtoul(p, NULL, 10);
			double ms;

			if (pm_buf_append(&b, base, baselen) < 0 ||
			    eb_gen_rules(&b, n, series == 1) < 0)
				return (1);
			if ((rs = eb_load("generated.rules", b.s, b.len, jit,
			         &ms)) == NULL)
				return (1);
			if (eb_run(rs, secs, &r) < 0)
				return (1);
			eb_print(series == 1 ? "scale-absent" : "scale",
			    "default+generated", n, jit, &r, ms);
			rules_unref(rs);
			pm_buf_free(&b);
			while (*p && *p != ',')
				p++;
			if (*p == ',')
				p++;
		}
	}
	free(base);
	session_free(&eb_sess);
	return (0);
}
