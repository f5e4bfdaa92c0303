/*++
/* NAME
/*	util 3
/* SUMMARY
/*	diagnostics, errors and growable strings
/* DESCRIPTION
/*	The contract is in include/util.h. The log sink is a plain pointer:
/*	the daemon sets it once at start-up, before any thread runs.
/*--*/
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* pm_error_vset - format an error of a cause */
static void
pm_error_vset(
    struct pm_error *err, enum pm_err_cause cause, const char *fmt, va_list ap)
{
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	err->cause = cause;
}

/* pm_error_set - format an error */
void
pm_error_set(struct pm_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err != NULL)
		pm_error_vset(err, PM_ERR_INTERNAL, fmt, ap);
	va_end(ap);
}

/* pm_error_cause - format an error of a given cause */
void
pm_error_cause(
    struct pm_error *err, enum pm_err_cause cause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err != NULL)
		pm_error_vset(err, cause, fmt, ap);
	va_end(ap);
}

/* pm_hash_more - FNV-1a from h over s[0..len) */
uint64_t
pm_hash_more(uint64_t h, const char *s, size_t len, int fold)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= fold ? (unsigned char)tolower((unsigned char)s[i])
		          : (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (h);
}

/* pm_hash - FNV-1a of s[0..len) */
uint64_t
pm_hash(const char *s, size_t len, int fold)
{
	return (pm_hash_more(PM_HASH_INIT, s, len, fold));
}

/* pm_diag_add - append one diagnostic */
void
pm_diag_add(struct pm_diags *d, enum pm_severity sev, const char *file,
    unsigned line, unsigned col, const char *fmt, ...)
{
	struct pm_diag *e;
	va_list ap;
	char msg[1024];

	if (d == NULL || pm_grow(&d->v, &d->cap, d->n + 1, sizeof(*d->v)) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e = &d->v[d->n];
	e->sev = sev;
	e->file = pm_strdup(file);
	e->line = line;
	e->col = col;
	e->msg = strdup(msg);
	if (e->msg == NULL || (file != NULL && e->file == NULL)) {
		free(e->file);
		free(e->msg);
		return;
	}
	d->n++;
}

/* diag_put - append s to buf[*o..len), control bytes as \ooo */
static void
diag_put(char *buf, size_t len, size_t *o, const char *s)
{
	unsigned char c;

	if (*o >= len)
		return; /* truncated earlier: nothing more */
	for (; *s != 0; s++) {
		c = (unsigned char)*s;
		if (c >= 0x20 && c != 0x7f) {
			if (*o + 1 >= len)
				goto full;
			buf[(*o)++] = (char)c;
		} else {
			if (*o + 4 >= len)
				goto full;
			buf[(*o)++] = '\\';
			buf[(*o)++] = (char)('0' + (c >> 6));
			buf[(*o)++] = (char)('0' + ((c >> 3) & 7));
			buf[(*o)++] = (char)('0' + (c & 7));
		}
	}
	buf[*o] = 0;
	return;
full:
	buf[*o] = 0;
	*o = len;
}

/*
 * pm_diag_format - "FILE:LINE: [warning: ]MESSAGE[ (column N)]"
 *
 * Bytes below 0x20 and 0x7f (in the file name or the message, which
 * quotes user input) are shown as \ooo so they cannot hide or fake text.
 */
void
pm_diag_format(const struct pm_diag *e, char *buf, size_t len)
{
	char num[48];
	size_t o = 0;

	if (len == 0)
		return;
	buf[0] = 0;
	if (e->file != NULL) {
		diag_put(buf, len, &o, e->file);
		if (e->line > 0) {
			snprintf(num, sizeof(num), ":%u", e->line);
			diag_put(buf, len, &o, num);
		}
		diag_put(buf, len, &o, ": ");
	}
	if (e->sev == PM_WARNING)
		diag_put(buf, len, &o, "warning: ");
	diag_put(buf, len, &o, e->msg != NULL ? e->msg : "");
	if (e->col > 0) {
		snprintf(num, sizeof(num), " (column %u)", e->col);
		diag_put(buf, len, &o, num);
	}
}

/* pm_diags_errors - count errors */
size_t
pm_diags_errors(const struct pm_diags *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == PM_ERROR)
			n++;
	return (n);
}

