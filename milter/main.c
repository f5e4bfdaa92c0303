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
/* DESCRIPTION
/*	main() parses the command line, turns options that have a config
/*	key into overrides ("Key=value", re-applied at every reload), loads
/*	the first snapshot and hands over to one of: --check, the offline
/*	tester, the pseudonym calculator, or the supervisor (daemon).
/* DIAGNOSTICS
/*	Exit 0 on success, 64 on usage errors, 78 (EX_CONFIG) when the
/*	configuration or rules do not load; every problem on stderr as
/*	"file:line: reason".
/*--*/
#include "pm_autoconf.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "config.h"
#include "fileset.h"
#include "log.h"
#include "pseudonym.h"
#include "snapshot.h"
#include "supervisor.h"
#include "testmsg.h"
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
	const char **paths;
	char name[256];
	struct user u;
	size_t i, n = fileset_npaths(fs);

	if (geteuid() != 0 || n == 0 || user_spec == NULL || *user_spec == 0 ||
	    strlen(user_spec) >= sizeof(name))
		return;
	/* Quiet about a user that does not exist here: not --check's job. */
	strcpy(name, user_spec);
	name[strcspn(name, ":")] = 0;
	if (getpwnam(name) == NULL)
		return;
	if (user_resolve(user_spec, &u) == 0 && u.set &&
	    (paths = calloc(n, sizeof(*paths))) != NULL) {
		for (i = 0; i < n; i++)
			paths[i] = fileset_path(fs, i);
		(void)user_unreadable(
		    &u, paths, n, report_unreadable, (void *)user_spec);
		free(paths);
	}
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

/* MAIN_EXIT - leave main() through its clean-up */
#define MAIN_EXIT(code)                                                        \
	do {                                                                   \
		rc = (code);                                                   \
		goto out;                                                      \
	} while (0)

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

