/*++
/* NAME
/*	fuzz_engine 1
/* SUMMARY
/*	libFuzzer targets: the engine, with a fixed and a fuzzed ruleset
/* SYNOPSIS
/*	fuzz_engine [libFuzzer options] [CORPUS...]
/*	fuzz_engine_rules [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	One source, two targets. The first input byte chooses the session
/*	(bit 0 authenticated, 1 local submission, 2 TLS, 3 pseudonym key,
/*	4 TLS header handling, 5 trusted re-injection, 6 service
/*	"submission" on port 587, 7 IPv6 client).
/*
/*	fuzz_engine: the rest is a header list; the ruleset is fixed:
/*	rules/default.rules of the source tree (FUZZ_RULES in the
/*	environment names another file), or, when that does not load, a
/*	representative ruleset built in.
/*
/*	fuzz_engine_rules (FUZZ_RULES_FROM_INPUT): the rest is rules
/*	text, a line "%%", then the header list. Without the "%%" line
/*	the whole rest is rules text and a fixed sample header list is
/*	used.
/*
/*	A header list is lines: a line starting with space or tab
/*	continues the previous header (joined with "\n", as a milter sees
/*	folds); any other line is "Name:value" (no colon: the whole line
/*	is the name and the value is empty). Names and values are C
/*	strings, so a NUL byte ends them, as it does in libmilter.
/*
/*	Invariants checked after engine_run(): on failure the result is
/*	empty and the error names something; on success every edit's
/*	position is in range, at most one CHANGE or DELETE per position,
/*	no new value can start a new header line (every LF is followed by
/*	space or tab, every CR by LF), inserted and added header names are
/*	valid field names, and edits_milter_ops() and edits_apply()
/*	agree with the edits in count.
/*--*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edits.h"
#include "engine.h"
#include "fuzz.h"
#include "pseudonym.h"
#include "rules.h"
#include "session.h"
#include "tls.h"
#include "util.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

#ifndef FUZZ_RULES_FROM_INPUT
static const char builtin_rules[] =
    "# representative ruleset: header_checks and native rules\n"
    "/^User-Agent:/ IGNORE\n"
    "/^X-Mailer:/ IGNORE\n"
    "/^Received: from (\\S+) \\((.*?)\\)\\s+(by .*)/ REPLACE Received: "
    "from $1 $3\n"
    "if /^X-/\n"
    "/^X-Originating-IP:/ IGNORE\n"
    "!/^X-Keep/ WARN odd header\n"
    "endif\n"
    "/^Subject:.*secret/ INFO secret subject\n"
    "/^X-Prepend:(.*)/ PREPEND X-Before:$1\n"
    "redact Received /from\\s+\\S+\\s+\\([^)]*\\)/ with \"from [redacted]\""
    " when authenticated or local continue\n"
    "pseudonymize X-Forwarded-For /[0-9a-f.:]+/ when not tls\n"
    "remove X-Originating-IP when client 198.51.100.0/24,2001:db8::/32\n"
    "replace X-Priority with \"3 ($1)\" when login alice@example.org,bob\n"
    "redact * /\\b\\d{1,3}(\\.\\d{1,3}){3}\\b/ with \"[ip]\"\n"
    "  when (authenticated and tls) or service submission\n"
    "add X-Scrubbed with \"yes\" when sender-domain .example.org\n"
    "log Subject /secret/\n"
    "keep Received /by mx\\.example\\.org/ when port 25\n"
    "pseudonymize Message-ID /[^@<]+(?=@)/ log-only\n"
    "replace DKIM-Signature with \"x\" force\n";

static struct ruleset *fixed_rules;
#else

static const char sample_headers[] =
    "Received: from [192.168.1.5] (ip5b.dyn.example.net [95.91.1.2])\n"
    "\tby mail.example.org (Postfix) with ESMTPSA id 4B1C2\n"
    "\tfor <bob@example.com>; Mon, 23 Nov 2026 19:00:00 +0000\n"
    "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1;\n"
    "\th=From:To:Subject:User-Agent; bh=abc=; b=def=\n"
    "From: Alice <alice@example.org>\n"
    "To: bob@example.com\n"
    "Subject: secret plans\n"
    "User-Agent: Thunderbird/52.6\n"
    "X-Originating-IP: [95.91.1.2]\n"
    "X-Forwarded-For: 10.0.0.1, 2001:db8::5\n"
    "X-TLS-Info: mail.example.org; tls=none\n"
    "Message-ID: <abc123@example.org>\n";
#endif

static struct pseudonym_key *key;

/* load_rules_text - parse rules; NULL when they do not load */
static struct ruleset *
load_rules_text(const char *name, const char *text, size_t len)
{
	struct rules_options opts = {0};
	struct pm_diags diags = {0};
	struct ruleset *rs;

	opts.match_limit = 10000;
	opts.depth_limit = 1000;
	rs = rules_load_string(name, text, len, &opts, &diags);
	pm_diags_free(&diags);
	return (rs);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct rules_options opts = {0};
	struct pm_diags diags = {0};
	struct pm_error err;
	const char *path = getenv("FUZZ_RULES");
	const char *files[1];

	(void)argc;
	(void)argv;
	tls_init();
	key = pseudonym_key_from_bytes(
	    "0123456789abcdef0123456789abcdef", 32, &err);
#ifndef FUZZ_RULES_FROM_INPUT
	opts.match_limit = 10000;
	opts.depth_limit = 1000;
	files[0] = path ? path : FUZZ_SRCDIR "/rules/default.rules";
	fixed_rules = rules_load(files, 1, &opts, &diags);
	if (fixed_rules == NULL) {
		fprintf(stderr,
		    "fuzz_engine: %s does not load, using the built-in"
		    " ruleset\n",
		    files[0]);
		fixed_rules = load_rules_text(
		    "builtin.rules", builtin_rules, strlen(builtin_rules));
	}
	pm_diags_free(&diags);
	if (fixed_rules == NULL) {
		fprintf(stderr, "fuzz_engine: no ruleset loads\n");
		abort();
	}
#else
	(void)opts;
	(void)diags;
	(void)path;
	(void)files;
#endif
	return (0);
}

