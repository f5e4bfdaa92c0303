/*++
/* NAME
/*	stats 3h
/* SUMMARY
/*	the counters: one block of memory shared by the supervisor, the
/*	filtering child, the metrics process and --stats
/* SYNOPSIS
/*	#include "stats.h"
/*
/*	size_t	stats_size(void)
/*	void	stats_init(void *mem, long pid, time_t now)
/*	const struct stats *stats_check(const void *mem, size_t len)
/*	long	stats_pid(const struct stats *st)
/*
/*	enum stats_scope stats_scope(const struct pm_session *s,
/*		    int forwarded)
/*	void	stats_message(struct stats *st, const struct stats_msg *m)
/*	void	stats_fail(struct stats *st, enum pm_err_cause cause,
/*		    int accepted)
/*	void	stats_session(struct stats *st, const struct pm_session *s)
/*	void	stats_install(struct stats *st, const struct ruleset *rs,
/*		    unsigned long generation)
/*	void	stats_reload(struct stats *st, int ok, time_t now)
/*	void	stats_child_gone(struct stats *st, int restarted)
/*
/*	int	stats_format_prometheus(const struct stats *st,
/*		    struct pm_buf *out)
/*	int	stats_format_table(const struct stats *st, time_t now,
/*		    int running, struct pm_buf *out)
/*	const char *const stats_families[]
/* DESCRIPTION
/*	Everything privacy-milter(8) "Monitoring" lists lives in one block
/*	of fixed size (stats_size(), about 450 KiB, most of it slots that
/*	cost no memory until used) that the supervisor maps shared before
/*	its first fork (statsfile.h): a child that crashes or reloads
/*	leaves its counts behind for the next. Counters are C11 atomics,
/*	lock-free (checked at compile time: the block is shared between
/*	processes) and updated with relaxed fetch-and-add: no lock on the
/*	mail path. Pure: no I/O; the block may be any zeroed memory (unit
/*	tests use malloc).
/*
/*	stats_init() gives zeroed memory of stats_size() bytes its header
/*	(a magic number, the layout version and size, the supervisor's
/*	pid and start time). stats_check() returns the block if mem holds
/*	one of this layout in len bytes, else NULL: --stats of another
/*	version reads nothing rather than garbage. stats_pid() is the
/*	supervisor's pid.
/*
/*	Recording, by whoever sees the event:
/* .IP \(bu
/*	stats_message(), at the end of each message (callbacks.c): one
/*	message of scope m->scope (stats_scope(): inbound when the session
/*	is neither authenticated nor local; else forwarded when the engine
/*	says so; else authenticated; else local), its end-of-message time
/*	(m->eom_ns, the histogram), and from the engine's result m->res
/*	(NULL when the engine did not run): a hit for each rule that
/*	matched (engine.h), the parts the detectors found per kind, the
/*	DKIM skips; when m->edits_made, the edits by kind and whether a
/*	rule changed the message. m->generation is that of the snapshot
/*	the message used.
/* .IP \(bu
/*	stats_fail(): one decision of the fail policy, by cause and by
/*	what it did (tempfail, or accept with OnError accept).
/* .IP \(bu
/*	stats_session(), when an SMTP session that said HELO ends: local
/*	(the MTA's own submission: port 0, loopback), TLS (by version and
/*	by the cipher's IANA name, tls.h) or plain text.
/* .IP \(bu
/*	stats_install(), when the child installs a snapshot (at its start
/*	and after each good reload): the generation, the number of rules,
/*	and the labels of every rule that has counts (its file:line may
/*	have moved). stats_reload(): the result of a reload and the time
/*	of the last good one (the supervisor counts its first load as
/*	one, not as a reload).
/* .IP \(bu
/*	stats_child_gone(), by the supervisor once it reaped a child:
/*	counts a restart if restarted, and releases whatever the dead
/*	child held while it wrote a label.
/* .PP
/*	Bounded labels: rules get a slot at their first hit, keyed by the
/*	rule's identity (rules.h: it follows a moved rule), in an open
/*	addressing table of STATS_RULE_SLOTS claimed with a compare-and-swap;
/*	at most STATS_RULE_MAX rules are counted one by one, hits of any
/*	further rule go to one series, rule "other". Only the rules of the
/*	running generation are shown, with their current file:line and
/*	name. TLS sessions take slots the same way (STATS_TLS_MAX pairs of
/*	version and cipher); versions other than SSLv3 .. TLSv1.3 and
/*	ciphers OpenSSL does not know read "other". However large a rules
/*	file, the exposition stays below some 1,200 series. Labels hold
/*	file names, rule names, TLS versions and cipher names, never an
/*	address, a login or a header value.
/*
/*	Labels are written rarely (a rule's first hit, and once per
/*	generation) under a per-slot flag, and read under a sequence
/*	counter: a reader in another process retries, never waits for a
/*	writer, and a writer never waits for a reader.
/*
/*	Reading: stats_format_prometheus() appends the Prometheus text
/*	exposition (format 0.0.4) of every family in stats_families[]
/*	(NULL-terminated, the names as exported) to out;
/*	stats_format_table() a short table for a person (--stats), with
/*	running telling whether the supervisor still runs.
/* DIAGNOSTICS
/*	The formatters return -1 when memory runs out, else 0.
/*	Recording cannot fail: a rule or TLS pair without a slot counts
/*	as "other".
/*--*/
#ifndef PM_STATS_H
#define PM_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "engine.h"
#include "rules.h"
#include "session.h"
#include "util.h"

#define STATS_RULE_SLOTS 2048 /* a power of 2 */
#define STATS_RULE_MAX 1024 /* at most half of them used */
#define STATS_TLS_SLOTS 256
#define STATS_TLS_MAX 128

enum stats_scope {
	STATS_AUTHENTICATED,
	STATS_LOCAL,
	STATS_FORWARDED,
	STATS_INBOUND,
	STATS_NSCOPE,
};

/* What stats_message() records. */
struct stats_msg {
	enum stats_scope scope;
	const struct engine_result *res; /* NULL: the engine did not run */
	int edits_made; /* the edits reached the MTA */
	unsigned long generation; /* of the snapshot used */
	uint64_t eom_ns; /* end-of-message processing time */
};

struct stats;

extern const char *const stats_families[];

size_t stats_size(void);
void stats_init(void *mem, long pid, time_t now);
const struct stats *stats_check(const void *mem, size_t len);
long stats_pid(const struct stats *);

enum stats_scope stats_scope(const struct pm_session *, int forwarded);
void stats_message(struct stats *, const struct stats_msg *);
void stats_fail(struct stats *, enum pm_err_cause, int accepted);
void stats_session(struct stats *, const struct pm_session *);
void stats_install(
    struct stats *, const struct ruleset *, unsigned long generation);
void stats_reload(struct stats *, int ok, time_t now);
void stats_child_gone(struct stats *, int restarted);

int stats_format_prometheus(const struct stats *, struct pm_buf *);
int stats_format_table(
    const struct stats *, time_t now, int running, struct pm_buf *);

#endif