int
main(int argc, char **argv)
{
	const char *conf_path = NULL;
	const char *test_file = NULL;
	const char *pseudo_in = NULL;
	char **overrides = NULL, **macros = NULL;
	char *conf_abs = NULL;
	size_t noverrides = 0, nmacros = 0;
	int check = 0, foreground = 0, hide_first = 0;
	struct pm_diags diags = {0};
	struct snapshot *snap = NULL;
	struct fileset *files = NULL;
	struct config *sup_conf = NULL;
	char shortopts[64] = "c:fhnVo:";
	const struct config_key *k;
	struct sup_args sa;
	int ch, rc;

	/* Short options of config keys take a value. */
	for (k = config_keys; k->name != NULL; k++) {
		if (k->opt != 0 && strlen(shortopts) + 3 < sizeof(shortopts)) {
			size_t l = strlen(shortopts);

			shortopts[l] = k->opt;
			shortopts[l + 1] = ':';
			shortopts[l + 2] = 0;
		}
	}

	while (
	    (ch = getopt_long(argc, argv, shortopts, long_opts, NULL)) != -1) {
		char kv[4096];

		switch (ch) {
		case 'c':
			conf_path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'h':
			usage(stdout);
			MAIN_EXIT(0);
		case 'V':
			printf("privacy-milter %s\n", PACKAGE_VERSION);
			MAIN_EXIT(0);
		case 'n':
		case OPT_CHECK:
			check = 1;
			break;
		case 'o':
			if (strchr(optarg, '=') == NULL) {
				fprintf(stderr,
				    "privacy-milter: -o wants Key=value,"
				    " got \"%s\"\n",
				    optarg);
				MAIN_EXIT(EX_USAGE);
			}
			if (add_str(&overrides, &noverrides, optarg) < 0)
				MAIN_EXIT(EX_OSERR);
			break;
		case OPT_TEST_MESSAGE:
			test_file = optarg;
			break;
		case OPT_MACRO:
			if (strchr(optarg, '=') == NULL) {
				fprintf(stderr,
				    "privacy-milter: --macro wants"
				    " NAME=VALUE, got \"%s\"\n",
				    optarg);
				MAIN_EXIT(EX_USAGE);
			}
			if (add_str(&macros, &nmacros, optarg) < 0)
				MAIN_EXIT(EX_OSERR);
			break;
		case OPT_HIDE_FIRST:
			hide_first = 1;
			break;
		case OPT_PSEUDONYM:
			pseudo_in = optarg;
			break;
		default:
			for (k = config_keys; k->name != NULL; k++)
				if (k->opt != 0 && k->opt == ch)
					break;
			if (k->name == NULL) {
				usage(stderr);
				MAIN_EXIT(EX_USAGE);
			}
			snprintf(kv, sizeof(kv), "%s=%s", k->name, optarg);
			if (add_str(&overrides, &noverrides, kv) < 0)
				MAIN_EXIT(EX_OSERR);
			break;
		}
	}
	if (optind != argc) {
		usage(stderr);
		MAIN_EXIT(EX_USAGE);
	}
	if (conf_path == NULL)
		conf_path = DEF_CONF;
	if (!check && pseudo_in == NULL && test_file == NULL) {
		/* The daemon: file names must survive its chdir("/"). */
		if ((conf_abs = absolute(conf_path)) == NULL ||
		    absolute_overrides(overrides, noverrides) < 0)
			MAIN_EXIT(EX_OSERR);
		conf_path = conf_abs;
	}

	/* The first snapshot: every mode needs it. */
	if (tls_init() < 0)
		fprintf(stderr,
		    "privacy-milter: warning: OpenSSL cipher table"
		    " unavailable; cipher names are written as given\n");
	/* Recorded as read: the daemon's children replay these bytes. */
	if ((files = fileset_new()) == NULL)
		MAIN_EXIT(EX_OSERR);
	fileset_begin(files, 0);
	snap = snapshot_load(
	    conf_path, (const char *const *)overrides, noverrides, &diags);
	fileset_end();
	print_diags(&diags);
	pm_diags_free(&diags);
	if (snap == NULL) {
		fprintf(stderr, "privacy-milter: configuration not loaded\n");
		MAIN_EXIT(PM_EX_CONFIG);
	}

	if (check) {
		check_readable(snap->conf->user, files);
		printf("privacy-milter: %s: OK, %zu rules\n", conf_path,
		    rules_count(snap->rules));
		rc = 0;
	} else if (pseudo_in != NULL) {
		char tok[PSEUDONYM_TOKEN_MAX];

		if (snap->key == NULL) {
			fprintf(stderr,
			    "privacy-milter: %s: no PseudonymKeyFile"
			    " configured\n",
			    conf_path);
			rc = PM_EX_CONFIG;
		} else if (pseudonym_token(snap->key, pseudo_in,
		               strlen(pseudo_in), tok, sizeof(tok)) < 0) {
			fprintf(
			    stderr, "privacy-milter: cannot compute token\n");
			rc = EX_SOFTWARE;
		} else {
			printf("%s\n", tok);
			rc = 0;
		}
	} else if (test_file != NULL) {
		rc = testmsg_run(snap, test_file, (const char *const *)macros,
		    nmacros, hide_first, stdout, stderr);
	} else {
		/* The supervisor keeps a configuration, never the rules. */
		snapshot_unref(snap);
		snap = NULL;
		if ((sup_conf = daemon_config(
		         conf_path, overrides, noverrides, files)) == NULL)
			MAIN_EXIT(EX_OSERR);
		sa.conf_path = conf_path;
		sa.overrides = (const char *const *)overrides;
		sa.noverrides = noverrides;
		sa.foreground = foreground;
		rc = sup_run(&sa, sup_conf, files);
		files = NULL; /* sup_run() frees it */
	}
	snapshot_unref(snap);
out:
	fileset_free(files);
	config_free(sup_conf);
	free_strs(overrides, noverrides);
	free_strs(macros, nmacros);
	free(conf_abs);
	return (rc);
}