/* parse_headers - the header list of the DESCRIPTION; returns count */
static size_t
parse_headers(const char *p, size_t len, struct engine_header **out)
{
	struct engine_header *h = NULL;
	size_t n = 0, cap = 0, i, e;

	for (i = 0; i < len; i = e + 1) {
		const char *line = p + i;
		size_t ll, c;

		for (e = i; e < len && p[e] != '\n'; e++)
			;
		ll = e - i;
		if (ll > 0 && (line[0] == ' ' || line[0] == '\t') && n > 0) {
			/* Continuation: value "\n" line. */
			char *v = (char *)h[n - 1].value;
			size_t vl = strlen(v);
			char *nv = realloc(v, vl + 1 + ll + 1);

			if (nv == NULL)
				abort();
			nv[vl] = '\n';
			memcpy(nv + vl + 1, line, ll);
			nv[vl + 1 + ll] = 0;
			h[n - 1].value = nv;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((h = realloc(h, cap * sizeof(*h))) == NULL)
				abort();
		}
		for (c = 0; c < ll && line[c] != ':'; c++)
			;
		h[n].name = fuzz_strdup((const uint8_t *)line, c);
		h[n].value = c < ll
		    ? fuzz_strdup((const uint8_t *)line + c + 1, ll - c - 1)
		    : fuzz_strdup((const uint8_t *)"", 0);
		n++;
	}
	*out = h;
	return (n);
}

static void
free_headers(struct engine_header *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)h[i].name);
		free((char *)h[i].value);
	}
	free(h);
}

/* check_value - a new value cannot start a new header line */
static void
check_value(const char *v)
{
	size_t i;

	for (i = 0; v[i]; i++) {
		if (v[i] == '\r')
			FUZZ_ASSERT(v[i + 1] == '\n');
		if (v[i] == '\n')
			FUZZ_ASSERT(v[i + 1] == ' ' || v[i + 1] == '\t');
	}
}

/* check_name - a valid field name (RFC 5322 ftext) */
static void
check_name(const char *s)
{
	FUZZ_ASSERT(s != NULL && *s != 0);
	for (; *s; s++)
		FUZZ_ASSERT(*s > 32 && *s < 127 && *s != ':');
}

/* set_session - the session chosen by the flag byte */
static void
set_session(struct pm_session *s, unsigned f)
{
	session_init(s);
	if (f & 2) {
		session_set_macro(s, "client_addr", "127.0.0.1");
		session_set_macro(s, "client_port", "0");
		session_set_macro(s, "client_name", "localhost");
	} else if (f & 128) {
		session_set_macro(s, "client_addr", "2001:db8::5");
		session_set_macro(s, "client_port", "40000");
		session_set_macro(s, "client_name", "host6.example.net");
	} else {
		session_set_macro(s, "client_addr", "198.51.100.7");
		session_set_macro(s, "client_port", "40000");
		session_set_macro(s, "client_name", "host.example.net");
	}
	if (f & 1) {
		session_set_macro(s, "{auth_authen}", "alice@example.org");
		session_set_macro(s, "{auth_type}", "PLAIN");
	}
	if (f & 4) {
		session_set_macro(s, "{tls_version}", "TLSv1.3");
		session_set_macro(s, "{cipher}", "TLS_AES_256_GCM_SHA384");
		session_set_macro(s, "{cipher_bits}", "256");
	}
	if (f & 64) {
		session_set_macro(s, "{daemon_name}", "submission");
		session_set_macro(s, "{daemon_port}", "587");
	} else {
		session_set_macro(s, "{daemon_name}", "smtpd");
		session_set_macro(s, "{daemon_port}", "25");
	}
	session_set_macro(s, "helo", "laptop.home.lan");
	session_set_macro(s, "j", "mail.example.org");
	session_set_macro(s, "{mail_addr}", "alice@sub.example.org");
	session_set_macro(s, "{i}", "4B1C2");
}

