/*++
/* NAME
/*	privacy-milter 8
/* SUMMARY
/*	scrub personal data from outgoing mail headers
/* SYNOPSIS
/*	privacy-milter [-fhnV] [-c conf] [-p socket] [-u user] [-P pidfile]
/*		[-r rules]... [-o Key=value]...
/*	privacy-milter -c conf --check
/*	privacy-milter -c conf --test-message FILE [--macro NAME=VALUE]...
/*		[--hide-first-received]
/*	privacy-milter -c conf --pseudonym VALUE
/*	privacy-milter -c conf --audit [--macro NAME=VALUE]...
/*		[--hide-first-received] [--audit-values] [--audit-json] PATH...
/*	privacy-milter -c conf --stats
/* DESCRIPTION
/*	main() parses the command line, turns options that have a config
/*	key into overrides ("Key=value", re-applied at every reload), loads
/*	the first snapshot and hands over to one of: --check, the offline
/*	tester, the audit, the pseudonym calculator, or the supervisor
/*	(daemon). --stats reads the configuration only, for the counters'
/*	file.
/* DIAGNOSTICS
/*	Exit 0 on success, 64 on usage errors, 78 (EX_CONFIG) when the
/*	configuration or rules do not load; every problem on stderr as
/*	"file:line: reason".
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "fileset.h"
#include "lastgood.h"
#include "log.h"
#include "pseudonym.h"
#include "snapshot.h"
#include "statsfile.h"
#include "supervisor.h"
#include "tester.h"
#include "tls.h"
#include "user.h"
#include "util.h"

#define DEF_CONF PM_SYSCONFDIR "/privacy-milter.conf"

enum {
	OPT_CHECK = 256,
	OPT_TEST_MESSAGE,
	OPT_MACRO,
	OPT_HIDE_FIRST,
	OPT_PSEUDONYM,
	OPT_AUDIT,
	OPT_AUDIT_VALUES,
	OPT_AUDIT_JSON,
	OPT_STATS,
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},
    {"foreground", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"check", no_argument, NULL, OPT_CHECK},
    {"test-message", required_argument, NULL, OPT_TEST_MESSAGE},
    {"macro", required_argument, NULL, OPT_MACRO},
    {"hide-first-received", no_argument, NULL, OPT_HIDE_FIRST},
    {"pseudonym", required_argument, NULL, OPT_PSEUDONYM},
    {"audit", no_argument, NULL, OPT_AUDIT},
    {"audit-values", no_argument, NULL, OPT_AUDIT_VALUES},
    {"audit-json", no_argument, NULL, OPT_AUDIT_JSON},
    {"stats", no_argument, NULL, OPT_STATS},
    {NULL, 0, NULL, 0},
};

/* usage - print the options, generated from the config key table */
static void
usage(FILE *fp)
{
	const struct config_key *k;

	fprintf(fp,
	    "usage: privacy-milter [-fhnV] [-c conf] [-o Key=value]...\n"
	    "       privacy-milter -c conf --check\n"
	    "       privacy-milter -c conf --test-message FILE"
	    " [--macro NAME=VALUE]... [--hide-first-received]\n"
	    "       privacy-milter -c conf --pseudonym VALUE\n"
	    "       privacy-milter -c conf --audit [--macro NAME=VALUE]..."
	    " [--hide-first-received] [--audit-values] [--audit-json] PATH...\n"
	    "       privacy-milter -c conf --stats\n"
	    "options:\n"
	    "  -c FILE   configuration file (default " DEF_CONF ")\n"
	    "  -f        stay in the foreground, log to stderr\n"
	    "  -n        same as --check\n"
	    "  -o K=V    set configuration key K (repeatable)\n"
	    "  -V        print the version\n"
	    "  -h        this help\n");
	for (k = config_keys; k->name != NULL; k++)
		if (k->opt != 0)
			fprintf(
			    fp, "  -%c VALUE  same as %s\n", k->opt, k->name);
}

/* print_diags - every diagnostic on stderr */
static void
print_diags(const struct pm_diags *d)
{
	char line[2048];
	size_t i;

	for (i = 0; i < d->n; i++) {
		pm_diag_format(&d->v[i], line, sizeof(line));
		fprintf(stderr, "privacy-milter: %s\n", line);
	}
}

/* absolute - path made absolute against the current directory, or NULL */
static char *
absolute(const char *path)
{
	char cwd[4096];
	char *p;
	size_t len;

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return (strdup(path));
	len = strlen(cwd) + 1 + strlen(path) + 1;
	if ((p = malloc(len)) != NULL)
		snprintf(p, len, "%s/%s", cwd, path);
	return (p);
}

