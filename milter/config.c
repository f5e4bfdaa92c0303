/*++
/* NAME
/*	config 3
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
/*	void	config_free(struct config *conf)
/* DESCRIPTION
/*	config_keys[] defines every key: name, type, default (as text),
/*	allowed values, where it lives in struct config, the command-line
/*	short option and a line of help. It ends with a NULL name.
/*
/*	config_new() returns a configuration holding every default, or
/*	NULL when memory is exhausted.
/*
/*	config_load() reads path (NULL: none), one "Key value" per line;
/*	'#' at the start of a line or after white space starts a comment;
/*	keys are case-insensitive; a later line wins, except list keys
/*	(RulesFile, TrustedReinjection) whose values accumulate in file
/*	order (the first one replaces the default). A relative RulesFile
/*	or PseudonymKeyFile in the file is relative to the directory of
/*	the configuration file. Then it applies the overrides
/*	("Key=value", as given by -o and the short options), in order:
/*	relative paths stay relative to the current directory; the first
/*	override of a list key replaces the list from the file, later ones
/*	append; an empty override value clears a string or a list (e.g.
/*	"UserID=" means no user switch). Diagnostics about overrides name
/*	the file "command line".
/*
/*	config_set() applies one key as a file line does: a list key
/*	appends, an empty value clears a string or a list and is an error
/*	for other types.
/*
/*	config_find() looks a key up, case-insensitively.
/* DIAGNOSTICS
/*	"unknown key "X"" (with "(did you mean "Y"?)" when a key is within
/*	two edits), "missing value for X", "bad value "V" for X: expected
/*	...", "cannot open: REASON". Values are checked when set: a
/*	control character in any value, a Socket libmilter cannot open
/*	(unknown type, relative path, port outside 1..65535, empty host,
/*	brackets), a relative PidFile, an empty part of UserID, a
/*	TLSHeaderName that is not a field name, an AuthservID with white
/*	space or ';', an unknown SyslogFacility are errors. config_load()
/*	returns NULL when any error was reported; config_set() returns -1.
/*--*/
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "fileset.h"

#ifndef PM_SYSCONFDIR
#define PM_SYSCONFDIR "/etc/privacy-milter"
#endif

#define OFF(f) offsetof(struct config, f)
#define SZ(f) sizeof(((struct config *)0)->f)

/*
 * MaxDataSize: libmilter's smfi_setmaxdatasize() takes any size, but the
 * milter protocol only knows three (mfdef.h MILTER_MDS_64K, _256K, _1M;
 * sendmail accepts only these and libmilter switches to them itself
 * when the MTA negotiates SMFIP_MDS_256K or SMFIP_MDS_1M).
 */
