/*++
/* NAME
/*	rules_oracle 1
/* SUMMARY
/*	answer what "postmap -hmq - pcre:FILE" answers, with rules.c
/* SYNOPSIS
/*	tests/unit/rules_oracle FILE < message
/* DESCRIPTION
/*	rules_oracle loads FILE with rules_load() and reads the headers
/*	of a message from standard input (up to the first empty line).
/*	For each logical header (folded lines joined with "\n", as
/*	Postfix joins them) it finds the first rule, in seq order over
/*	all rules, that matches, and prints what postmap(1) prints:
/*
/*	HEADER TAB ACTION [SP TEXT] NEWLINE
/*
/*	where TEXT is the rule's text with $n expanded. Headers that no
/*	rule matches print nothing.
/*
/*	It also cross-checks the dispatch: the first match found through
/*	rules_for_header() merged with rules_for_any_header() must be
/*	the same rule; if not, it says so on stderr and exits 2.
/* DIAGNOSTICS
/*	Exit 0 on success, 1 when the file does not load (diagnostics on
/*	stderr), 2 on a dispatch mismatch or a match error.
/*--*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "session.h"

/* first_all - first matching rule over all rules; -1 none; -2 error */
static long
first_all(const struct ruleset *rs, const char *hdr, size_t len,
    const char *value, size_t vlen, const struct pm_session *s,
    pcre2_match_data *md)
{
	struct pm_error err;
	unsigned i;
	int rc;

	for (i = 0; i < rules_count(rs); i++) {
		rc = rules_match(rs, rules_get(rs, i), hdr, len, value, vlen,
		    &(struct rules_eval){{s, 0}, NULL, md, {0}}, &err);
		if (rc < 0) {
			fprintf(stderr, "rules_oracle: %s\n", err.text);
			return (-2);
		}
		if (rc == 1)
			return (i);
	}
	return (-1);
}

/* first_dispatch - the same through the dispatch lists */
static long
first_dispatch(const struct ruleset *rs, const char *hdr, size_t len,
    const char *value, size_t vlen, const struct pm_session *s,
    pcre2_match_data *md)
{
	const unsigned *named, *any;
	size_t nn, na, i = 0, j = 0;
	struct pm_error err;
	unsigned seq;
	int rc;

	nn = rules_for_header(rs, hdr, (size_t)(value - 1 - hdr), &named);
	na = rules_for_any_header(rs, &any);
	while (i < nn || j < na) {
		if (j >= na || (i < nn && named[i] < any[j]))
			seq = named[i++];
		else
			seq = any[j++];
		rc = rules_match(rs, rules_get(rs, seq), hdr, len, value, vlen,
		    &(struct rules_eval){{s, 0}, NULL, md, {0}}, &err);
		if (rc < 0)
			return (-2);
		if (rc == 1)
			return (seq);
	}
	return (-1);
}

/* one_header - print the postmap answer for one logical header */
static int
one_header(const struct ruleset *rs, const char *hdr, size_t len,
    const struct pm_session *s, pcre2_match_data *md)
{
	struct pm_buf out = PM_BUF_INIT;
	const struct rule *r;
	const char *colon = memchr(hdr, ':', len);
	const char *value;
	size_t vlen;
	long a, d;

	if (colon == NULL)
		return (0);
	value = colon + 1;
	vlen = len - (size_t)(value - hdr);
	a = first_all(rs, hdr, len, value, vlen, s, md);
	d = first_dispatch(rs, hdr, len, value, vlen, s, md);
	if (a != d) {
		fprintf(stderr,
		    "rules_oracle: dispatch mismatch for \"%.*s\": "
		    "all rules give %ld, dispatch gives %ld\n",
		    (int)len, hdr, a, d);
		return (-1);
	}
	if (a == -2)
		return (-1);
	if (a < 0)
		return (0);
	r = rules_get(rs, (unsigned)a);
	/* The captures of the match, again (dispatch used md last). */
	if (rules_match(rs, r, hdr, len, value, vlen,
	        &(struct rules_eval){{s, 0}, NULL, md, {0}}, NULL) != 1)
		return (-1);
	printf("%.*s\t%s", (int)len, hdr, r->action_word);
	if (r->text != NULL) {
		if (template_expand(r->text,
		        r->subject == RULES_SUBJ_LINE ? hdr : value,
		        pcre2_get_ovector_pointer(md),
		        pcre2_get_ovector_count(md), &out) < 0) {
			pm_buf_free(&out);
			return (-1);
		}
		printf(" %s", out.s);
		pm_buf_free(&out);
	}
	printf("\n");
	return (0);
}

int
main(int argc, char **argv)
{
	struct rules_options opts = {0};
	struct pm_buf hdr = PM_BUF_INIT;
	struct pm_diags diags = {0};
	pcre2_match_data *md;
	struct pm_session s;
	struct ruleset *rs;
	char *line = NULL, buf[2048];
	size_t cap = 0, i;
	ssize_t n;
	int status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: rules_oracle FILE < message\n");
		return (1);
	}
	opts.jit = 1;
	rs = rules_load((const char *const *)argv + 1, 1, &opts, &diags);
	for (i = 0; i < diags.n; i++) {
		pm_diag_format(&diags.v[i], buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
	}
	pm_diags_free(&diags);
	if (rs == NULL)
		return (1);
	md = pcre2_match_data_create(rules_max_captures(rs) + 1, NULL);
	if (md == NULL)
		return (2);
	session_init(&s);

	/* Logical headers: a line starting with space or tab continues. */
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = 0;
		if (n > 0 && (line[0] == ' ' || line[0] == '\t') &&
		    hdr.len > 0) {
			if (pm_buf_putc(&hdr, '\n') < 0 ||
			    pm_buf_append(&hdr, line, (size_t)n) < 0)
				return (2);
			continue;
		}
		if (hdr.len > 0 && one_header(rs, hdr.s, hdr.len, &s, md) < 0)
			status = 2;
		pm_buf_reset(&hdr);
		if (n == 0)
			break;
		if (pm_buf_append(&hdr, line, (size_t)n) < 0)
			return (2);
	}
	if (hdr.len > 0 && one_header(rs, hdr.s, hdr.len, &s, md) < 0)
		status = 2;
	free(line);
	pm_buf_free(&hdr);
	session_free(&s);
	pcre2_match_data_free(md);
	rules_unref(rs);
	return (status);
}
