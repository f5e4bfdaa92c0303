/*++
/* NAME
/*	date 3
/* SUMMARY
/*	an RFC 5322 date in UTC
/* SYNOPSIS
/*	See include/date.h.
/* DESCRIPTION
/*	Implementation notes: a small tokenizer (date_token()) skips white
/*	space and comments, then the fields are read in order. The instant
/*	is computed with days_from_civil() (proleptic Gregorian, no libc
/*	time zone or locale involved) and written back with civil_from_days().
/*--*/
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "date.h"

static const char date_months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char date_days[7][4] = {
    "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"}; /* 1970-01-01: Thu */

/* The reader: the value and where it is. */
struct date_in {
	const char *v;
	size_t len;
	size_t i;
};

/* date_skip - white space and (nested) comments */
static void
date_skip(struct date_in *in)
{
	int depth = 0;

	while (in->i < in->len) {
		char c = in->v[in->i];

		if (depth > 0) {
			if (c == '\\' && in->i + 1 < in->len)
				in->i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (c == '(')
			depth++;
		else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return;
		in->i++;
	}
}

/* date_number - up to max digits; -1 when there are none */
static long
date_number(struct date_in *in, size_t max, size_t *ndigits)
{
	long n = 0;
	size_t d = 0;

	date_skip(in);
	while (in->i < in->len && d < max && in->v[in->i] >= '0' &&
	    in->v[in->i] <= '9') {
		n = n * 10 + (in->v[in->i++] - '0');
		d++;
	}
	if (ndigits != NULL)
		*ndigits = d;
	return (d == 0 ? -1 : n);
}

/* date_word - letters into w (at most wlen-1); its length */
static size_t
date_word(struct date_in *in, char *w, size_t wlen)
{
	size_t n = 0;

	date_skip(in);
	while (in->i < in->len && n + 1 < wlen &&
	    ((in->v[in->i] | 32) >= 'a' && (in->v[in->i] | 32) <= 'z'))
		w[n++] = in->v[in->i++];
	w[n] = 0;
	return (n);
}

/* date_zone - the zone in minutes east of UTC; 0 when unknown */
static int
date_zone(struct date_in *in, long *east)
{
	static const struct {
		const char *name;
		int hours;
	} named[] = {{"UT", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -5}, {"EDT", -4},
	    {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8},
	    {"PDT", -7}};
	char w[8];
	size_t k, d;
	long hhmm;
	int sign;

	date_skip(in);
	if (in->i < in->len && (in->v[in->i] == '+' || in->v[in->i] == '-')) {
		sign = in->v[in->i++] == '-' ? -1 : 1;
		if (in->i >= in->len || in->v[in->i] < '0' ||
		    in->v[in->i] > '9')
			return (0);
		hhmm = date_number(in, 4, &d);
		if (d != 4 || hhmm % 100 > 59)
			return (0);
		*east = sign * (hhmm / 100 * 60 + hhmm % 100);
		return (1);
	}
	if (date_word(in, w, sizeof(w)) == 0)
		return (0);
	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++)
		if (strcasecmp(w, named[k].name) == 0) {
			*east = named[k].hours * 60;
			return (1);
		}
	/* A military letter: RFC 5322 4.3 says to treat it as -0000. */
	if (strlen(w) == 1 && (w[0] | 32) != 'j') {
		*east = 0;
		return (1);
	}
	return (0);
}

/* days_from_civil - days since 1970-01-01 of y-m-d (Gregorian) */
static long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* civil_from_days - y-m-d of days since 1970-01-01 */
static void
civil_from_days(long z, long *y, long *m, long *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* date_to_utc - the date in UTC (see date.h) */
int
date_to_utc(const char *v, size_t len, struct pm_buf *out)
{
	struct date_in in = {v, len, 0};
	char w[16];
	long day, mon, year, hh, mm, ss = 0, east, t, days, secs;
	size_t save, d;
	char line[128];

	/* Optional day of the week and its comma. */
	save = in.i;
	if (date_word(&in, w, sizeof(w)) > 0) {
		date_skip(&in);
		if (in.i >= in.len || in.v[in.i] != ',')
			return (0);
		in.i++;
	} else
		in.i = save;
	if ((day = date_number(&in, 2, NULL)) < 1 || day > 31)
		return (0);
	if (date_word(&in, w, sizeof(w)) != 3)
		return (0);
	for (mon = 0; mon < 12 && strcasecmp(w, date_months[mon]) != 0; mon++)
		;
	if (mon == 12 || (year = date_number(&in, 4, &d)) < 0 || d < 2)
		return (0);
	if (d == 2) /* RFC 5322 4.3: 00-49 are 2000-2049, 50-99 1950-1999 */
		year += year < 50 ? 2000 : 1900;
	else if (d == 3)
		year += 1900;
	if ((hh = date_number(&in, 2, NULL)) < 0 || hh > 23)
		return (0);
	date_skip(&in);
	if (in.i >= in.len || in.v[in.i] != ':')
		return (0);
	in.i++;
	if ((mm = date_number(&in, 2, NULL)) < 0 || mm > 59)
		return (0);
	date_skip(&in);
	if (in.i < in.len && in.v[in.i] == ':') {
		in.i++;
		if ((ss = date_number(&in, 2, NULL)) < 0 || ss > 60)
			return (0);
	}
	if (!date_zone(&in, &east))
		return (0);
	date_skip(&in);
	if (in.i != in.len)
		return (0);
	t = days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 + mm * 60 +
	    ss - east * 60;
	days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	secs = t - days * 86400;
	civil_from_days(days, &year, &mon, &day);
	snprintf(line, sizeof(line),
	    " %s, %ld %s %04ld %02ld:%02ld:%02ld +0000",
	    date_days[((days % 7) + 7) % 7], day, date_months[mon - 1], year,
	    secs / 3600, secs / 60 % 60, secs % 60);
	return (pm_buf_puts(out, line) < 0 ? -1 : 1);
}