const struct config_key config_keys[] = {
    {"Socket", CONFIG_T_STRING,
        "unix:/var/spool/postfix/privacy-milter/privacy-milter.sock", NULL,
        OFF(socket), 'p',
        "where to listen: unix:/path, inet:port@host or inet6:port@host",
        SZ(socket), 0},
    {"SocketMode", CONFIG_T_OCTAL, "0660", NULL, OFF(socket_mode), 0,
        "permissions of a unix socket, octal", SZ(socket_mode), 07777},
    {"SocketGroup", CONFIG_T_STRING, "postfix", NULL, OFF(socket_group), 0,
        "group of a unix socket (empty: leave it)", SZ(socket_group), 0},
    {"PidFile", CONFIG_T_STRING, "/run/privacy-milter/privacy-milter.pid", NULL,
        OFF(pidfile), 'P',
        "file that holds the supervisor's process id (empty: none)",
        SZ(pidfile), 0},
    {"UserID", CONFIG_T_STRING, "privacy-milter", NULL, OFF(user), 'u',
        "user[:group] to run as (empty: do not switch)", SZ(user), 0},
    {"Background", CONFIG_T_BOOL, "yes", NULL, OFF(background), 0,
        "detach from the terminal and log to syslog", SZ(background), 0},
    {"RulesFile", CONFIG_T_LIST, PM_SYSCONFDIR "/default.rules", NULL,
        OFF(rules_files), 'r',
        "rules file, repeatable; files are read in order", SZ(rules_files), 0},
    {"OnError", CONFIG_T_ENUM, "tempfail", "tempfail|accept", OFF(on_error), 0,
        "what the MTA is told when the milter fails on a message", SZ(on_error),
        0},
    {"DryRun", CONFIG_T_BOOL, "no", NULL, OFF(dry_run), 0,
        "log the edits but do not make them", SZ(dry_run), 0},
    {"Strict", CONFIG_T_BOOL, "no", NULL, OFF(strict), 0,
        "header_checks actions a milter cannot do are errors", SZ(strict), 0},
    {"TLSHeader", CONFIG_T_BOOL, "yes", NULL, OFF(tls_header), 0,
        "add a header that records the TLS session", SZ(tls_header), 0},
    {"TLSHeaderName", CONFIG_T_STRING, "X-TLS-Info", NULL, OFF(tls_header_name),
        0, "name of the TLS header", SZ(tls_header_name), 0},
    {"TLSHeaderFormat", CONFIG_T_ENUM, "kv", "kv|authentication-results",
        OFF(tls_header_format), 0, "form of the TLS header value",
        SZ(tls_header_format), 0},
    {"AuthservID", CONFIG_T_STRING, "", NULL, OFF(authserv_id), 0,
        "authserv-id in the TLS header (empty: the host name)", SZ(authserv_id),
        0},
    {"PseudonymKeyFile", CONFIG_T_STRING, "", NULL, OFF(pseudonym_key_file), 0,
        "secret key file for pseudonymize rules (empty: none)",
        SZ(pseudonym_key_file), 0},
    {"TrustedReinjection", CONFIG_T_LIST, "", NULL, OFF(trusted_reinjection), 0,
        "{daemon_name} of services whose TLS header is kept, repeatable",
        SZ(trusted_reinjection), 0},
    {"PCREJIT", CONFIG_T_BOOL, "yes", NULL, OFF(jit), 0,
        "compile patterns with the PCRE2 JIT", SZ(jit), 0},
    {"MatchLimit", CONFIG_T_UINT, "10000000", NULL, OFF(match_limit), 0,
        "PCRE2 match limit per match (0: library default)", SZ(match_limit), 0},
    {"DepthLimit", CONFIG_T_UINT, "10000", NULL, OFF(depth_limit), 0,
        "PCRE2 depth limit per match (0: library default)", SZ(depth_limit), 0},
    {"LogLevel", CONFIG_T_UINT, "2", NULL, OFF(log_level), 0,
        "0 errors, 1 one line per changed message, 2 every rule hit, 3 debug",
        SZ(log_level), 3},
    {"SyslogFacility", CONFIG_T_STRING, "mail", NULL, OFF(syslog_facility), 0,
        "syslog facility", SZ(syslog_facility), 0},
    {"RestartLimit", CONFIG_T_UINT, "10", NULL, OFF(restart_limit), 0,
        "give up after this many exits of a child before it is ready ...",
        SZ(restart_limit), 0},
    {"RestartWindow", CONFIG_T_UINT, "60", NULL, OFF(restart_window), 0,
        "... within this many seconds", SZ(restart_window), 0},
    {"MilterTimeout", CONFIG_T_UINT, "7210", NULL, OFF(timeout), 0,
        "seconds a connection may be idle (also smfi_settimeout)", SZ(timeout),
        0},
    {"HiddenHeaders", CONFIG_T_UINT, "1", NULL, OFF(hidden_headers), 0,
        "headers the MTA adds on top but hides from milters",
        SZ(hidden_headers), 1000},
    {"MaxDataSize", CONFIG_T_UINT, "1048575", "65535|262143|1048575",
        OFF(max_data_size), 0, "largest milter packet (smfi_setmaxdatasize)",
        SZ(max_data_size), 0},
    {NULL, 0, NULL, NULL, 0, 0, NULL, 0, 0},
};

#define CMDLINE "command line"

