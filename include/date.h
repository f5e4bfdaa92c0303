/*++
/* NAME
/*	date 3h
/* SUMMARY
/*	an RFC 5322 date in UTC
/* SYNOPSIS
/*	#include "date.h"
/*
/*	int	date_to_utc(const char *v, size_t len, struct pm_buf *out)
/* DESCRIPTION
/*	date_to_utc() reads the date-time of a Date (or Resent-Date) header
/*	value, RFC 5322 section 3.3 with the obsolete forms of 4.3:
/*	optional day of the week, day, month name, a two-, three- or
/*	four-digit year, hh:mm[:ss], and a zone: +hhmm/-hhmm, UT, GMT, the
/*	US zones (EST, EDT, CST, CDT, MST, MDT, PST, PDT) or a military
/*	letter (taken as -0000, as section 4.3 says); comments and white
/*	space anywhere between the tokens. It appends to out the same
/*	instant in UTC as Postfix writes dates: " Tue, 24 Nov 2026 09:05:03
/*	+0000" (a leading space, as a header value has it; seconds always).
/*	The time zone of a date tells where the sender is: this removes it.
/* DIAGNOSTICS
/*	date_to_utc() returns 1 when it wrote a date, 0 when v is not a date
/*	it can read (nothing is written; the header should be left as it
/*	is), -1 when memory runs out.
/*--*/
#ifndef PM_DATE_H
#define PM_DATE_H

#include <stddef.h>

#include "util.h"

int date_to_utc(const char *v, size_t len, struct pm_buf *out);

#endif
