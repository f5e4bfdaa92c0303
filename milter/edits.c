/*++
/* NAME
/*	edits 3
/* SUMMARY
/*	the engine's edits as libmilter calls, or as a new header list
/* DESCRIPTION
/*	The contract is in include/edits.h. Both functions work on keys:
/*	one per original header, in order, then the inserts sorted by
/*	(position, edit order). Changes are indexed after one sort of all
/*	keys by (name, position, rank). The engine guarantees that a
/*	position holds at most one change or delete and that no edit points
/*	past the header list: a broken guarantee is a panic.
/*--*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "edits.h"

/* A header or an insert above one, for sorting. */
struct edits_key {
	const char *name;
	size_t pos; /* original position; an insert stands above it */
	int rank; /* 0: insert, 1: original header */
	size_t idx; /* edit order, for ties */
	const struct engine_edit *e; /* insert, or the header's change/delete */
};

/* edits_cmp_pos - by position, then rank, then edit order */
static int
edits_cmp_pos(const void *x, const void *y)
{
	const struct edits_key *a = x, *b = y;

	if (a->pos != b->pos)
		return (a->pos < b->pos ? -1 : 1);
	if (a->rank != b->rank)
		return (a->rank - b->rank);
	return (a->idx < b->idx ? -1 : a->idx > b->idx);
}

/* edits_cmp_name - by name (any case), then as edits_cmp_pos */
static int
edits_cmp_name(const void *x, const void *y)
{
	const struct edits_key *a = x, *b = y;
	int c = strcasecmp(a->name, b->name);

	return (c != 0 ? c : edits_cmp_pos(x, y));
}

/*
 * edits_keys - one key per original header (with its change or delete),
 * k[0..nheaders), then one per insert, sorted by position; k has room for
 * nheaders + nedits; the number of keys, and in *nchg the changes and
 * deletes
 */
static size_t
edits_keys(const struct engine_header *hdrs, size_t nheaders,
    const struct engine_result *res, struct edits_key *k, size_t *nchg)
{
	const struct engine_edit *e;
	size_t i, n = nheaders;

	*nchg = 0;
	for (i = 0; i < nheaders; i++) {
		k[i].name = hdrs[i].name;
		k[i].pos = i;
		k[i].rank = 1;
	}
	for (i = 0; i < res->nedits; i++) {
		e = &res->edits[i];
		if (e->op == ENGINE_ADD)
			continue;
		if (e->pos > nheaders ||
		    (e->op != ENGINE_INSERT &&
		        (e->pos == nheaders || k[e->pos].e != NULL)))
			pm_panic(
			    "edits: edit %zu (op %d) at position %zu of %zu headers",
			    i, (int)e->op, e->pos, nheaders);
		if (e->op != ENGINE_INSERT) {
			k[e->pos].e = e;
			k[e->pos].idx = i;
			(*nchg)++;
			continue;
		}
		k[n].name = e->name;
		k[n].pos = e->pos;
		k[n].rank = 0;
		k[n].idx = i;
		k[n++].e = e;
	}
	qsort(k + nheaders, n - nheaders, sizeof(*k), edits_cmp_pos);
	return (n);
}

/* edits_inserts - the inserts ins[0..nins), top-down, each below the last */
static size_t
edits_inserts(const struct edits_key *ins, size_t nins, size_t hidden,
    struct edits_mop *v)
{
	size_t i;

	for (i = 0; i < nins; i++) {
		v[i].kind = EDITS_MOP_INSHEADER;
		v[i].index = (int)(ins[i].pos + hidden + i);
		v[i].name = ins[i].e->name;
		v[i].value = ins[i].e->value;
	}
	return (nins);
}

/*
 * edits_changes - the changes and deletes, per name bottom-up; k sorted
 * by name: within a name, a header's index counts every key up to it
 */