/* slot - address of a key's field */
static void *
slot(struct config *conf, const struct config_key *k)
{
	return ((char *)conf + k->offset);
}

/* list_count - address of the element count that follows a list */
static size_t *
list_count(struct config *conf, const struct config_key *k)
{
	if (k->offset == OFF(rules_files))
		return (&conf->nrules_files);
	return (&conf->ntrusted_reinjection);
}

/* list_clear - empty a list */
static void
list_clear(struct config *conf, const struct config_key *k)
{
	char ***v = slot(conf, k);
	size_t *n = list_count(conf, k);
	size_t i;

	for (i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

/* list_append - add one value (owned) */
static int
list_append(struct config *conf, const struct config_key *k, char *value)
{
	char ***v = slot(conf, k);
	size_t *n = list_count(conf, k);
	char **nv;

	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return (-1);
	nv[*n] = value;
	*v = nv;
	(*n)++;
	return (0);
}

/* config_find - look a key up, case-insensitively */
const struct config_key *
config_find(const char *key)
{
	const struct config_key *k;

	for (k = config_keys; k->name != NULL; k++)
		if (strcasecmp(k->name, key) == 0)
			return (k);
	return (NULL);
}

/* edit_distance - Levenshtein distance, case-insensitive, capped */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[64], prev, tmp;

	if (la >= sizeof(row) / sizeof(row[0]) ||
	    lb >= sizeof(row) / sizeof(row[0]))
		return ((size_t)-1);
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			size_t best = prev + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return (row[lb]);
}

/* closest_key - the key nearest to name, within two edits, or NULL */
static const char *
closest_key(const char *name)
{
	const struct config_key *k;
	const char *best = NULL;
	size_t d, bestd = 3;

	for (k = config_keys; k->name != NULL; k++) {
		d = edit_distance(name, k->name);
		if (d < bestd) {
			bestd = d;
			best = k->name;
		}
	}
	return (best);
}

/* parse_bool - yes/no/true/false/1/0; -1 if none */
static int
parse_bool(const char *v)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		return (1);
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0)
		return (0);
	return (-1);
}

/* parse_ulong - all digits in base, no sign; -1 on error */
static int
parse_ulong(const char *v, int base, unsigned long max, unsigned long *out)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)*v))
		return (-1);
	errno = 0;
	n = strtoul(v, &end, base);
	if (errno != 0 || *end != 0 || n > max)
		return (-1);
	*out = n;
	return (0);
}

/* enum_index - position of v in "a|b|c", case-insensitive; -1 if absent */
static int
enum_index(const char *values, const char *v)
{
	const char *p = values, *bar;
	size_t len, vlen = strlen(v);
	int i = 0;

	for (;;) {
		bar = strchr(p, '|');
		len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == vlen && strncasecmp(p, v, len) == 0)
			return (i);
		if (bar == NULL)
			return (-1);
		p = bar + 1;
		i++;
	}
}

/* enum_list - "a, b, c" from "a|b|c" into buf */
static const char *
enum_list(const char *values, char *buf, size_t len)
{
	size_t i, o = 0;

	for (i = 0; values[i] != 0 && o + 3 < len; i++) {
		if (values[i] == '|') {
			buf[o++] = ',';
			buf[o++] = ' ';
		} else
			buf[o++] = values[i];
	}
	buf[o] = 0;
	return (buf);
}

/* type_max - the largest value a UINT field can hold */
static unsigned long
type_max(const struct config_key *k)
{
	unsigned long max = k->size >= sizeof(unsigned long) ? ULONG_MAX
	    : k->size == sizeof(unsigned)                    ? UINT_MAX
	                                                     : 0;

	if (k->max != 0 && k->max < max)
		max = k->max;
	return (max);
}

/* store_uint - write n into a field of k->size bytes */
static void
store_uint(struct config *conf, const struct config_key *k, unsigned long n)
{
	if (k->size == sizeof(unsigned long)) {
		unsigned long v = n;

		memcpy(slot(conf, k), &v, sizeof(v));
	} else {
		unsigned v = (unsigned)n;

		memcpy(slot(conf, k), &v, sizeof(v));
	}
}