/* pm_diags_free - release entries */
void
pm_diags_free(struct pm_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

/* pm_buf_grow - make room for need more bytes plus NUL */
static int
pm_buf_grow(struct pm_buf *b, size_t need)
{
	if (need > ((size_t)-1) / 2 - b->len)
		return (-1);
	need += b->len + 1;
	return (pm_grow(&b->s, &b->cap, need > 64 ? need : 64, 1));
}

/* pm_buf_append - append len bytes */
int
pm_buf_append(struct pm_buf *b, const char *p, size_t len)
{
	if (pm_buf_grow(b, len) < 0)
		return (-1);
	if (len > 0)
		memcpy(b->s + b->len, p, len);
	b->len += len;
	b->s[b->len] = 0;
	return (0);
}

/* pm_buf_puts - append a string */
int
pm_buf_puts(struct pm_buf *b, const char *s)
{
	return (pm_buf_append(b, s, strlen(s)));
}

/* pm_buf_putc - append one byte */
int
pm_buf_putc(struct pm_buf *b, int c)
{
	char ch = (char)c;

	return (pm_buf_append(b, &ch, 1));
}

/* pm_buf_printf - append formatted text */
int
pm_buf_printf(struct pm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || pm_buf_grow(b, (size_t)n) < 0)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return (0);
}

/* pm_buf_reset - empty, keep storage */
void
pm_buf_reset(struct pm_buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = 0;
}

/* pm_buf_free - release storage */
void
pm_buf_free(struct pm_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* pm_buf_steal - hand over the string; never NULL unless ENOMEM */
char *
pm_buf_steal(struct pm_buf *b)
{
	char *s = b->s;

	if (s == NULL)
		s = strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return (s);
}

/* pm_field_name_ok - at least one printable ASCII octet, no colon */
int
pm_field_name_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126 ||
		    s[i] == ':')
			return (0);
	return (len > 0);
}

/* pm_strdup - strdup that accepts NULL */
char *
pm_strdup(const char *s)
{
	return (s == NULL ? NULL : strdup(s));
}

/* pm_lower_dup - lower-case copy of len bytes */
char *
pm_lower_dup(const char *s, size_t len)
{
	char *d;
	size_t i;

	if ((d = malloc(len + 1)) == NULL)
		return (NULL);
	for (i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)s[i]);
	d[len] = 0;
	return (d);
}

/* pm_grow - room for need elements in the vector *vp of capacity *cap */
int
pm_grow(void *vp, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *v, *nv;

	if (need <= *cap)
		return (0);
	for (ncap = *cap ? *cap : 8; ncap < need; ncap *= 2)
		if (ncap > ((size_t)-1) / 2)
			return (-1);
	if (ncap > ((size_t)-1) / size)
		return (-1);
	memcpy(&v, vp, sizeof(v));
	if ((nv = realloc(v, ncap * size)) == NULL)
		return (-1);
	memcpy(vp, &nv, sizeof(nv));
	*cap = ncap;
	return (0);
}

static pm_log_sink_fn pm_sink;

/* pm_set_log_sink - install the function pm_panic() writes through */
void
pm_set_log_sink(pm_log_sink_fn fn)
{
	pm_sink = fn;
}

/* pm_panic - log "panic: MESSAGE" through the sink and abort */
void
pm_panic(const char *fmt, ...)
{
	static int panicking;
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "panic: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* A panic inside the sink must not recurse. */
	if (pm_sink != NULL && !panicking++)
		pm_sink(line);
	else
		fprintf(stderr, "privacy-milter: %s\n", line);
	abort();
}
