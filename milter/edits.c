/*++
/* NAME
/*	edits 3
/* SUMMARY
/*	the engine's edits as libmilter calls, or as a new header list
/* DESCRIPTION
/*	The contract is in include/edits.h. Both functions sort keys made of
/*	(name, position, rank, edit order); the engine guarantees that a
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
 * edits_keys - one key per original header (with its change or delete)
 * and one per insert, into k (nheaders + nedits room); the number of keys
 */
static size_t
edits_keys(const struct engine_header *hdrs, size_t nheaders,
    const struct engine_result *res, struct edits_key *k)
{
	const struct engine_edit *e;
	size_t i, n = nheaders;

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
			continue;
		}
		k[n].name = e->name;
		k[n].pos = e->pos;
		k[n].rank = 0;
		k[n].idx = i;
		k[n++].e = e;
	}
	return (n);
}

/* edits_inserts - the inserts, top-down, each below the ones before */
static size_t
edits_inserts(
    struct edits_key *k, size_t nk, size_t hidden, struct edits_mop *v)
{
	size_t i, n = 0;

	qsort(k, nk, sizeof(*k), edits_cmp_pos);
	for (i = 0; i < nk; i++) {
		if (k[i].rank != 0)
			continue;
		v[n].kind = EDITS_MOP_INSHEADER;
		v[n].index = (int)(k[i].pos + hidden + n);
		v[n].name = k[i].e->name;
		v[n].value = k[i].e->value;
		n++;
	}
	return (n);
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
	size_t nk, n, i;

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
		pm_error_set(err, "out of memory while ordering header edits");
		return (-1);
	}
	nk = edits_keys(hdrs, nheaders, res, k);
	n = edits_inserts(k, nk, hidden, v);
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
	size_t i, nk, n = 0;

	*out = NULL;
	*nout = 0;
	if ((v = calloc(nheaders + res->nedits + 1, sizeof(*v))) == NULL)
		return (-1);
	if ((k = calloc(nheaders + res->nedits + 1, sizeof(*k))) == NULL) {
		free(v);
		return (-1);
	}
	nk = edits_keys(hdrs, nheaders, res, k);
	qsort(k, nk, sizeof(*k), edits_cmp_pos);
	for (i = 0; i < nk; i++) {
		e = k[i].e;
		if (k[i].rank == 0) {
			v[n].name = e->name;
			v[n++].value = e->value;
		} else if (e == NULL || e->op != ENGINE_DELETE) {
			v[n].name = hdrs[k[i].pos].name;
			v[n++].value =
			    e != NULL ? e->value : hdrs[k[i].pos].value;
		}
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
