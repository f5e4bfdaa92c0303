/*++
/* NAME
/*	config 3h
/* SUMMARY
/*	privacy-milter.conf: key/value lines, driven by one table
/* SYNOPSIS
/*	#include "config.h"
/*
/*	extern const struct config_key config_keys[];
/*
/*	struct config *config_new(void)
/*	struct config *config_load(const char *path,
/*		    const char *const *overrides, size_t noverrides,
/*		    struct pm_diags *diags)
/*	int	config_set(struct config *conf, const char *key,
/*		    const char *value, const char *file, unsigned line,
/*		    struct pm_diags *diags)
/*	const struct config_key *config_find(const char *key)
/*	int	config_is_path_key(const struct config_key *k)
/*	char	*config_stats_file(const struct config *conf)
/*	void	config_free(struct config *conf)
/* DESCRIPTION
/*	The configuration file has one "Key value" per line (OpenDKIM
/*	style). config_keys[] is the only place a key is defined: name,
/*	type, default (as text), allowed values, field of struct config,
/*	command-line short option, whether a relative value names a file,
/*	and the check of its value; it ends with a NULL name. The parser
/*	and the short options of privacy-milter(8) follow it; unit tests
/*	check that privacy-milter.conf(5) and init/privacy-milter.conf
/*	describe every key and show its default.
/*
/*	config_new() returns a configuration holding every default.
/*
/*	config_load() reads path (NULL: none), one "Key value" per line;
/*	'#' at the start of a line or after white space starts a comment;
/*	keys are case-insensitive; a later line wins, except list keys
/*	(RulesFile, TrustedReinjection) whose values accumulate in file
/*	order (the first one replaces the default). A relative value of a
/*	path key (RulesFile, PseudonymKeyFile) in the file is relative to
/*	the directory of the configuration file. Then it applies the
/*	overrides ("Key=value", as given by -o and the short options), in
/*	order, so a reload re-applies the same command line: relative
/*	paths stay relative to the current directory; the first override
/*	of a list key replaces the list from the file, later ones append;
/*	an empty override value clears a string or a list (e.g. "UserID="
/*	means no user switch). Diagnostics about overrides name the file
/*	"command line".
/*
/*	config_set() applies one key as a file line does: a list key
/*	appends, an empty value clears a string or a list and is an error
/*	for other types. config_find() looks a key up, case-insensitively;
/*	config_is_path_key() says whether a relative value names a file.
/*	config_stats_file() names the file of the counters (privacy-
/*	milter(8), "Monitoring"): StatsFile, or privacy-milter.stats in the
/*	directory of PidFile; NULL when both are empty (the counters then
/*	live in memory without a name; --stats cannot find them) or memory
/*	ran out. The caller frees it.
/*
/*	config_free() releases a configuration.
/* DIAGNOSTICS
/*	"unknown key "X"" (with "(did you mean "Y"?)" when a key is within
/*	two edits), "missing value for X", "bad value "V" for X: expected
/*	...", "cannot open: REASON". Values are checked when set: a
/*	control character in any value, a Socket libmilter cannot open
/*	(unknown type, relative path, port outside 1..65535, empty host,
/*	brackets), a relative PidFile or StatsFile, a MetricsSocket that is
/*	not inet: or inet6:, an empty part of UserID, a
/*	TLSHeaderName that is not a field name, an AuthservID with white
/*	space or ';', an unknown SyslogFacility are errors. config_new()
/*	returns NULL when memory runs out; config_load() returns NULL when
/*	any error was reported; config_set() returns -1.
/*--*/
#ifndef PM_CONFIG_H
#define PM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum config_on_error {
	CONFIG_ONERR_TEMPFAIL,
	CONFIG_ONERR_ACCEPT,
};

struct config {
	char *socket; /* Socket: unix:/path | inet:port@host | inet6:... */
	unsigned socket_mode; /* SocketMode, octal */
	char *socket_group; /* SocketGroup */
	char *pidfile; /* PidFile */
	char *stats_file; /* StatsFile; NULL: beside PidFile */
	char *metrics_socket; /* MetricsSocket: inet:port@host; NULL: none */
	char *user; /* UserID: user[:group] */
	int background; /* Background */
	char **rules_files; /* RulesFile (list, in order) */
	size_t nrules_files;
	enum config_on_error on_error; /* OnError */
	int dry_run; /* DryRun */
	int strict; /* Strict */
	int tls_header; /* TLSHeader */
	char *tls_header_name; /* TLSHeaderName */
	int tls_header_format; /* TLSHeaderFormat: enum tls_format */
	char *authserv_id; /* AuthservID (default: host name) */
	char *pseudonym_key_file; /* PseudonymKeyFile */
	char **trusted_reinjection; /* TrustedReinjection: service names */
	size_t ntrusted_reinjection;
	int jit; /* PCREJIT */
	uint32_t match_limit; /* MatchLimit */
	uint32_t depth_limit; /* DepthLimit */
	int log_level; /* LogLevel: 0 errors .. 3 debug */
	char *syslog_facility; /* SyslogFacility */
	unsigned restart_limit; /* RestartLimit: crashes ... */
	unsigned restart_window; /* RestartWindow: ... within seconds */
	unsigned timeout; /* MilterTimeout (smfi_settimeout) */
	unsigned hidden_headers; /* HiddenHeaders: headers the MTA hides (1) */
	size_t max_data_size; /* MaxDataSize (smfi_setmaxdatasize) */
};

enum config_type {
	CONFIG_T_STRING,
	CONFIG_T_LIST,
	CONFIG_T_BOOL,
	CONFIG_T_UINT,
	CONFIG_T_OCTAL,
	CONFIG_T_ENUM,
};

/* One key: everything about it is here, in config_keys[]. */
struct config_key {
	const char *name;
	enum config_type type;
	const char *def; /* default as text, NULL: none */
	const char *values; /* ENUM: "tempfail|accept"; UINT: allowed values */
	size_t offset; /* of the field in struct config */
	size_t count; /* LIST: offset of its size_t element count */
	size_t size; /* sizeof the field (UINT: 4 or 8) */
	unsigned long max; /* UINT, OCTAL: largest value, 0: the type's */
	char opt; /* command-line short option, 0: none */
	int path; /* a relative value names a file */
	const char *(*check)(char *); /* STRING: NULL, or why refused */
};

extern const struct config_key config_keys[];

struct config *config_new(void);
struct config *config_load(const char *path, const char *const *overrides,
    size_t noverrides, struct pm_diags *);
int config_set(struct config *, const char *key, const char *value,
    const char *file, unsigned line, struct pm_diags *);
const struct config_key *config_find(const char *key);
int config_is_path_key(const struct config_key *);
char *config_stats_file(const struct config *);
void config_free(struct config *);

#endif
