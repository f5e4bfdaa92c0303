/*++
/* NAME
/*	dkim 3
/* SUMMARY
/*	the header names that DKIM signatures of a message cover
/* DESCRIPTION
/*	The contract is in include/dkim.h. The names are kept in a sorted
/*	vector and found by bsearch().
/*--*/
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dkim.h"
#include "engine.h"
#include "util.h"

/* dkim_is_fws - folding white space of a tag list */
static int
dkim_is_fws(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* dkim_add - remember one signed header name */
static int
dkim_add(struct dkim_signed *ds, const char *name, size_t len)
{
	char *s;

	if (pm_grow(&ds->names, &ds->cap, ds->n + 1, sizeof(*ds->names)) < 0 ||
	    (s = strndup(name, len)) == NULL)
		return (-1);
	ds->names[ds->n++] = s;
	return (0);
}

/* dkim_h_tag - the names of one h= value [v, end) */
static int
dkim_h_tag(struct dkim_signed *ds, const char *v, const char *end)
{
	const char *q, *nb, *ne;

	for (q = v; q < end;) {
		while (q < end && dkim_is_fws(*q))
			q++;
		for (nb = q; q < end && *q != ':'; q++)
			;
		for (ne = q; ne > nb && dkim_is_fws(ne[-1]); ne--)
			;
		if (ne > nb && dkim_add(ds, nb, (size_t)(ne - nb)) < 0)
			return (-1);
		if (q < end)
			q++;
	}
	return (0);
}

/* dkim_tags - the h= tags of one DKIM-Signature value */
static int
dkim_tags(struct dkim_signed *ds, const char *p)
{
	const char *tag, *tagend, *val;

	while (*p != 0) {
		while (dkim_is_fws(*p))
			p++;
		for (tag = p; isalnum((unsigned char)*p) || *p == '_'; p++)
			;
		tagend = p;
		while (dkim_is_fws(*p))
			p++;
		if (*p != '=') {
			/* Not a tag-spec: skip to the next ';'. */
			while (*p != 0 && *p != ';')
				p++;
			if (*p == ';')
				p++;
			continue;
		}
		for (val = ++p; *p != 0 && *p != ';'; p++)
			;
		if (tagend - tag == 1 && *tag == 'h' &&
		    dkim_h_tag(ds, val, p) < 0)
			return (-1);
		if (*p == ';')
			p++;
	}
	return (0);
}

/* dkim_cmp - qsort and bsearch: names, case-insensitively */
static int
dkim_cmp(const void *a, const void *b)
{
	return (strcasecmp(*(char *const *)a, *(char *const *)b));
}

/* dkim_collect - the h= names of every DKIM-Signature */
int
dkim_collect(struct dkim_signed *ds, const struct engine_header *hdrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(hdrs[i].name, "DKIM-Signature") == 0 &&
		    dkim_tags(ds, hdrs[i].value) < 0)
			return (-1);
	if (ds->n > 0)
		qsort(ds->names, ds->n, sizeof(*ds->names), dkim_cmp);
	return (0);
}

/* dkim_is_signed - is this header name in some h= tag? */
int
dkim_is_signed(const struct dkim_signed *ds, const char *name)
{
	return (ds->n > 0 &&
	    bsearch(&name, ds->names, ds->n, sizeof(*ds->names), dkim_cmp) !=
	        NULL);
}

/* dkim_free - release the names */
void
dkim_free(struct dkim_signed *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		free(ds->names[i]);
	free(ds->names);
	memset(ds, 0, sizeof(*ds));
}