/* store_int - write an int field (BOOL, ENUM) */
static void
store_int(struct config *conf, const struct config_key *k, int n)
{
	memcpy(slot(conf, k), &n, sizeof(n));
}

/* resolve - value, or base_dir/value for a relative path */
static char *
resolve(const char *value, const char *base_dir)
{
	char *p;
	size_t len;

	if (base_dir == NULL || *base_dir == 0 || value[0] == '/')
		return (strdup(value));
	len = strlen(base_dir) + 1 + strlen(value) + 1;
	if ((p = malloc(len)) == NULL)
		return (NULL);
	snprintf(p, len, "%s/%s", base_dir, value);
	return (p);
}

/* config_is_path_key - keys whose relative value is relative to the file */
int
config_is_path_key(const struct config_key *k)
{
	return (k->offset == OFF(rules_files) ||
	    k->offset == OFF(pseudonym_key_file));
}

/* has_ctrl - a byte below 0x20 or 0x7f in v */
static int
has_ctrl(const char *v)
{
	for (; *v != 0; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v == 0x7f)
			return (1);
	return (0);
}

/* valid_port - decimal 1..65535, len bytes */
static int
valid_port(const char *p, size_t len)
{
	unsigned long n = 0;
	size_t i;

	if (len == 0 || len > 5)
		return (0);
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)p[i]))
			return (0);
		n = n * 10 + (unsigned long)(p[i] - '0');
	}
	return (n >= 1 && n <= 65535);
}

/* check_socket - NULL, or why spec is not a socket libmilter can open */
static const char *
check_socket(const char *v)
{
	const char *colon = strchr(v, ':'), *at, *host;
	size_t slen;

	if (v[0] == '"' || v[0] == '\'')
		return ("write the value without quotes");
	if (colon == NULL || v[0] == '/')
		return (v[0] == '/' ? NULL
		                    : "expected unix:/absolute/path, "
		                      "inet:port@host or inet6:port@host");
	slen = (size_t)(colon - v);
	if ((slen == 4 && strncasecmp(v, "unix", 4) == 0) ||
	    (slen == 5 && strncasecmp(v, "local", 5) == 0))
		return (colon[1] == '/' ? NULL
		                        : "the socket path must be absolute, "
		                          "such as unix:/run/privacy-milter/"
		                          "privacy-milter.sock");
	if (!(slen == 4 && strncasecmp(v, "inet", 4) == 0) &&
	    !(slen == 5 && strncasecmp(v, "inet6", 5) == 0))
		return ("unknown socket type: expected unix:/absolute/path, "
		        "inet:port@host or inet6:port@host");
	at = strchr(colon + 1, '@');
	if (!valid_port(
	        colon + 1, at ? (size_t)(at - colon - 1) : strlen(colon + 1)))
		return ("the port must be a number from 1 to 65535, "
		        "such as inet:8891@127.0.0.1");
	if (at == NULL)
		return (NULL); /* inet:port: every address */
	host = at + 1;
	if (*host == 0)
		return ("missing host after \"@\" (leave out \"@host\" "
		        "to listen on every address)");
	if (strchr(host, '[') != NULL || strchr(host, ']') != NULL)
		return ("write the host without brackets, "
		        "such as inet6:8891@::1");
	if (strpbrk(host, " \t@/") != NULL)
		return ("bad host after \"@\": expected an address or "
		        "a host name");
	return (NULL);
}

