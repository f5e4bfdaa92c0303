/*++
/* NAME
/*	msgparse 3
/* SUMMARY
/*	an RFC 5322 message from a file: header list and body
/* DESCRIPTION
/*	The contract is in include/msgparse.h. One pass over the lines:
/*	a header is added when the line after it is not a continuation.
/*--*/
#include <stdlib.h>
#include <string.h>

#include "msgparse.h"

/* msgparse_line - the line at p: content length and line-end length */
static void
msgparse_line(const char *p, const char *end, size_t *contlen, size_t *eollen)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	if (nl == NULL) {
		*contlen = (size_t)(end - p);
		*eollen = 0;
	} else if (nl > p && nl[-1] == '\r') {
		*contlen = (size_t)(nl - 1 - p);
		*eollen = 2;
	} else {
		*contlen = (size_t)(nl - p);
		*eollen = 1;
	}
}

/* msgparse_name - length of the name if the line is a header, else 0 */
static size_t
msgparse_name(const char *p, size_t len, size_t *colon)
{
	size_t i, n;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c <= 32 || c >= 127 || c == ':')
			break;
	}
	if ((n = i) == 0)
		return (0);
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= len || p[i] != ':')
		return (0);
	*colon = i;
	return (n);
}

/* msgparse_value - the value of the header [start, end): folds as "\n" */
static char *
msgparse_value(const char *start, const char *end)
{
	const char *p, *vstart;
	size_t vlen = 0, cl, el, i, colon = 0;
	char *val;

	(void)msgparse_name(start, (size_t)(end - start), &colon);
	vstart = start + colon + 1;
	if ((val = malloc((size_t)(end - vstart) + 1)) == NULL)
		return (NULL);
	for (p = vstart; p < end; p += cl + el) {
		msgparse_line(p, end, &cl, &el);
		if (p != vstart)
			val[vlen++] = '\n';
		/* A NUL is shown as a space. */
		for (i = 0; i < cl; i++)
			val[vlen++] = p[i] == '\0' ? ' ' : p[i];
	}
	val[vlen] = 0;
	return (val);
}

/* msgparse_add - append the header [start, end) whose name is namelen */
static int
msgparse_add(
    struct msgparse *m, size_t namelen, const char *start, const char *end)
{
	char *name, *val;

	if (m->nhdrs == m->cap) {
		size_t cap = m->cap;

		if (pm_grow(&m->hdrs, &cap, m->nhdrs + 1, sizeof(*m->hdrs)) <
		        0 ||
		    pm_grow(&m->spans, &m->cap, m->nhdrs + 1,
		        sizeof(*m->spans)) < 0)
			return (-1);
	}
	if ((val = msgparse_value(start, end)) == NULL)
		return (-1);
	/* Not strndup(): the input need not end in a NUL. */
	if ((name = malloc(namelen + 1)) == NULL) {
		free(val);
		return (-1);
	}
	memcpy(name, start, namelen);
	name[namelen] = 0;
	m->hdrs[m->nhdrs].name = name;
	m->hdrs[m->nhdrs].value = val;
	m->spans[m->nhdrs].start = start;
	m->spans[m->nhdrs].len = (size_t)(end - start);
	m->nhdrs++;
	return (0);
}

/* msgparse_headers - the header section from p; where the body starts */
static const char *
msgparse_headers(struct msgparse *m, const char *p, const char *end)
{
	const char *hstart = NULL;
	size_t namelen = 0, cl, el, colon;

	for (; p < end; p += cl + el) {
		msgparse_line(p, end, &cl, &el);
		if (hstart != NULL && cl > 0 && (*p == ' ' || *p == '\t'))
			continue; /* continuation of the open header */
		if (hstart != NULL && msgparse_add(m, namelen, hstart, p) < 0)
			return (NULL);
		hstart = NULL;
		if (cl == 0 && el > 0) {
			m->sep = p;
			m->seplen = el;
			return (p + el);
		}
		if (cl == 0)
			return (p); /* end of input */
		if ((namelen = msgparse_name(p, cl, &colon)) == 0)
			return (p); /* not a header: the body starts here */
		hstart = p;
	}
	if (hstart != NULL && msgparse_add(m, namelen, hstart, end) < 0)
		return (NULL);
	return (end);
}

/* msgparse_parse - split a message into headers and body */
int
msgparse_parse(const char *buf, size_t len, struct msgparse *m)
{
	const char *p = buf, *end = buf + len;
	size_t cl, el;

	memset(m, 0, sizeof(*m));
	m->body = buf;
	if (len == 0)
		return (0);
	msgparse_line(p, end, &cl, &el);
	m->crlf = (el == 2);
	/* A leading mbox "From " line is not part of the message. */
	if (cl >= 5 && memcmp(p, "From ", 5) == 0)
		p += cl + el;
	if ((p = msgparse_headers(m, p, end)) == NULL) {
		msgparse_free(m);
		return (-1);
	}
	m->body = p;
	m->bodylen = (size_t)(end - p);
	return (0);
}

/* msgparse_free - release the header list */
void
msgparse_free(struct msgparse *m)
{
	size_t i;

	for (i = 0; i < m->nhdrs; i++) {
		free((char *)m->hdrs[i].name);
		free((char *)m->hdrs[i].value);
	}
	free(m->hdrs);
	free(m->spans);
	memset(m, 0, sizeof(*m));
}
