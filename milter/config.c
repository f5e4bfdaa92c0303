/*++
/* NAME
/*	config 3
/* SUMMARY
/*	privacy-milter.conf: key/value lines, driven by one table
/* DESCRIPTION
/*	The contract is in include/config.h. set_key() applies a value by
/*	the key's type (set_string(), set_list(), set_number()); a STRING
/*	key's own check function (check_socket(), ...) refuses or
/*	normalises its value.
/*--*/
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
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
#define KEY(n, t, f) .name = (n), .type = (t), .offset = OFF(f), .size = SZ(f)

static const char *check_socket(char *);
static const char *check_pidfile(char *);
static const char *check_statsfile(char *);
static const char *check_metrics_socket(char *);
static const char *check_user(char *);
static const char *check_header_name(char *);
static const char *check_authserv_id(char *);
static const char *check_facility(char *);

/*
 * Every key, in the order privacy-milter.conf(5) lists them. MaxDataSize:
 * libmilter's smfi_setmaxdatasize() takes any size, but the milter
 * protocol only knows three (mfdef.h MILTER_MDS_64K, _256K, _1M; sendmail
 * accepts only these and libmilter switches to them itself when the MTA
 * negotiates SMFIP_MDS_256K or SMFIP_MDS_1M).
 */
const struct config_key config_keys[] = {
    {KEY("Socket", CONFIG_T_STRING, socket),
        .def = "unix:/var/spool/postfix/privacy-milter/privacy-milter.sock",
        .opt = 'p', .check = check_socket},
    {KEY("SocketMode", CONFIG_T_OCTAL, socket_mode), .def = "0660",
        .max = 07777},
    {KEY("SocketGroup", CONFIG_T_STRING, socket_group), .def = "postfix"},
    {KEY("PidFile", CONFIG_T_STRING, pidfile),
        .def = "/run/privacy-milter/privacy-milter.pid", .opt = 'P',
        .check = check_pidfile},
    {KEY("StatsFile", CONFIG_T_STRING, stats_file), .def = "",
        .check = check_statsfile},
    {KEY("MetricsSocket", CONFIG_T_STRING, metrics_socket), .def = "",
        .check = check_metrics_socket},
    {KEY("UserID", CONFIG_T_STRING, user), .def = "privacy-milter", .opt = 'u',
        .check = check_user},
    {KEY("Background", CONFIG_T_BOOL, background), .def = "yes"},
    {KEY("RulesFile", CONFIG_T_LIST, rules_files),
        .def = PM_SYSCONFDIR "/default.rules", .count = OFF(nrules_files),
        .opt = 'r', .path = 1},
    {KEY("OnError", CONFIG_T_ENUM, on_error), .def = "tempfail",
        .values = "tempfail|accept"},
    {KEY("DryRun", CONFIG_T_BOOL, dry_run), .def = "no"},
    {KEY("Strict", CONFIG_T_BOOL, strict), .def = "no"},
    {KEY("TLSHeader", CONFIG_T_BOOL, tls_header), .def = "yes"},
    {KEY("TLSHeaderName", CONFIG_T_STRING, tls_header_name),
        .def = "X-TLS-Info", .check = check_header_name},
    {KEY("TLSHeaderFormat", CONFIG_T_ENUM, tls_header_format), .def = "kv",
        .values = "kv|authentication-results"},
    {KEY("AuthservID", CONFIG_T_STRING, authserv_id), .def = "",
        .check = check_authserv_id},
    {KEY("PseudonymKeyFile", CONFIG_T_STRING, pseudonym_key_file), .def = "",
        .path = 1},
    {KEY("TrustedReinjection", CONFIG_T_LIST, trusted_reinjection), .def = "",
        .count = OFF(ntrusted_reinjection)},
    {KEY("PCREJIT", CONFIG_T_BOOL, jit), .def = "yes"},
    {KEY("MatchLimit", CONFIG_T_UINT, match_limit), .def = "10000000"},
    {KEY("DepthLimit", CONFIG_T_UINT, depth_limit), .def = "10000"},
    {KEY("LogLevel", CONFIG_T_UINT, log_level), .def = "2", .max = 3},
    {KEY("SyslogFacility", CONFIG_T_STRING, syslog_facility), .def = "mail",
        .check = check_facility},
    {KEY("RestartLimit", CONFIG_T_UINT, restart_limit), .def = "10"},
    {KEY("RestartWindow", CONFIG_T_UINT, restart_window), .def = "60"},
    {KEY("MilterTimeout", CONFIG_T_UINT, timeout), .def = "7210"},
    {KEY("HiddenHeaders", CONFIG_T_UINT, hidden_headers), .def = "1",
        .max = 1000},
    {KEY("MaxDataSize", CONFIG_T_UINT, max_data_size), .def = "1048575",
        .values = "65535|262143|1048575"},
    {.name = NULL},
};

#define CMDLINE "command line"

/* slot - address of a key's field */
static void *
slot(struct config *conf, const struct config_key *k)
{
	return ((char *)conf + k->offset);
}