/* check_string - NULL, or why value does not fit string key k */
static const char *
check_string(const struct config_key *k, char *v)
{
	static const char *const facs[] = {"mail", "daemon", "local0", "local1",
	    "local2", "local3", "local4", "local5", "local6", "local7", NULL};
	const char *colon;
	size_t i;

	switch (k->offset) {
	case OFF(socket):
		return (check_socket(v));
	case OFF(pidfile):
		return (v[0] == '/' ? NULL
		                    : "expected an absolute path, such as "
		                      "/run/privacy-milter/privacy-milter.pid");
	case OFF(user):
		colon = strchr(v, ':');
		if (colon != NULL &&
		    (colon == v || colon[1] == 0 || strchr(colon + 1, ':')))
			return ("expected user or user:group, both parts "
			        "non-empty");
		return (NULL);
	case OFF(tls_header_name):
		return ((strlen(v) <= 64 && pm_field_name_ok(v, strlen(v)))
		        ? NULL
		        : "expected a header field name: 1 to 64 printable "
		          "characters without white space or \":\"");
	case OFF(authserv_id):
		if (strlen(v) > 255 || strpbrk(v, " \t;") != NULL)
			return ("expected a host name: at most 255 characters, "
			        "no white space or \";\"");
		return (NULL);
	case OFF(syslog_facility):
		for (i = 0; facs[i] != NULL; i++)
			if (strcasecmp(v, facs[i]) == 0) {
				/* log.c compares in lower case. */
				memcpy(v, facs[i], strlen(facs[i]));
				return (NULL);
			}
		return ("expected one of mail, daemon, local0 to local7");
	default:
		return (NULL);
	}
}

/* set_key - apply one value to one key */
static int
set_key(struct config *conf, const struct config_key *k, const char *value,
    const char *base_dir, const char *file, unsigned line,
    struct pm_diags *diags)
{
	unsigned long n;
	const char *why;
	char buf[256];
	char *copy;
	int b;

	if (has_ctrl(value)) {
		pm_diag_add(diags, PM_ERROR, file, line, 0,
		    "bad value \"%s\" for %s: control characters are not "
		    "allowed",
		    value, k->name);
		return (-1);
	}
	switch (k->type) {
	case CONFIG_T_STRING:
		if (*value == 0) {
			copy = NULL;
		} else if ((copy = config_is_path_key(k)
		                   ? resolve(value, base_dir)
		                   : strdup(value)) == NULL)
			goto nomem;
		if (copy != NULL && (why = check_string(k, copy)) != NULL) {
			pm_diag_add(diags, PM_ERROR, file, line, 0,
			    "bad value \"%s\" for %s: %s", value, k->name, why);
			free(copy);
			return (-1);
		}
		free(*(char **)slot(conf, k));
		*(char **)slot(conf, k) = copy;
		return (0);
	case CONFIG_T_LIST:
		if (*value == 0) {
			list_clear(conf, k);
			return (0);
		}
		if ((copy = config_is_path_key(k) ? resolve(value, base_dir)
		                                  : strdup(value)) == NULL)
			goto nomem;
		if (list_append(conf, k, copy) < 0) {
			free(copy);
			goto nomem;
		}
		return (0);
	default:
		break;
	}
	if (*value == 0) {
		pm_diag_add(diags, PM_ERROR, file, line, 0,
		    "missing value for %s", k->name);
		return (-1);
	}
	switch (k->type) {
	case CONFIG_T_BOOL:
		if ((b = parse_bool(value)) < 0) {
			pm_diag_add(diags, PM_ERROR, file, line, 0,
			    "bad value \"%s\" for %s: expected yes, no, true,"
			    " false, 1 or 0",
			    value, k->name);
			return (-1);
		}
		store_int(conf, k, b);
		return (0);
	case CONFIG_T_UINT:
		if (k->values != NULL) {
			if (enum_index(k->values, value) < 0 ||
			    parse_ulong(value, 10, type_max(k), &n) < 0) {
				pm_diag_add(diags, PM_ERROR, file, line, 0,
				    "bad value \"%s\" for %s: expected one of"
				    " %s",
				    value, k->name,
				    enum_list(k->values, buf, sizeof(buf)));
				return (-1);
			}
		} else if (parse_ulong(value, 10, type_max(k), &n) < 0) {
			pm_diag_add(diags, PM_ERROR, file, line, 0,
			    "bad value \"%s\" for %s: expected a decimal number"
			    " from 0 to %lu",
			    value, k->name, type_max(k));
			return (-1);
		}
		store_uint(conf, k, n);
		return (0);
	case CONFIG_T_OCTAL:
		if (parse_ulong(value, 8, type_max(k), &n) < 0) {
			pm_diag_add(diags, PM_ERROR, file, line, 0,
			    "bad value \"%s\" for %s: expected an octal mode"
			    " from 0 to %lo, such as 0660",
			    value, k->name, type_max(k));
			return (-1);
		}
		store_uint(conf, k, n);
		return (0);
	case CONFIG_T_ENUM:
		if ((b = enum_index(k->values, value)) < 0) {
			pm_diag_add(diags, PM_ERROR, file, line, 0,
			    "bad value \"%s\" for %s: expected one of %s",
			    value, k->name,
			    enum_list(k->values, buf, sizeof(buf)));
			return (-1);
		}
		store_int(conf, k, b);
		return (0);
	default:
		return (-1);
	}
nomem:
	pm_diag_add(diags, PM_ERROR, file, line, 0, "%s: %s", k->name,
	    strerror(ENOMEM));
	return (-1);
}

