/*++
/* NAME
/*	config 3h
/* SUMMARY
/*	privacy-milter.conf: key/value lines, driven by one table
/* SYNOPSIS
/*	#include "config.h"
/* DESCRIPTION
/*	The configuration file has one "Key value" per line (OpenDKIM
/*	style); '#' starts a comment; keys are case-insensitive; a key
/*	given twice keeps the last value, except list keys (RulesFile,
/*	TrustedReinjection) that accumulate in order. config_keys[] is
/*	the only place a key is defined: name, type, default, help; the
/*	parser, --check, -h and privacy-milter.conf(5) follow it.
/*
/*	config_load() reads path (NULL: defaults only), then applies the
/*	overrides in order (command-line twins, "Key=value"), so a reload
/*	re-applies the same command line. Every problem is a diag with
/*	file:line. Returns NULL when any error was reported.
/*
/*	config_set() applies one key (used by the loader and by tests).
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

struct config_key {
	const char *name;
	enum config_type type;
	const char *def; /* default as text, NULL: none */
	const char *values; /* ENUM: "tempfail|accept" */
	size_t offset; /* into struct config */
	char opt; /* command-line short option, 0: none */
	const char *help;
	size_t size; /* sizeof the field (UINT: 4 or 8) */
	unsigned long max; /* UINT: largest value, 0: the type's */
};

extern const struct config_key config_keys[];

struct config *config_new(void); /* defaults */
struct config *config_load(const char *path, const char *const *overrides,
    size_t noverrides, struct pm_diags *);
int config_set(struct config *, const char *key, const char *value,
    const char *file, unsigned line, struct pm_diags *);
const struct config_key *config_find(const char *key);

/* config_is_path_key - 1 if a relative value of key names a file */
int config_is_path_key(const struct config_key *);
void config_free(struct config *);

#endif