/* run_engine - one engine run with all the checks */
static void
run_engine(
    const struct ruleset *rs, unsigned f, struct engine_header *h, size_t n)
{
	struct engine_params p = {0};
	struct engine_result res = {0};
	struct pm_session s;
	struct pm_error err;
	struct edits_mop *ops = NULL;
	struct engine_header *out = NULL;
	size_t nops = 0, nout = 0, i, j, ndel = 0, nnew = 0;
	unsigned char *seen;
	int rc;

	set_session(&s, f);
	p.rules = rs;
	p.session = &s;
	p.key = (f & 8) ? key : NULL;
	if (f & 16) {
		p.tls_header_name = "X-TLS-Info";
		p.tls_header_value = " mail.example.org; tls=none";
		p.authserv_id = "mail.example.org";
	}
	p.trusted_reinjection = (f & 32) != 0;
	err.text[0] = 0;
	rc = engine_run(&p, h, n, &res, &err);
	if (rc < 0) {
		FUZZ_ASSERT(res.nedits == 0);
		FUZZ_ASSERT(err.text[0] != 0);
		engine_result_free(&res);
		session_free(&s);
		return;
	}
	FUZZ_ASSERT(rc == 0);
	if ((seen = calloc(n + 1, 1)) == NULL)
		abort();
	for (i = 0; i < res.nedits; i++) {
		const struct engine_edit *e = &res.edits[i];

		switch (e->op) {
		case ENGINE_CHANGE:
		case ENGINE_DELETE:
			FUZZ_ASSERT(e->pos < n);
			FUZZ_ASSERT(!seen[e->pos]);
			seen[e->pos] = 1;
			if (e->op == ENGINE_DELETE) {
				FUZZ_ASSERT(e->value == NULL);
				ndel++;
			} else {
				FUZZ_ASSERT(e->value != NULL);
				check_value(e->value);
			}
			break;
		case ENGINE_INSERT:
		case ENGINE_ADD:
			FUZZ_ASSERT(e->pos <= n);
			FUZZ_ASSERT(e->value != NULL);
			check_name(e->name);
			check_value(e->value);
			nnew++;
			break;
		default:
			FUZZ_ASSERT(!"unknown edit op");
		}
	}
	free(seen);
	for (i = 0; i < res.nnotes; i++)
		FUZZ_ASSERT(res.notes[i].pos <= n);
	if (edits_milter_ops(h, n, &res, 1, &ops, &nops, &err) == 0) {
		FUZZ_ASSERT(nops == res.nedits);
		for (j = 0; j < nops; j++) {
			FUZZ_ASSERT(ops[j].name != NULL);
			if (ops[j].kind == EDITS_MOP_CHGHEADER)
				FUZZ_ASSERT(ops[j].index >= 1);
			if (ops[j].kind == EDITS_MOP_INSHEADER)
				FUZZ_ASSERT(ops[j].index >= 0);
			if (ops[j].kind != EDITS_MOP_CHGHEADER)
				FUZZ_ASSERT(ops[j].value != NULL);
		}
		free(ops);
	}
	if (edits_apply(h, n, &res, &out, &nout) == 0) {
		FUZZ_ASSERT(nout == n - ndel + nnew);
		for (j = 0; j < nout; j++)
			FUZZ_ASSERT(
			    out[j].name != NULL && out[j].value != NULL);
		free(out);
	}
	engine_result_free(&res);
	session_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_header *h;
	const char *p;
	size_t n, len;
	unsigned f;

	if (size < 1)
		return (0);
	f = data[0];
	p = (const char *)data + 1;
	len = size - 1;
#ifdef FUZZ_RULES_FROM_INPUT
	{
		struct ruleset *rs;
		const char *sep = NULL;
		size_t i, rlen = len;
		char *rtext;

		/* "%%" alone on a line separates rules from headers. */
		for (i = 0; i + 2 <= len; i++) {
			if ((i == 0 || p[i - 1] == '\n') && p[i] == '%' &&
			    p[i + 1] == '%' &&
			    (i + 2 == len || p[i + 2] == '\n')) {
				sep = p + i;
				rlen = i;
				break;
			}
		}
		rtext = fuzz_dup((const uint8_t *)p, rlen);
		rs = load_rules_text("fuzz.rules", rtext, rlen);
		free(rtext);
		if (rs == NULL)
			return (0);
		if (sep != NULL) {
			size_t off = (size_t)(sep - p) + 2;

			if (off < len && p[off] == '\n')
				off++;
			n = parse_headers(p + off, len - off, &h);
		} else
			n = parse_headers(
			    sample_headers, strlen(sample_headers), &h);
		run_engine(rs, f, h, n);
		free_headers(h, n);
		rules_unref(rs);
	}
#else
	n = parse_headers(p, len, &h);
	run_engine(fixed_rules, f, h, n);
	free_headers(h, n);
#endif
	return (0);
}