/* unknown_key - report a key that is not in the table */
static void
unknown_key(
    const char *key, const char *file, unsigned line, struct pm_diags *diags)
{
	const char *near = closest_key(key);

	if (near != NULL)
		pm_diag_add(diags, PM_ERROR, file, line, 0,
		    "unknown key \"%s\" (did you mean \"%s\"?)", key, near);
	else
		pm_diag_add(
		    diags, PM_ERROR, file, line, 0, "unknown key \"%s\"", key);
}

/* config_set - apply one key */
int
config_set(struct config *conf, const char *key, const char *value,
    const char *file, unsigned line, struct pm_diags *diags)
{
	const struct config_key *k;

	if ((k = config_find(key)) == NULL) {
		unknown_key(key, file, line, diags);
		return (-1);
	}
	return (set_key(conf, k, value ? value : "", NULL, file, line, diags));
}

/* config_free - release everything */
void
config_free(struct config *conf)
{
	const struct config_key *k;

	if (conf == NULL)
		return;
	for (k = config_keys; k->name != NULL; k++) {
		if (k->type == CONFIG_T_STRING)
			free(*(char **)slot(conf, k));
		else if (k->type == CONFIG_T_LIST)
			list_clear(conf, k);
	}
	free(conf);
}

/* config_new - every default */
struct config *
config_new(void)
{
	const struct config_key *k;
	struct config *conf;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return (NULL);
	for (k = config_keys; k->name != NULL; k++) {
		if (k->def == NULL)
			continue;
		if (set_key(conf, k, k->def, NULL, NULL, 0, NULL) < 0) {
			config_free(conf);
			return (NULL);
		}
	}
	return (conf);
}

/* dir_of - the directory part of path ("." if none), malloc'ed */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return (strdup("."));
	if (slash == path)
		return (strdup("/"));
	return (strndup(path, (size_t)(slash - path)));
}

/* parse_line - one line of the file; modifies line */
static void
parse_line(struct config *conf, char *line, const char *base_dir,
    const char *file, unsigned lineno, unsigned char *seen,
    struct pm_diags *diags)
{
	const struct config_key *k;
	char *key, *value, *p, *end;

	/* Strip the comment and the white space around. */
	for (p = line; *p != 0; p++) {
		if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
			*p = 0;
			break;
		}
	}
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = 0;
	key = line;
	while (isspace((unsigned char)*key))
		key++;
	if (*key == 0)
		return;
	for (value = key; *value != 0 && !isspace((unsigned char)*value);
	     value++)
		;
	if (*value != 0) {
		*value++ = 0;
		while (isspace((unsigned char)*value))
			value++;
	}
	if ((k = config_find(key)) == NULL) {
		unknown_key(key, file, lineno, diags);
		return;
	}
	if (*value == 0) {
		pm_diag_add(diags, PM_ERROR, file, lineno, 0,
		    "missing value for %s", k->name);
		return;
	}
	/* The first occurrence of a list key replaces the default. */
	if (k->type == CONFIG_T_LIST && !seen[k - config_keys]) {
		list_clear(conf, k);
		seen[k - config_keys] = 1;
	}
	set_key(conf, k, value, base_dir, file, lineno, diags);
}

