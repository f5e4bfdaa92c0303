/*++
/* NAME
/*	util 3h
/* SUMMARY
/*	diagnostics, errors and growable strings shared by every module
/* SYNOPSIS
/*	#include "util.h"
/* DESCRIPTION
/*	Errors are values. A function that can fail returns -1 (or NULL) and
/*	fills a struct pm_error, or appends to a struct pm_diags when it can
/*	report several problems at once (a rules file, a config file).
/*
/*	An error also says what kind of failure it was (enum pm_err_cause,
/*	for the fail policy's counters, privacy-milter(8) "Monitoring"):
/*	PM_ERR_LIMIT, a PCRE2 match or depth limit; PM_ERR_NOMEM, memory
/*	ran out; PM_ERR_INTERNAL, anything else. pm_error_set() sets
/*	PM_ERR_INTERNAL, pm_error_cause() sets the cause it is given.
/*
/*	Every diagnostic names file:line; the text is a sentence a person
/*	can act on. pm_diag_format() renders one as
/*	"FILE:LINE: MESSAGE" (errors) or "FILE:LINE: warning: MESSAGE".
/*	When a column helps, the message ends with " (column N)".
/*	Control bytes (below 0x20, and 0x7f) in the file name or message
/*	are shown as \ooo, so quoted user input cannot garble a terminal
/*	or a log line.
/*
/*	struct pm_buf is a bounded, growable byte string (Postfix's VSTRING
/*	in small): it is always NUL-terminated, and every append reports
/*	an allocation failure with -1 instead of aborting.
/*
/*	pm_grow() is the one growth rule for every vector of the tree:
/*	it makes room for need elements of size bytes in *vp, doubling
/*	the capacity (from 8), and fails with -1 on overflow or ENOMEM,
/*	leaving the vector as it was.
/*
/*	pm_hash() is the one string hash of the tree: 64-bit FNV-1a of
/*	len bytes, lower-cased (ASCII) when fold is set; pm_hash_more()
/*	goes on from a previous value (start from PM_HASH_INIT).
/*
/*	pm_panic() is for broken invariants only: it writes "panic: "
/*	and the message through the log sink and aborts. Recoverable
/*	trouble (bad input, a match limit, ENOMEM) is a value, never a
/*	panic. The pure core cannot log; the sink is how the daemon lets
/*	a panic reach its log: pm_set_log_sink() installs a function that
/*	receives the line (without a newline). The default sink writes
/*	"privacy-milter: LINE" to standard error.
/*--*/
#ifndef PM_UTIL_H
#define PM_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define PM_EX_CONFIG 78 /* sysexits.h EX_CONFIG */

/* What kind of failure an error is (see DESCRIPTION). */
enum pm_err_cause {
	PM_ERR_INTERNAL,
	PM_ERR_LIMIT,
	PM_ERR_NOMEM,
};

/* Generic error: one sentence, already prefixed with file:line if any. */
struct pm_error {
	char text[1024];
	enum pm_err_cause cause;
};

enum pm_severity {
	PM_WARNING,
	PM_ERROR,
};

struct pm_diag {
	enum pm_severity sev;
	char *file; /* NULL when not about a file */
	unsigned line; /* 0 when unknown */
	unsigned col; /* 0 when unknown */
	char *msg;
};

struct pm_diags {
	struct pm_diag *v;
	size_t n;
	size_t cap;
};

/* pm_error_set - format an error, printf-style */
void pm_error_set(struct pm_error *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* pm_error_cause - format an error of a given cause, printf-style */
void pm_error_cause(struct pm_error *, enum pm_err_cause, const char *, ...)
    __attribute__((format(printf, 3, 4)));

/* pm_diag_add - append a diagnostic; never fails visibly (drops on ENOMEM) */
void pm_diag_add(struct pm_diags *, enum pm_severity, const char *file,
    unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* pm_diag_format - render one diagnostic into buf (see DESCRIPTION) */
void pm_diag_format(const struct pm_diag *, char *buf, size_t len);

/* pm_diags_errors - number of PM_ERROR entries */
size_t pm_diags_errors(const struct pm_diags *);

/* pm_diags_free - release all entries; the struct may be reused */
void pm_diags_free(struct pm_diags *);

struct pm_buf {
	char *s; /* always NUL-terminated once used */
	size_t len;
	size_t cap;
};

#define PM_BUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0                                                     \
	}

int pm_buf_append(struct pm_buf *, const char *, size_t);
int pm_buf_puts(struct pm_buf *, const char *);
int pm_buf_putc(struct pm_buf *, int);
int pm_buf_printf(struct pm_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void pm_buf_reset(struct pm_buf *); /* len = 0, keep storage */
void pm_buf_free(struct pm_buf *);
char *pm_buf_steal(struct pm_buf *); /* return s (never NULL), reinit */

/* pm_field_name_ok - s[0..len) is an RFC 5322 field name (ftext: 33..126 but ':') */
int pm_field_name_ok(const char *s, size_t len);

/* pm_strdup - strdup that accepts NULL */
char *pm_strdup(const char *);

/* pm_lower_dup - lower-case (ASCII) copy of len bytes; NULL on ENOMEM */
char *pm_lower_dup(const char *s, size_t len);

/* pm_grow - room for need elements of size bytes in *vp (see DESCRIPTION) */
int pm_grow(void *vp, size_t *cap, size_t need, size_t size);

#define PM_HASH_INIT 14695981039346656037ULL

/* pm_hash - FNV-1a of s[0..len), lower-cased when fold */
uint64_t pm_hash(const char *s, size_t len, int fold);

/* pm_hash_more - go on hashing from h */
uint64_t pm_hash_more(uint64_t h, const char *s, size_t len, int fold);

typedef void (*pm_log_sink_fn)(const char *line);

/* pm_set_log_sink - where pm_panic() writes; NULL: standard error */
void pm_set_log_sink(pm_log_sink_fn);

/* pm_panic - a broken invariant: log "panic: MESSAGE", then abort() */
void pm_panic(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

#endif