/*
 * absolute_overrides - the daemon changes to / when it detaches and reloads
 * from there: make relative file names on the command line absolute now.
 */
static int
absolute_overrides(char **overrides, size_t n)
{
	const struct config_key *k;
	char *eq, *abs, *kv;
	size_t i, len;

	for (i = 0; i < n; i++) {
		eq = strchr(overrides[i], '=');
		*eq = 0;
		k = config_find(overrides[i]);
		*eq = '=';
		if (k == NULL || !config_is_path_key(k) || eq[1] == 0 ||
		    eq[1] == '/')
			continue;
		if ((abs = absolute(eq + 1)) == NULL)
			return (-1);
		len = (size_t)(eq - overrides[i]) + 1 + strlen(abs) + 1;
		if ((kv = malloc(len)) == NULL) {
			free(abs);
			return (-1);
		}
		snprintf(kv, len, "%.*s=%s", (int)(eq - overrides[i]),
		    overrides[i], abs);
		free(abs);
		free(overrides[i]);
		overrides[i] = kv;
	}
	return (0);
}

/* report_unreadable - user_unreadable() callback for --check */
static void
report_unreadable(const char *path, int err, void *arg)
{
	fprintf(stderr,
	    "privacy-milter: warning: %s is not readable by UserID %s (%s):"
	    " it loads at the start (as root), but a reload re-reads it as"
	    " that user and will fail\n",
	    path, (const char *)arg, strerror(err));
}

/* check_readable - --check as root: files the child cannot re-read */
static void
check_readable(const char *user_spec, const struct fileset *fs)
{
	char name[256];
	struct user u;

	if (geteuid() != 0 || user_spec == NULL || *user_spec == 0 ||
	    strlen(user_spec) >= sizeof(name))
		return;
	/* Quiet about a user that does not exist here: not --check's job. */
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(user_spec, ":"),
	    user_spec);
	if (getpwnam(name) == NULL)
		return;
	if (user_resolve(user_spec, &u) == 0)
		(void)user_unreadable_files(
		    &u, fs, report_unreadable, (void *)user_spec);
	user_free(&u);
}

/* daemon_config - the supervisor's own copy of the configuration */
static struct config *
daemon_config(const char *conf_path, char **overrides, size_t noverrides,
    struct fileset *files)
{
	struct pm_diags d = {0};
	struct config *conf;

	/* The bytes just checked, not the files again. */
	fileset_begin(files, 1);
	conf = config_load(
	    conf_path, (const char *const *)overrides, noverrides, &d);
	fileset_end();
	pm_diags_free(&d);
	return (conf);
}

/* free_strs - release a string vector */
static void
free_strs(char **v, size_t n)
{
	while (n > 0)
		free(v[--n]);
	free(v);
}

/* add_str - append to a growing string vector */
static int
add_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL || (nv[*n] = strdup(s)) == NULL) {
		if (nv != NULL)
			*v = nv;
		return (-1);
	}
	*v = nv;
	(*n)++;
	return (0);
}

/* What the command line asks for. */
struct opts {
	const char *conf_path;
	const char *test_file; /* --test-message */
	const char *pseudo_in; /* --pseudonym */
	char **overrides; /* Key=value, command-line twins of config keys */
	size_t noverrides;
	char **macros; /* --macro NAME=VALUE */
	size_t nmacros;
	int check;
	int foreground;
	int hide_first;
	int audit; /* --audit: the remaining arguments are paths */
	int audit_values;
	int audit_json;
	char **paths;
	size_t npaths;
	int stats; /* --stats */
	char *conf_abs; /* conf_path made absolute (the daemon) */
};

/* opt_kv - -o or --macro: NAME=VALUE appended to v; 0 or an exit status */
static int
opt_kv(const char *what, const char *arg, char ***v, size_t *n)
{
	if (strchr(arg, '=') == NULL) {
		fprintf(stderr, "privacy-milter: %s wants %s, got \"%s\"\n",
		    what, strcmp(what, "-o") == 0 ? "Key=value" : "NAME=VALUE",
		    arg);
		return (EX_USAGE);
	}
	return (add_str(v, n, arg) < 0 ? EX_OSERR : 0);
}

/* opt_key - a short option of a config key; 0 or an exit status */
static int
opt_key(struct opts *o, int ch, const char *arg)
{
	const struct config_key *k;
	char kv[4096];

	for (k = config_keys; k->name != NULL; k++)
		if (k->opt != 0 && k->opt == ch)
			break;
	if (k->name == NULL) {
		usage(stderr);
		return (EX_USAGE);
	}
	snprintf(kv, sizeof(kv), "%s=%s", k->name, arg);
	return (add_str(&o->overrides, &o->noverrides, kv) < 0 ? EX_OSERR : 0);
}