/* read_file - apply every line of path */
static int
read_file(struct config *conf, const char *path, struct pm_diags *diags)
{
	unsigned char seen[sizeof(config_keys) / sizeof(config_keys[0])];
	char *line = NULL, *base_dir;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	struct pm_buf text = PM_BUF_INIT;
	FILE *fp;

	/* Through fileset_read(): a restarted child replays the bytes. */
	if (fileset_read(path, &text, NULL) < 0) {
		pm_diag_add(diags, PM_ERROR, path, 0, 0, "cannot open: %s",
		    strerror(errno));
		pm_buf_free(&text);
		return (-1);
	}
	fp = fmemopen(text.s != NULL ? text.s : (char *)"", text.len, "r");
	if (fp == NULL || (base_dir = dir_of(path)) == NULL) {
		if (fp != NULL)
			fclose(fp);
		pm_buf_free(&text);
		pm_diag_add(
		    diags, PM_ERROR, path, 0, 0, "%s", strerror(ENOMEM));
		return (-1);
	}
	memset(seen, 0, sizeof(seen));
	while ((len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (memchr(line, 0, (size_t)len) != NULL) {
			pm_diag_add(diags, PM_ERROR, path, lineno, 0,
			    "NUL byte in line");
			continue;
		}
		parse_line(conf, line, base_dir, path, lineno, seen, diags);
	}
	if (ferror(fp))
		pm_diag_add(diags, PM_ERROR, path, 0, 0, "read error: %s",
		    strerror(errno));
	free(line);
	free(base_dir);
	fclose(fp);
	pm_buf_free(&text);
	return (0);
}

/* apply_override - one "Key=value" from the command line */
static void
apply_override(struct config *conf, const char *kv, unsigned char *seen,
    struct pm_diags *diags)
{
	const struct config_key *k;
	const char *eq = strchr(kv, '=');
	char key[128];
	size_t klen;

	if (eq == NULL) {
		pm_diag_add(diags, PM_ERROR, CMDLINE, 0, 0,
		    "\"%s\": expected Key=value", kv);
		return;
	}
	klen = (size_t)(eq - kv);
	if (klen >= sizeof(key)) {
		pm_diag_add(diags, PM_ERROR, CMDLINE, 0, 0,
		    "unknown key \"%.*s\"", (int)klen, kv);
		return;
	}
	memcpy(key, kv, klen);
	key[klen] = 0;
	if ((k = config_find(key)) == NULL) {
		unknown_key(key, CMDLINE, 0, diags);
		return;
	}
	if (k->type == CONFIG_T_LIST && !seen[k - config_keys]) {
		list_clear(conf, k);
		seen[k - config_keys] = 1;
	}
	set_key(conf, k, eq + 1, NULL, CMDLINE, 0, diags);
}

/* config_load - file, then overrides */
struct config *
config_load(const char *path, const char *const *overrides, size_t noverrides,
    struct pm_diags *diags)
{
	unsigned char seen[sizeof(config_keys) / sizeof(config_keys[0])];
	size_t errors = diags ? pm_diags_errors(diags) : 0;
	struct pm_diags local = {NULL, 0, 0};
	struct config *conf;
	size_t i;

	if (diags == NULL)
		diags = &local;
	if ((conf = config_new()) == NULL) {
		pm_diag_add(
		    diags, PM_ERROR, path, 0, 0, "%s", strerror(ENOMEM));
		pm_diags_free(&local);
		return (NULL);
	}
	if (path != NULL)
		read_file(conf, path, diags);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < noverrides; i++)
		apply_override(conf, overrides[i], seen, diags);
	if (pm_diags_errors(diags) > errors) {
		config_free(conf);
		conf = NULL;
	}
	pm_diags_free(&local);
	return (conf);
}
