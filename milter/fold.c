/*++
/* NAME
/*	fold 3
/* SUMMARY
/*	safe header values: the CR/LF/NUL rule and re-folding
/* DESCRIPTION
/*	The contract is in include/fold.h. fold_value() works in two
/*	passes: fold_flatten() applies the CR/LF/NUL rule (only folds stay,
/*	as "\n"), then each physical line is trimmed and re-folded by
/*	fold_line().
/*--*/
#include <string.h>

#include "fold.h"

/* fold_is_wsp - RFC 5322 WSP */
static int
fold_is_wsp(int c)
{
	return (c == ' ' || c == '\t');
}

/* fold_is_break - CR, LF or NUL */
static int
fold_is_break(int c)
{
	return (c == '\r' || c == '\n' || c == 0);
}

/* fold_scrub - neutralise CR, LF and NUL from offset on (see fold.h) */
void
fold_scrub(struct pm_buf *b, size_t from)
{
	size_t i, j, k, w;
	char c;

	for (i = from; i < b->len; i++) {
		c = b->s[i];
		if (!fold_is_break(c))
			continue;
		/* The break: "\n" or "\r\n". */
		j = i + (c == '\r' && i + 1 < b->len && b->s[i + 1] == '\n');
		if (c != 0 && b->s[j] == '\n') {
			for (w = j + 1; w < b->len && fold_is_wsp(b->s[w]); w++)
				;
			for (k = i; k > 0 && fold_is_wsp(b->s[k - 1]); k--)
				;
			if (w > j + 1 && w < b->len &&
			    !fold_is_break(b->s[w]) && k > 0 &&
			    !fold_is_break(b->s[k - 1])) {
				if (j > i) {
					/* "\r\n" -> "\n": drop the CR. */
					memmove(b->s + i, b->s + j, b->len - j);
					b->len--;
					b->s[b->len] = '\0';
				}
				i = w - 1 - (j - i);
				continue;
			}
		}
		b->s[i] = ' ';
	}
}

/*
 * fold_flatten - in[0..len) into flat: folds become "\n", any other CR,
 * LF or NUL a space; a "\n" ends the last line. Runs of other bytes are
 * copied at once.
 */
static int
fold_flatten(const char *in, size_t len, struct pm_buf *flat)
{
	size_t i, run;
	char c;

	for (i = 0; i < len; i++) {
		for (run = i; i < len && !fold_is_break(in[i]); i++)
			;
		if (i > run && pm_buf_append(flat, in + run, i - run) < 0)
			return (-1);
		if (i == len)
			break;
		c = in[i];
		if (c == '\r' && i + 2 < len && in[i + 1] == '\n' &&
		    fold_is_wsp(in[i + 2])) {
			c = '\n';
			i++;
		} else if (c == '\n' && i + 1 < len && fold_is_wsp(in[i + 1]))
			c = '\n';
		else
			c = ' ';
		if (pm_buf_putc(flat, c) < 0)
			return (-1);
	}
	return (pm_buf_putc(flat, '\n'));
}

/* fold_next - the next line of flat at *seg, trailing WSP cut; 0 at end */
static int
fold_next(const struct pm_buf *flat, size_t *seg, const char **s, size_t *n)
{
	size_t end;

	if (*seg >= flat->len)
		return (0);
	end = *seg + strcspn(flat->s + *seg, "\n");
	*s = flat->s + *seg;
	*n = end - *seg;
	while (*n > 0 && fold_is_wsp((*s)[*n - 1]))
		(*n)--;
	*seg = end + 1;
	return (1);
}

/* fold_wsp - length of the white space that starts s[0..n) */
static size_t
fold_wsp(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && fold_is_wsp(s[i]); i++)
		;
	return (i);
}

/*
 * fold_break - where to fold s[cur..n) whose first octet stands at column
 * prefix: the last white space (after a non-white one) within 78 octets,
 * else the first within 998; 0: none
 */
static size_t
fold_break(const char *s, size_t n, size_t cur, size_t prefix)
{
	size_t w, best = 0;

	for (w = cur + 1; w < n && prefix + (w - cur) <= FOLD_HARD; w++) {
		if (!fold_is_wsp(s[w]) || fold_is_wsp(s[w - 1]))
			continue;
		if (prefix + (w - cur) <= FOLD_SOFT)
			best = w;
		else
			return (best != 0 ? best : w);
	}
	return (best);
}

/* fold_line - append line s[0..n), folded, its first octet at prefix */
static int
fold_line(struct pm_buf *out, const char *s, size_t n, size_t prefix)
{
	size_t cur = 0, brk, h;

	while (prefix + (n - cur) > FOLD_SOFT) {
		brk = fold_break(s, n, cur, prefix);
		if (brk == 0 && prefix + (n - cur) <= FOLD_HARD)
			break;
		if (brk == 0) {
			/* One token over 998 octets: split it. */
			h = cur + (prefix < FOLD_HARD ? FOLD_HARD - prefix : 1);
			if (h >= n)
				break;
			while (
			    h > cur + 1 && ((unsigned char)s[h] & 0xc0) == 0x80)
				h--;
			if (pm_buf_append(out, s + cur, h - cur) < 0 ||
			    pm_buf_append(out, "\n\t", 2) < 0)
				return (-1);
			cur = h;
		} else {
			if (pm_buf_append(out, s + cur, brk - cur) < 0 ||
			    pm_buf_append(out, "\n\t", 2) < 0)
				return (-1);
			for (cur = brk; fold_is_wsp(s[cur]); cur++)
				;
		}
		prefix = 1;
	}
	return (pm_buf_append(out, s + cur, n - cur));
}

/* fold_value - a safe, re-folded copy of a new value (see fold.h) */
int
fold_value(size_t namelen, const char *in, size_t len, struct pm_buf *out)
{
	struct pm_buf flat = PM_BUF_INIT;
	size_t seg = 0, n, i, prefix, start = out->len;
	const char *s;
	int first = 1, rc = -1;

	if (fold_flatten(in, len, &flat) < 0)
		goto out;
	while (fold_next(&flat, &seg, &s, &n)) {
		if (!first) {
			if (n == 0)
				continue; /* white space only */
			if (pm_buf_putc(out, '\n') < 0)
				goto out;
			prefix = 0;
		} else if (fold_wsp(s, n) < n) {
			prefix = namelen + 1;
		} else {
			/* Nothing but white space: one, then the next text. */
			if (pm_buf_putc(out, ' ') < 0)
				goto out;
			prefix = namelen + 2;
			do {
				if (!fold_next(&flat, &seg, &s, &n))
					goto done;
			} while ((i = fold_wsp(s, n)) == n);
			s += i;
			n -= i;
		}
		first = 0;
		/* An absurd indentation would leave a blank line: one WSP. */
		if ((i = fold_wsp(s, n)) > FOLD_SOFT) {
			s += i - 1;
			n -= i - 1;
		}
		if (fold_line(out, s, n, prefix) < 0)
			goto out;
	}
done:
	if (out->len == start && pm_buf_putc(out, ' ') < 0)
		goto out;
	rc = 0;

out:
	pm_buf_free(&flat);
	return (rc);
}