/* list_count - address of the element count of a list */
static size_t *
list_count(struct config *conf, const struct config_key *k)
{
	size_t *count;

	/* The table names the field by offset. */
	count = (size_t *)(uintptr_t)((char *)conf + k->count);
	return (count);
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

/* config_stats_file - where the counters are: StatsFile, or beside PidFile */
char *
config_stats_file(const struct config *conf)
{
	const char *slash;
	char *p;

	if (conf->stats_file != NULL)
		return (strdup(conf->stats_file));
	if (conf->pidfile == NULL ||
	    (slash = strrchr(conf->pidfile, '/')) == NULL)
		return (NULL);
	if (asprintf(&p, "%.*s/privacy-milter.stats",
	        (int)(slash - conf->pidfile), conf->pidfile) < 0)
		return (NULL);
	return (p);
}

/* config_is_path_key - keys whose relative value is relative to the file */
int
config_is_path_key(const struct config_key *k)
{
	return (k->path);
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
check_socket(char *v)
{
	const char *colon = strchr(v, ':'), *at, *host;
	size_t slen;

	if (v[0] == '"' || v[0] == '\'')
		return ("write the value without quotes");
	if (colon == NULL || v[0] == '/')
		return (v[0] == '/'
		        ? NULL
		        : "expected unix:/absolute/path, inet:port@host or inet6:port@host");
	slen = (size_t)(colon - v);
	if ((slen == 4 && strncasecmp(v, "unix", 4) == 0) ||
	    (slen == 5 && strncasecmp(v, "local", 5) == 0))
		return (colon[1] == '/'
		        ? NULL
		        : "the socket path must be absolute, such as unix:/run/privacy-milter/privacy-milter.sock");
	if (!(slen == 4 && strncasecmp(v, "inet", 4) == 0) &&
	    !(slen == 5 && strncasecmp(v, "inet6", 5) == 0))
		return (
		    "unknown socket type: expected unix:/absolute/path, inet:port@host or inet6:port@host");
	at = strchr(colon + 1, '@');
	if (!valid_port(
	        colon + 1, at ? (size_t)(at - colon - 1) : strlen(colon + 1)))
		return (
		    "the port must be a number from 1 to 65535, such as inet:8891@127.0.0.1");
	if (at == NULL)
		return (NULL); /* inet:port: every address */
	host = at + 1;
	if (*host == 0)
		return (
		    "missing host after \"@\" (leave out \"@host\" to listen on every address)");
	if (strchr(host, '[') != NULL || strchr(host, ']') != NULL)
		return (
		    "write the host without brackets, such as inet6:8891@::1");
	if (strpbrk(host, " \t@/") != NULL)
		return (
		    "bad host after \"@\": expected an address or a host name");
	return (NULL);
}

/* check_pidfile - an absolute path */
static const char *
check_pidfile(char *v)
{
	return (v[0] == '/'
	        ? NULL
	        : "expected an absolute path, such as /run/privacy-milter/privacy-milter.pid");
}

/* check_statsfile - an absolute path */
static const char *
check_statsfile(char *v)
{
	return (v[0] == '/'
	        ? NULL
	        : "expected an absolute path, such as /run/privacy-milter/privacy-milter.stats");
}

/* check_metrics_socket - inet:port@host or inet6:port@host */
static const char *
check_metrics_socket(char *v)
{
	if (strncasecmp(v, "inet:", 5) != 0 && strncasecmp(v, "inet6:", 6) != 0)
		return (
		    "Prometheus scrapes over TCP: expected inet:port@host or inet6:port@host, such as inet:9899@127.0.0.1");
	return (check_socket(v));
}

/* check_user - user or user:group, both parts non-empty */
static const char *
check_user(char *v)
{
	const char *colon = strchr(v, ':');

	if (colon != NULL &&
	    (colon == v || colon[1] == 0 || strchr(colon + 1, ':')))
		return ("expected user or user:group, both parts non-empty");
	return (NULL);
}

/* check_header_name - a field name of 1 to 64 octets */
static const char *
check_header_name(char *v)
{
	if (strlen(v) <= 64 && pm_field_name_ok(v, strlen(v)))
		return (NULL);
	return (
	    "expected a header field name: 1 to 64 printable characters without white space or \":\"");
}

/* check_authserv_id - a host name without white space or ';' */
static const char *
check_authserv_id(char *v)
{
	if (strlen(v) > 255 || strpbrk(v, " \t;") != NULL)
		return (
		    "expected a host name: at most 255 characters, no white space or \";\"");
	return (NULL);
}

/* check_facility - a facility log.c knows; written in lower case */
static const char *
check_facility(char *v)
{
	static const char *const facs[] = {"mail", "daemon", "local0", "local1",
	    "local2", "local3", "local4", "local5", "local6", "local7", NULL};
	size_t i;

	for (i = 0; facs[i] != NULL; i++)
		if (strcasecmp(v, facs[i]) == 0) {
			/* log.c compares in lower case. */
			memcpy(v, facs[i], strlen(facs[i]));
			return (NULL);
		}
	return ("expected one of mail, daemon, local0 to local7");
}

/* bad_value - report a value that does not fit; -1 */
static int
bad_value(const struct config_key *k, const char *value, const char *expected,
    const char *file, unsigned line, struct pm_diags *diags)
{
	pm_diag_add(diags, PM_ERROR, file, line, 0,
	    "bad value \"%s\" for %s: expected %s", value, k->name, expected);
	return (-1);
}

/* set_nomem - report an allocation failure; -1 */
static int
set_nomem(const struct config_key *k, const char *file, unsigned line,
    struct pm_diags *diags)
{
	pm_diag_add(diags, PM_ERROR, file, line, 0, "%s: %s", k->name,
	    strerror(ENOMEM));
	return (-1);
}

/* set_string - a STRING key; the empty value clears it */
static int
set_string(struct config *conf, const struct config_key *k, const char *value,
    const char *base_dir, const char *file, unsigned line,
    struct pm_diags *diags)
{
	const char *why;
	char *copy = NULL;

	if (*value != 0 &&
	    (copy = k->path ? resolve(value, base_dir) : strdup(value)) == NULL)
		return (set_nomem(k, file, line, diags));
	if (copy != NULL && k->check != NULL &&
	    (why = k->check(copy)) != NULL) {
		pm_diag_add(diags, PM_ERROR, file, line, 0,
		    "bad value \"%s\" for %s: %s", value, k->name, why);
		free(copy);
		return (-1);
	}
	free(*(char **)slot(conf, k));
	*(char **)slot(conf, k) = copy;
	return (0);
}

/* set_list - a LIST key appends; the empty value clears it */
static int
set_list(struct config *conf, const struct config_key *k, const char *value,
    const char *base_dir, const char *file, unsigned line,
    struct pm_diags *diags)
{
	char *copy;

	if (*value == 0) {
		list_clear(conf, k);
		return (0);
	}
	if ((copy = k->path ? resolve(value, base_dir) : strdup(value)) == NULL)
		return (set_nomem(k, file, line, diags));
	if (list_append(conf, k, copy) < 0) {
		free(copy);
		return (set_nomem(k, file, line, diags));
	}
	return (0);
}

/* set_number - a BOOL, UINT, OCTAL or ENUM key */
static int
set_number(struct config *conf, const struct config_key *k, const char *value,
    const char *file, unsigned line, struct pm_diags *diags)
{
	unsigned long n;
	char buf[256], list[200];
	int b;

	switch (k->type) {
	case CONFIG_T_BOOL:
		if ((b = parse_bool(value)) < 0)
			return (bad_value(k, value,
			    "yes, no, true, false, 1 or 0", file, line, diags));
		store_int(conf, k, b);
		return (0);
	case CONFIG_T_UINT:
		if (k->values != NULL &&
		    (enum_index(k->values, value) < 0 ||
		        parse_ulong(value, 10, type_max(k), &n) < 0)) {
			snprintf(buf, sizeof(buf), "one of %s",
			    enum_list(k->values, list, sizeof(list)));
			return (bad_value(k, value, buf, file, line, diags));
		}
		if (parse_ulong(value, 10, type_max(k), &n) < 0) {
			snprintf(buf, sizeof(buf),
			    "a decimal number from 0 to %lu", type_max(k));
			return (bad_value(k, value, buf, file, line, diags));
		}
		store_uint(conf, k, n);
		return (0);
	case CONFIG_T_OCTAL:
		if (parse_ulong(value, 8, type_max(k), &n) < 0) {
			snprintf(buf, sizeof(buf),
			    "an octal mode from 0 to %lo, such as 0660",
			    type_max(k));
			return (bad_value(k, value, buf, file, line, diags));
		}
		store_uint(conf, k, n);
		return (0);
	case CONFIG_T_ENUM:
		if ((b = enum_index(k->values, value)) < 0) {
			snprintf(buf, sizeof(buf), "one of %s",
			    enum_list(k->values, list, sizeof(list)));
			return (bad_value(k, value, buf, file, line, diags));
		}
		store_int(conf, k, b);
		return (0);
	default:
		pm_panic("config: key %s of type %d", k->name, (int)k->type);
	}
}

/* set_key - apply one value to one key */
static int
set_key(struct config *conf, const struct config_key *k, const char *value,
    const char *base_dir, const char *file, unsigned line,
    struct pm_diags *diags)
{
	if (has_ctrl(value)) {
		pm_diag_add(diags, PM_ERROR, file, line, 0,
		    "bad value \"%s\" for %s: control characters are not allowed",
		    value, k->name);
		return (-1);
	}
	if (k->type == CONFIG_T_STRING)
		return (
		    set_string(conf, k, value, base_dir, file, line, diags));
	if (k->type == CONFIG_T_LIST)
		return (set_list(conf, k, value, base_dir, file, line, diags));
	if (*value == 0) {
		pm_diag_add(diags, PM_ERROR, file, line, 0,
		    "missing value for %s", k->name);
		return (-1);
	}
	return (set_number(conf, k, value, file, line, diags));
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