static size_t
edits_changes(struct edits_key *k, size_t nk, struct edits_mop *v)
{
	size_t g, end, i, n = 0;

	qsort(k, nk, sizeof(*k), edits_cmp_name);
	for (g = 0; g < nk; g = end) {
		for (end = g + 1;
		     end < nk && strcasecmp(k[end].name, k[g].name) == 0; end++)
			;
		for (i = end; i-- > g;) {
			if (k[i].rank == 0 || k[i].e == NULL)
				continue;
			v[n].kind = EDITS_MOP_CHGHEADER;
			v[n].index = (int)(i - g + 1);
			v[n].name = k[i].name;
			v[n].value =
			    k[i].e->op == ENGINE_DELETE ? NULL : k[i].e->value;
			n++;
		}
	}
	return (n);
}

/* edits_milter_ops - order and index the edits for libmilter */
int
edits_milter_ops(const struct engine_header *hdrs, size_t nheaders,
    const struct engine_result *res, size_t hidden, struct edits_mop **ops,
    size_t *nops, struct pm_error *err)
{
	struct edits_key *k = NULL;
	struct edits_mop *v = NULL;
	size_t nk, n, i, nchg;

	*ops = NULL;
	*nops = 0;
	if (res->nedits == 0)
		return (0);
	if (hidden > INT_MAX || res->nedits > INT_MAX - hidden ||
	    nheaders > INT_MAX - hidden - res->nedits) {
		pm_error_set(err,
		    "the message has too many headers (%zu) for the milter protocol",
		    nheaders);
		return (-1);
	}
	if ((v = calloc(res->nedits, sizeof(*v))) == NULL ||
	    (k = calloc(nheaders + res->nedits, sizeof(*k))) == NULL) {
		free(v);
		pm_error_cause(err, PM_ERR_NOMEM,
		    "out of memory while ordering header edits");
		return (-1);
	}
	nk = edits_keys(hdrs, nheaders, res, k, &nchg);
	n = edits_inserts(k + nheaders, nk - nheaders, hidden, v);
	if (nchg > 0)
		n += edits_changes(k, nk, v + n);
	for (i = 0; i < res->nedits; i++) {
		if (res->edits[i].op != ENGINE_ADD)
			continue;
		v[n].kind = EDITS_MOP_ADDHEADER;
		v[n].name = res->edits[i].name;
		v[n++].value = res->edits[i].value;
	}
	free(k);
	*ops = v;
	*nops = n;
	return (0);
}

/* edits_apply - the header list after the edits */
int
edits_apply(const struct engine_header *hdrs, size_t nheaders,
    const struct engine_result *res, struct engine_header **out, size_t *nout)
{
	struct edits_key *k;
	struct engine_header *v;
	const struct engine_edit *e;
	size_t i, j, nk, nchg, n = 0;

	*out = NULL;
	*nout = 0;
	if ((v = calloc(nheaders + res->nedits + 1, sizeof(*v))) == NULL)
		return (-1);
	if ((k = calloc(nheaders + res->nedits + 1, sizeof(*k))) == NULL) {
		free(v);
		return (-1);
	}
	nk = edits_keys(hdrs, nheaders, res, k, &nchg);
	/* Each header below the inserts above it; then the inserts at the end. */
	for (i = 0, j = nheaders; i <= nheaders; i++) {
		for (; j < nk && k[j].pos == i; j++) {
			v[n].name = k[j].e->name;
			v[n++].value = k[j].e->value;
		}
		if (i == nheaders ||
		    ((e = k[i].e) != NULL && e->op == ENGINE_DELETE))
			continue;
		v[n].name = hdrs[i].name;
		v[n++].value = e != NULL ? e->value : hdrs[i].value;
	}
	for (i = 0; i < res->nedits; i++) {
		e = &res->edits[i];
		if (e->op == ENGINE_ADD) {
			v[n].name = e->name;
			v[n++].value = e->value;
		}
	}
	free(k);
	*out = v;
	*nout = n;
	return (0);
}