/* opt_one - one option; 0, or an exit status (-1: exit 0 now) */
static int
opt_one(struct opts *o, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		o->conf_path = arg;
		return (0);
	case 'f':
		o->foreground = 1;
		return (0);
	case 'h':
		usage(stdout);
		return (-1);
	case 'V':
		printf("privacy-milter %s\n", PACKAGE_VERSION);
		return (-1);
	case 'n':
	case OPT_CHECK:
		o->check = 1;
		return (0);
	case 'o':
		return (opt_kv("-o", arg, &o->overrides, &o->noverrides));
	case OPT_TEST_MESSAGE:
		o->test_file = arg;
		return (0);
	case OPT_MACRO:
		return (opt_kv("--macro", arg, &o->macros, &o->nmacros));
	case OPT_HIDE_FIRST:
		o->hide_first = 1;
		return (0);
	case OPT_PSEUDONYM:
		o->pseudo_in = arg;
		return (0);
	case OPT_AUDIT:
		o->audit = 1;
		return (0);
	case OPT_AUDIT_VALUES:
		o->audit_values = 1;
		return (0);
	case OPT_AUDIT_JSON:
		o->audit_json = 1;
		return (0);
	case OPT_STATS:
		o->stats = 1;
		return (0);
	default:
		return (opt_key(o, ch, arg));
	}
}

/* opts_parse - the command line; 0, or an exit status (-1: exit 0) */
static int
opts_parse(struct opts *o, int argc, char **argv)
{
	char shortopts[64] = "c:fhnVo:";
	const struct config_key *k;
	size_t l;
	int ch, rc;

	/* Short options of config keys take a value. */
	for (k = config_keys; k->name != NULL; k++) {
		if (k->opt != 0 && strlen(shortopts) + 3 < sizeof(shortopts)) {
			l = strlen(shortopts);
			shortopts[l] = k->opt;
			shortopts[l + 1] = ':';
			shortopts[l + 2] = 0;
		}
	}
	while ((ch = getopt_long(argc, argv, shortopts, long_opts, NULL)) != -1)
		if ((rc = opt_one(o, ch, optarg)) != 0)
			return (rc);
	/* Only the audit takes arguments: the mail to read. */
	if (o->audit != (optind != argc)) {
		if (o->audit)
			fprintf(stderr,
			    "privacy-milter: --audit needs an mbox, a maildir, a directory or a message file\n");
		usage(stderr);
		return (EX_USAGE);
	}
	while (optind < argc)
		if (add_str(&o->paths, &o->npaths, argv[optind++]) < 0)
			return (EX_OSERR);
	if (o->conf_path == NULL)
		o->conf_path = DEF_CONF;
	if (!o->check && o->pseudo_in == NULL && o->test_file == NULL &&
	    !o->audit && !o->stats) {
		/* The daemon: file names must survive its chdir("/"). */
		if ((o->conf_abs = absolute(o->conf_path)) == NULL ||
		    absolute_overrides(o->overrides, o->noverrides) < 0)
			return (EX_OSERR);
		o->conf_path = o->conf_abs;
	}
	return (0);
}

/* load - the first snapshot, every file recorded in files */
static struct snapshot *
load(const struct opts *o, struct fileset *files)
{
	struct pm_diags diags = {0};
	struct snapshot *snap;

	if (tls_init() < 0)
		fprintf(stderr,
		    "privacy-milter: warning: OpenSSL cipher table"
		    " unavailable; cipher names are written as given\n");
	fileset_begin(files, 0);
	snap = snapshot_load(o->conf_path, (const char *const *)o->overrides,
	    o->noverrides, &diags);
	fileset_end();
	print_diags(&diags);
	pm_diags_free(&diags);
	if (snap == NULL)
		fprintf(stderr, "privacy-milter: configuration not loaded\n");
	return (snap);
}

/* run_audit - --audit: the rules over a sample of mail */
static int
run_audit(const struct opts *o, const struct snapshot *snap)
{
	struct audit_opts ao;

	memset(&ao, 0, sizeof(ao));
	ao.paths = (const char *const *)o->paths;
	ao.npaths = o->npaths;
	ao.macros = (const char *const *)o->macros;
	ao.nmacros = o->nmacros;
	ao.hide_first_received = o->hide_first;
	ao.values = o->audit_values;
	ao.json = o->audit_json;
	ao.progress = 1;
	return (audit_run(snap, &ao, stdout, stderr));
}

/* run_pseudonym - --pseudonym: print the token of a value */
static int
run_pseudonym(const struct opts *o, const struct snapshot *snap)
{
	char tok[PSEUDONYM_TOKEN_MAX];

	if (snap->key == NULL) {
		fprintf(stderr,
		    "privacy-milter: %s: no PseudonymKeyFile configured\n",
		    o->conf_path);
		return (PM_EX_CONFIG);
	}
	if (pseudonym_token(snap->key, o->pseudo_in, strlen(o->pseudo_in), tok,
	        sizeof(tok)) < 0) {
		fprintf(stderr, "privacy-milter: cannot compute token\n");
		return (EX_SOFTWARE);
	}
	printf("%s\n", tok);
	return (0);
}

/*
 * validate - check the files in a process of its own, record them in lg
 *
 * The supervisor must never hold parsed rules, not even at its peak: a
 * child process loads them (diagnostics on stderr as always), records the
 * bytes it read in the shared memory and exits. Returns its exit status.
 */
static int
validate(const struct opts *o, struct lastgood *lg)
{
	struct fileset *files;
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "privacy-milter: fork: %s\n", strerror(errno));
		return (EX_OSERR);
	}
	if (pid == 0) {
		if ((files = fileset_new()) == NULL)
			_exit(EX_OSERR);
		if (load(o, files) == NULL)
			_exit(PM_EX_CONFIG);
		_exit(lastgood_save(lg, files) < 0 ? EX_SOFTWARE : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return (EX_OSERR);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : EX_SOFTWARE);
}

/* run_daemon - check the files, hand over to the supervisor */
static int
run_daemon(const struct opts *o)
{
	struct lastgood *lg;
	struct fileset *files;
	struct config *conf = NULL;
	struct sup_args sa;
	int rc;

	if ((lg = lastgood_create()) == NULL)
		return (EX_OSERR);
	if ((rc = validate(o, lg)) != 0)
		return (rc);
	/* The supervisor's own configuration: the bytes just checked. */
	if ((files = lastgood_load(lg)) == NULL ||
	    (conf = daemon_config(
	         o->conf_path, o->overrides, o->noverrides, files)) == NULL) {
		fileset_free(files);
		return (EX_OSERR);
	}
	fileset_free(files);
	sa.conf_path = o->conf_path;
	sa.overrides = (const char *const *)o->overrides;
	sa.noverrides = o->noverrides;
	sa.foreground = o->foreground;
	rc = sup_run(&sa, conf, lg);
	config_free(conf);
	return (rc);
}

/* run_stats - --stats: the table of the counters the config names */
static int
run_stats(const struct opts *o)
{
	struct pm_diags d = {0};
	struct config *conf;
	char *path;
	int rc;

	conf = config_load(
	    o->conf_path, (const char *const *)o->overrides, o->noverrides, &d);
	print_diags(&d);
	pm_diags_free(&d);
	if (conf == NULL)
		return (PM_EX_CONFIG);
	if ((path = config_stats_file(conf)) == NULL) {
		fprintf(stderr,
		    "privacy-milter: %s: no StatsFile (PidFile and StatsFile are empty)\n",
		    o->conf_path);
		rc = EX_UNAVAILABLE;
	} else
		rc = statsfile_report(path, stdout, stderr);
	free(path);
	config_free(conf);
	return (rc);
}

/* main - parse options, load and check, run one mode */
int
main(int argc, char **argv)
{
	struct opts o;
	struct fileset *files = NULL;
	struct snapshot *snap = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = opts_parse(&o, argc, argv)) != 0) {
		rc = rc < 0 ? 0 : rc;
		goto out;
	}
	if (o.stats) {
		rc = run_stats(&o);
		goto out;
	}
	if (!o.check && o.pseudo_in == NULL && o.test_file == NULL &&
	    !o.audit) {
		rc = run_daemon(&o);
		goto out;
	}
	if ((files = fileset_new()) == NULL) {
		rc = EX_OSERR;
		goto out;
	}
	if ((snap = load(&o, files)) == NULL)
		rc = PM_EX_CONFIG;
	else if (o.check) {
		check_readable(snap->conf->user, files);
		printf("privacy-milter: %s: OK, %zu rules\n", o.conf_path,
		    rules_count(snap->rules));
		rc = 0;
	} else if (o.pseudo_in != NULL)
		rc = run_pseudonym(&o, snap);
	else if (o.audit)
		rc = run_audit(&o, snap);
	else
		rc =
		    tester_run(snap, o.test_file, (const char *const *)o.macros,
		        o.nmacros, o.hide_first, stdout, stderr);
out:
	snapshot_unref(snap);
	fileset_free(files);
	free_strs(o.overrides, o.noverrides);
	free_strs(o.macros, o.nmacros);
	free_strs(o.paths, o.npaths);
	free(o.conf_abs);
	return (rc);
}
