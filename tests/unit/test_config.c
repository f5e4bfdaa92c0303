/*++
/* NAME
/*	test_config 1
/* SUMMARY
/*	unit tests of milter/config.c
/* SYNOPSIS
/*	tests/unit/test_config
/* DESCRIPTION
/*	Every key's default and parse, every diagnostic text, the
/*	semantics of lists and command-line overrides, relative paths,
/*	and that privacy-milter.conf(5) and the sample configuration
/*	name every key of config_keys[].
/*--*/
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "snapshot.h"
#include "tls.h"

static char tmpdir[64];

/* write_conf - a file named name in tmpdir holding text; returns its path */
static const char *
write_conf(const char *name, const char *text)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	return (path);
}

/* diags_text - all diagnostics, one a line, with tmpdir shown as "T" */
static char *
diags_text(const struct pm_diags *d)
{
	static char out[8192];
	char line[2048];
	size_t i, tl = strlen(tmpdir);

	out[0] = 0;
	for (i = 0; i < d->n; i++) {
		pm_diag_format(&d->v[i], line, sizeof(line));
		if (strncmp(line, tmpdir, tl) == 0) {
			strcat(out, "T");
			strcat(out, line + tl);
		} else
			strcat(out, line);
		strcat(out, "\n");
	}
	return (out);
}

/* load_text - config_load of text with overrides; diagnostics in *text */
static struct config *
load_text(
    const char *text, const char *const *ov, size_t nov, const char **diag)
{
	struct pm_diags d = {NULL, 0, 0};
	struct config *c;

	c = config_load(write_conf("t.conf", text), ov, nov, &d);
	*diag = diags_text(&d);
	pm_diags_free(&d);
	return (c);
}

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/test_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(defaults_of_every_key)
{
	struct config *c = config_new();

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->socket,
	    "unix:/var/spool/postfix/privacy-milter/privacy-milter.sock");
	ck_assert_uint_eq(c->socket_mode, 0660);
	ck_assert_str_eq(c->socket_group, "postfix");
	ck_assert_str_eq(c->pidfile, "/run/privacy-milter/privacy-milter.pid");
	ck_assert_str_eq(c->user, "privacy-milter");
	ck_assert_int_eq(c->background, 1);
	ck_assert_uint_eq(c->nrules_files, 1);
	ck_assert_str_eq(c->rules_files[0], PM_SYSCONFDIR "/default.rules");
	ck_assert_int_eq(c->on_error, CONFIG_ONERR_TEMPFAIL);
	ck_assert_int_eq(c->dry_run, 0);
	ck_assert_int_eq(c->strict, 0);
	ck_assert_int_eq(c->tls_header, 1);
	ck_assert_str_eq(c->tls_header_name, "X-TLS-Info");
	ck_assert_int_eq(c->tls_header_format, TLS_FMT_KV);
	ck_assert_ptr_null(c->authserv_id);
	ck_assert_ptr_null(c->pseudonym_key_file);
	ck_assert_uint_eq(c->ntrusted_reinjection, 0);
	ck_assert_ptr_null(c->trusted_reinjection);
	ck_assert_int_eq(c->jit, 1);
	ck_assert_uint_eq(c->match_limit, 10000000);
	ck_assert_uint_eq(c->depth_limit, 10000);
	ck_assert_int_eq(c->log_level, 2);
	ck_assert_str_eq(c->syslog_facility, "mail");
	ck_assert_uint_eq(c->restart_limit, 10);
	ck_assert_uint_eq(c->restart_window, 60);
	ck_assert_uint_eq(c->timeout, 7210);
	ck_assert_uint_eq(c->hidden_headers, 1);
	ck_assert_uint_eq(c->max_data_size, 1048575);
	config_free(c);
}
END_TEST

START_TEST(every_key_parsed_from_file)
{
	const char *diag;
	struct config *c =
	    load_text("# a comment\n"
	              "\n"
	              "Socket inet:8890@127.0.0.1   # trailing comment\n"
	              "SocketMode 0600\n"
	              "SocketGroup mail\n"
	              "PidFile /tmp/pm.pid\n"
	              "UserID nobody:nogroup\n"
	              "Background no\n"
	              "RulesFile /etc/a.rules\n"
	              "OnError accept\n"
	              "DryRun yes\n"
	              "Strict TRUE\n"
	              "TLSHeader false\n"
	              "TLSHeaderName X-Session-TLS\n"
	              "TLSHeaderFormat authentication-results\n"
	              "AuthservID mx1.example.org\n"
	              "PseudonymKeyFile /etc/pm.key\n"
	              "TrustedReinjection reinject\n"
	              "PCREJIT 0\n"
	              "MatchLimit 5000\n"
	              "DepthLimit 300\n"
	              "LogLevel 3\n"
	              "SyslogFacility local3\n"
	              "RestartLimit 4\n"
	              "RestartWindow 30\n"
	              "MilterTimeout 120\n"
	              "HiddenHeaders 0\n"
	              "MaxDataSize 65535\n",
	        NULL, 0, &diag);

	ck_assert_str_eq(diag, "");
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->socket, "inet:8890@127.0.0.1");
	ck_assert_uint_eq(c->socket_mode, 0600);
	ck_assert_str_eq(c->socket_group, "mail");
	ck_assert_str_eq(c->pidfile, "/tmp/pm.pid");
	ck_assert_str_eq(c->user, "nobody:nogroup");
	ck_assert_int_eq(c->background, 0);
	ck_assert_uint_eq(c->nrules_files, 1);
	ck_assert_str_eq(c->rules_files[0], "/etc/a.rules");
	ck_assert_int_eq(c->on_error, CONFIG_ONERR_ACCEPT);
	ck_assert_int_eq(c->dry_run, 1);
	ck_assert_int_eq(c->strict, 1);
	ck_assert_int_eq(c->tls_header, 0);
	ck_assert_str_eq(c->tls_header_name, "X-Session-TLS");
	ck_assert_int_eq(c->tls_header_format, TLS_FMT_AR);
	ck_assert_str_eq(c->authserv_id, "mx1.example.org");
	ck_assert_str_eq(c->pseudonym_key_file, "/etc/pm.key");
	ck_assert_uint_eq(c->ntrusted_reinjection, 1);
	ck_assert_str_eq(c->trusted_reinjection[0], "reinject");
	ck_assert_int_eq(c->jit, 0);
	ck_assert_uint_eq(c->match_limit, 5000);
	ck_assert_uint_eq(c->depth_limit, 300);
	ck_assert_int_eq(c->log_level, 3);
	ck_assert_str_eq(c->syslog_facility, "local3");
	ck_assert_uint_eq(c->restart_limit, 4);
	ck_assert_uint_eq(c->restart_window, 30);
	ck_assert_uint_eq(c->timeout, 120);
	ck_assert_uint_eq(c->hidden_headers, 0);
	ck_assert_uint_eq(c->max_data_size, 65535);
	config_free(c);
}
END_TEST

START_TEST(keys_are_case_insensitive_and_last_wins)
{
	const char *diag;
	struct config *c = load_text("socket unix:/a\nSOCKET unix:/b\n"
	                             "onerror ACCEPT\nbackground Yes\n",
	    NULL, 0, &diag);

	ck_assert_str_eq(diag, "");
	ck_assert_str_eq(c->socket, "unix:/b");
	ck_assert_int_eq(c->on_error, CONFIG_ONERR_ACCEPT);
	ck_assert_int_eq(c->background, 1);
	config_free(c);
}
END_TEST

START_TEST(list_keys_accumulate_in_file_order)
{
	const char *diag;
	struct config *c = load_text("RulesFile /r/one.rules\n"
	                             "TrustedReinjection a\n"
	                             "RulesFile /r/two.rules\n"
	                             "TrustedReinjection b\n",
	    NULL, 0, &diag);

	ck_assert_str_eq(diag, "");
	ck_assert_uint_eq(c->nrules_files, 2);
	ck_assert_str_eq(c->rules_files[0], "/r/one.rules");
	ck_assert_str_eq(c->rules_files[1], "/r/two.rules");
	ck_assert_uint_eq(c->ntrusted_reinjection, 2);
	ck_assert_str_eq(c->trusted_reinjection[1], "b");
	config_free(c);
}
END_TEST

START_TEST(relative_paths_follow_the_config_file)
{
	const char *diag;
	char want[256];
	struct config *c =
	    load_text("RulesFile local.rules\nPseudonymKeyFile keys/pm.key\n",
	        NULL, 0, &diag);

	ck_assert_str_eq(diag, "");
	snprintf(want, sizeof(want), "%s/local.rules", tmpdir);
	ck_assert_str_eq(c->rules_files[0], want);
	snprintf(want, sizeof(want), "%s/keys/pm.key", tmpdir);
	ck_assert_str_eq(c->pseudonym_key_file, want);
	config_free(c);
}
END_TEST

START_TEST(overrides_replace_then_append_lists)
{
	static const char *const ov[] = {"RulesFile=cli1.rules",
	    "RulesFile=cli2.rules", "Socket=inet:1@localhost"};
	const char *diag;
	struct config *c = load_text(
	    "RulesFile /r/one.rules\nRulesFile /r/two.rules\n", ov, 3, &diag);

	ck_assert_str_eq(diag, "");
	ck_assert_uint_eq(c->nrules_files, 2);
	ck_assert_str_eq(c->rules_files[0], "cli1.rules");
	ck_assert_str_eq(c->rules_files[1], "cli2.rules");
	ck_assert_str_eq(c->socket, "inet:1@localhost");
	config_free(c);
}
END_TEST

START_TEST(empty_override_clears)
{
	static const char *const ov[] = {
	    "UserID=", "RulesFile=", "SocketGroup=", "TrustedReinjection="};
	const char *diag;
	struct config *c =
	    load_text("UserID milter\nTrustedReinjection x\n", ov, 4, &diag);

	ck_assert_str_eq(diag, "");
	ck_assert_ptr_null(c->user);
	ck_assert_uint_eq(c->nrules_files, 0);
	ck_assert_ptr_null(c->socket_group);
	ck_assert_uint_eq(c->ntrusted_reinjection, 0);
	config_free(c);
}
END_TEST

START_TEST(load_without_file_gives_defaults_plus_overrides)
{
	static const char *const ov[] = {"DryRun=yes", "LogLevel=2"};
	struct pm_diags d = {NULL, 0, 0};
	struct config *c = config_load(NULL, ov, 2, &d);

	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(c->dry_run, 1);
	ck_assert_int_eq(c->log_level, 2);
	ck_assert_str_eq(c->user, "privacy-milter");
	config_free(c);
}
END_TEST

START_TEST(errors_name_file_and_line)
{
	const char *diag;
	struct config *c = load_text("Sockett unix:/x\n"
	                             "Socket\n"
	                             "Background maybe\n"
	                             "MatchLimit 12x\n"
	                             "LogLevel 4\n"
	                             "SocketMode 0999\n"
	                             "OnError reject\n"
	                             "TLSHeaderFormat json\n"
	                             "MaxDataSize 1048576\n"
	                             "Frobnicate 1\n"
	                             "RestartLimit -1\n"
	                             "DepthLimit 4294967296\n",
	    NULL, 0, &diag);

	ck_assert_ptr_null(c);
	ck_assert_str_eq(diag,
	    "T/t.conf:1: unknown key \"Sockett\" (did you mean \"Socket\"?)\n"
	    "T/t.conf:2: missing value for Socket\n"
	    "T/t.conf:3: bad value \"maybe\" for Background: expected yes, no,"
	    " true, false, 1 or 0\n"
	    "T/t.conf:4: bad value \"12x\" for MatchLimit: expected a decimal"
	    " number from 0 to 4294967295\n"
	    "T/t.conf:5: bad value \"4\" for LogLevel: expected a decimal"
	    " number from 0 to 3\n"
	    "T/t.conf:6: bad value \"0999\" for SocketMode: expected an octal"
	    " mode from 0 to 7777, such as 0660\n"
	    "T/t.conf:7: bad value \"reject\" for OnError: expected one of"
	    " tempfail, accept\n"
	    "T/t.conf:8: bad value \"json\" for TLSHeaderFormat: expected one"
	    " of kv, authentication-results\n"
	    "T/t.conf:9: bad value \"1048576\" for MaxDataSize: expected one"
	    " of 65535, 262143, 1048575\n"
	    "T/t.conf:10: unknown key \"Frobnicate\"\n"
	    "T/t.conf:11: bad value \"-1\" for RestartLimit: expected a decimal"
	    " number from 0 to 4294967295\n"
	    "T/t.conf:12: bad value \"4294967296\" for DepthLimit: expected a"
	    " decimal number from 0 to 4294967295\n");
}
END_TEST

START_TEST(override_errors_name_command_line)
{
	static const char *const ov[] = {
	    "UserID", "Sokcet=x", "DryRun=", "PCREJIT=maybe"};
	const char *diag;
	struct config *c = load_text("", ov, 4, &diag);

	ck_assert_ptr_null(c);
	ck_assert_str_eq(diag,
	    "command line: \"UserID\": expected Key=value\n"
	    "command line: unknown key \"Sokcet\" (did you mean \"Socket\"?)\n"
	    "command line: missing value for DryRun\n"
	    "command line: bad value \"maybe\" for PCREJIT: expected yes, no,"
	    " true, false, 1 or 0\n");
}
END_TEST

START_TEST(missing_file_is_an_error)
{
	struct pm_diags d = {NULL, 0, 0};
	char path[256];
	struct config *c;

	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	c = config_load(path, NULL, 0, &d);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(diags_text(&d),
	    "T/absent.conf: cannot open: No such file or directory\n");
	pm_diags_free(&d);
}
END_TEST

START_TEST(config_set_and_find)
{
	struct pm_diags d = {NULL, 0, 0};
	struct config *c = config_new();
	const struct config_key *k = config_find("pcrejit");

	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->name, "PCREJIT");
	ck_assert_int_eq(k->type, CONFIG_T_BOOL);
	ck_assert_ptr_null(config_find("nope"));
	ck_assert_int_eq(config_set(c, "RulesFile", "/x.rules", "f", 1, &d), 0);
	ck_assert_uint_eq(c->nrules_files, 2);
	ck_assert_str_eq(c->rules_files[1], "/x.rules");
	ck_assert_int_eq(config_set(c, "dryrun", "1", "f", 2, &d), 0);
	ck_assert_int_eq(c->dry_run, 1);
	ck_assert_int_eq(config_set(c, "LogLevel", "x", "f", 3, &d), -1);
	ck_assert_int_eq(config_set(c, "Nope", "x", "f", 4, &d), -1);
	ck_assert_str_eq(diags_text(&d),
	    "f:3: bad value \"x\" for LogLevel: expected a decimal number from"
	    " 0 to 3\n"
	    "f:4: unknown key \"Nope\"\n");
	pm_diags_free(&d);
	config_free(c);
}
END_TEST

START_TEST(short_options_are_p_u_P_r)
{
	const struct config_key *k;
	char opts[16] = "";
	size_t n = 0;

	for (k = config_keys; k->name != NULL; k++)
		if (k->opt != 0)
			opts[n++] = k->opt;
	opts[n] = 0;
	ck_assert_str_eq(opts, "pPur");
	ck_assert_int_eq(config_find("Socket")->opt, 'p');
	ck_assert_int_eq(config_find("UserID")->opt, 'u');
	ck_assert_int_eq(config_find("PidFile")->opt, 'P');
	ck_assert_int_eq(config_find("RulesFile")->opt, 'r');
}
END_TEST

START_TEST(metrics_socket_and_stats_file)
{
	const char *diag;
	struct config *c = load_text("MetricsSocket unix:/run/m.sock\n"
	                             "MetricsSocket inet:0@127.0.0.1\n"
	                             "StatsFile run/x.stats\n",
	    NULL, 0, &diag);
	char *p;

	ck_assert_ptr_null(c);
	ck_assert_str_eq(diag,
	    "T/t.conf:1: bad value \"unix:/run/m.sock\" for MetricsSocket:"
	    " Prometheus scrapes over TCP: expected inet:port@host or"
	    " inet6:port@host, such as inet:9899@127.0.0.1\n"
	    "T/t.conf:2: bad value \"inet:0@127.0.0.1\" for MetricsSocket:"
	    " the port must be a number from 1 to 65535, such as"
	    " inet:8891@127.0.0.1\n"
	    "T/t.conf:3: bad value \"run/x.stats\" for StatsFile: expected an"
	    " absolute path, such as"
	    " /run/privacy-milter/privacy-milter.stats\n");
	c = load_text("MetricsSocket inet6:9899@::1\n", NULL, 0, &diag);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->metrics_socket, "inet6:9899@::1");
	/* The stats file: beside the pidfile, or where it is set. */
	ck_assert_str_eq(p = config_stats_file(c),
	    "/run/privacy-milter/privacy-milter.stats");
	free(p);
	config_set(c, "PidFile", "/var/run/pm/x.pid", "t", 1, NULL);
	ck_assert_str_eq(
	    p = config_stats_file(c), "/var/run/pm/privacy-milter.stats");
	free(p);
	config_set(c, "StatsFile", "/tmp/s", "t", 1, NULL);
	ck_assert_str_eq(p = config_stats_file(c), "/tmp/s");
	free(p);
	config_set(c, "StatsFile", "", "t", 1, NULL);
	config_set(c, "PidFile", "", "t", 1, NULL);
	ck_assert_ptr_null(config_stats_file(c));
	config_free(c);
}
END_TEST

START_TEST(string_values_are_checked_at_load)
{
	const char *diag;
	struct config *c = load_text("Socket foo:/x\n"
	                             "Socket unix:\n"
	                             "Socket unix:relative/path\n"
	                             "Socket inet:abc@127.0.0.1\n"
	                             "Socket inet:70000@127.0.0.1\n"
	                             "Socket inet:8891@\n"
	                             "Socket inet6:8891@[::1]\n"
	                             "Socket relative\n"
	                             "PidFile run/x.pid\n"
	                             "UserID :grp\n"
	                             "UserID user:\n"
	                             "TLSHeaderName X:TLS\n"
	                             "TLSHeaderName X TLS\n"
	                             "AuthservID a;b\n"
	                             "SyslogFacility bogus\n",
	    NULL, 0, &diag);

	ck_assert_ptr_null(c);
	ck_assert_str_eq(diag,
	    "T/t.conf:1: bad value \"foo:/x\" for Socket: unknown socket type:"
	    " expected unix:/absolute/path, inet:port@host or"
	    " inet6:port@host\n"
	    "T/t.conf:2: bad value \"unix:\" for Socket: the socket path must"
	    " be absolute, such as"
	    " unix:/run/privacy-milter/privacy-milter.sock\n"
	    "T/t.conf:3: bad value \"unix:relative/path\" for Socket: the"
	    " socket path must be absolute, such as"
	    " unix:/run/privacy-milter/privacy-milter.sock\n"
	    "T/t.conf:4: bad value \"inet:abc@127.0.0.1\" for Socket: the port"
	    " must be a number from 1 to 65535, such as inet:8891@127.0.0.1\n"
	    "T/t.conf:5: bad value \"inet:70000@127.0.0.1\" for Socket: the"
	    " port must be a number from 1 to 65535, such as"
	    " inet:8891@127.0.0.1\n"
	    "T/t.conf:6: bad value \"inet:8891@\" for Socket: missing host"
	    " after \"@\" (leave out \"@host\" to listen on every address)\n"
	    "T/t.conf:7: bad value \"inet6:8891@[::1]\" for Socket: write the"
	    " host without brackets, such as inet6:8891@::1\n"
	    "T/t.conf:8: bad value \"relative\" for Socket: expected"
	    " unix:/absolute/path, inet:port@host or inet6:port@host\n"
	    "T/t.conf:9: bad value \"run/x.pid\" for PidFile: expected an"
	    " absolute path, such as /run/privacy-milter/privacy-milter.pid\n"
	    "T/t.conf:10: bad value \":grp\" for UserID: expected user or"
	    " user:group, both parts non-empty\n"
	    "T/t.conf:11: bad value \"user:\" for UserID: expected user or"
	    " user:group, both parts non-empty\n"
	    "T/t.conf:12: bad value \"X:TLS\" for TLSHeaderName: expected a"
	    " header field name: 1 to 64 printable characters without white"
	    " space or \":\"\n"
	    "T/t.conf:13: bad value \"X TLS\" for TLSHeaderName: expected a"
	    " header field name: 1 to 64 printable characters without white"
	    " space or \":\"\n"
	    "T/t.conf:14: bad value \"a;b\" for AuthservID: expected a host"
	    " name: at most 255 characters, no white space or \";\"\n"
	    "T/t.conf:15: bad value \"bogus\" for SyslogFacility: expected one"
	    " of mail, daemon, local0 to local7\n");
}
END_TEST

START_TEST(control_characters_are_refused_in_any_value)
{
	const char *diag;
	struct config *c = load_text("SocketGroup post\001fix\n"
	                             "RulesFile /a\177.rules\n"
	                             "LogLevel 1\033\n",
	    NULL, 0, &diag);

	ck_assert_ptr_null(c);
	ck_assert_str_eq(diag,
	    "T/t.conf:1: bad value \"post\\001fix\" for SocketGroup: control"
	    " characters are not allowed\n"
	    "T/t.conf:2: bad value \"/a\\177.rules\" for RulesFile: control"
	    " characters are not allowed\n"
	    "T/t.conf:3: bad value \"1\\033\" for LogLevel: control"
	    " characters are not allowed\n");
}
END_TEST

START_TEST(good_string_values_load)
{
	const char *diag;
	struct config *c = load_text("Socket local:/run/m.sock\n"
	                             "Socket /run/m.sock\n"
	                             "Socket inet:8891\n"
	                             "Socket inet6:8891@::1\n"
	                             "Socket INET:65535@localhost\n"
	                             "PidFile /run/p.pid\n"
	                             "UserID u:g\n"
	                             "TLSHeaderName X-TLS\n"
	                             "AuthservID mx.example.org\n"
	                             "SyslogFacility LOCAL3\n",
	    NULL, 0, &diag);

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(diag, "");
	ck_assert_str_eq(c->socket, "INET:65535@localhost");
	ck_assert_str_eq(c->syslog_facility, "local3");
	config_free(c);
}
END_TEST

START_TEST(long_lines_and_nul_bytes)
{
	struct pm_diags d = {NULL, 0, 0};
	char *big = malloc(200000);
	const char *path;
	struct config *c;
	FILE *fp;

	ck_assert_ptr_nonnull(big);
	memcpy(big, "SocketGroup   ", 14);
	memset(big + 14, 'A', 200000 - 16);
	big[200000 - 2] = '\n';
	big[200000 - 1] = 0;
	path = write_conf("big.conf", big);
	c = config_load(path, NULL, 0, &d);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(strlen(c->socket_group), 200000 - 16);
	config_free(c);
	free(big);

	fp = fopen(path, "w");
	fwrite("LogLevel 2\nSocket a\0b\n", 1, 22, fp);
	fclose(fp);
	c = config_load(path, NULL, 0, &d);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(diags_text(&d), "T/big.conf:2: NUL byte in line\n");
	pm_diags_free(&d);
}
END_TEST

/* file_contains_keys - every config_keys name appears in the file */
static void
file_contains_keys(const char *rel, const char *pre, const char *post)
{
	const struct config_key *k;
	char path[1024], want[128];
	char *text;
	size_t len;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", TEST_SRCDIR, rel);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	text = calloc(1, 1 << 20);
	ck_assert_ptr_nonnull(text);
	len = fread(text, 1, (1 << 20) - 1, fp);
	fclose(fp);
	text[len] = 0;
	for (k = config_keys; k->name != NULL; k++) {
		snprintf(want, sizeof(want), "%s%s%s", pre, k->name, post);
		ck_assert_msg(strstr(text, want) != NULL,
		    "%s does not describe %s (looked for \"%s\")", rel, k->name,
		    want);
	}
	free(text);
}

START_TEST(man_page_describes_every_key)
{
	file_contains_keys("man/privacy-milter.conf.5", "\n.B ", "\n");
}
END_TEST

START_TEST(sample_config_lists_every_key)
{
	file_contains_keys("init/privacy-milter.conf", "\n#", " ");
}
END_TEST

START_TEST(sample_config_shows_the_defaults)
{
	const struct config_key *k;
	char path[1024], want[256];
	char *text, *p, *end;
	size_t len;
	FILE *fp;

	snprintf(
	    path, sizeof(path), "%s/init/privacy-milter.conf", TEST_SRCDIR);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	text = calloc(1, 1 << 20);
	ck_assert_ptr_nonnull(text);
	len = fread(text, 1, (1 << 20) - 1, fp);
	fclose(fp);
	text[len] = 0;
	for (k = config_keys; k->name != NULL; k++) {
		snprintf(want, sizeof(want), "\n#%s ", k->name);
		p = strstr(text, want);
		ck_assert_ptr_nonnull(p);
		p += strlen(want);
		end = strchr(p, '\n');
		ck_assert_ptr_nonnull(end);
		/* The sample shows the packaged path; the build's may differ. */
		if (strcmp(k->name, "RulesFile") == 0) {
			ck_assert(
			    strncmp(p, "/etc/privacy-milter/default.rules\n",
			        34) == 0);
			continue;
		}
		ck_assert_msg(strlen(k->def) == (size_t)(end - p) &&
		        strncmp(p, k->def, strlen(k->def)) == 0,
		    "%s: sample shows \"%.*s\", default is \"%s\"", k->name,
		    (int)(end - p), p, k->def);
	}
	free(text);
}
END_TEST

START_TEST(snapshot_loads_config_rules_and_key)
{
	struct pm_diags d = {NULL, 0, 0};
	struct snapshot *snap;
	char ov[300], host[256];
	const char *conf;
	const char *const ovs[] = {ov};

	write_conf("a.rules", "remove X-Mailer when authenticated\n");
	write_conf("pm.key", "0123456789abcdef0123456789abcdef\n");
	snprintf(ov, sizeof(ov), "%s/pm.key", tmpdir);
	ck_assert_int_eq(chmod(ov, 0600), 0);
	conf = write_conf("s.conf",
	    "RulesFile a.rules\n"
	    "PseudonymKeyFile pm.key\n"
	    "MatchLimit 777\n");
	snap = snapshot_load(conf, NULL, 0, &d);
	ck_assert_str_eq(diags_text(&d), "");
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_eq(atomic_load(&snap->refs), 1);
	ck_assert_uint_eq(rules_count(snap->rules), 1);
	ck_assert_uint_eq(rules_opts(snap->rules)->match_limit, 777);
	ck_assert_ptr_nonnull(snap->key);
	ck_assert_str_eq(pseudonym_key_id(snap->key), "3eb1bd43");
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_str_eq(snap->authserv_id, host);
	snapshot_ref(snap);
	ck_assert_uint_eq(atomic_load(&snap->refs), 2);
	snapshot_unref(snap);
	snapshot_unref(snap);
	snapshot_unref(NULL);

	snprintf(ov, sizeof(ov), "AuthservID=mx.example.org");
	snap = snapshot_load(conf, ovs, 1, &d);
	ck_assert_ptr_nonnull(snap);
	ck_assert_str_eq(snap->authserv_id, "mx.example.org");
	snapshot_unref(snap);
	pm_diags_free(&d);
}
END_TEST

START_TEST(snapshot_refuses_open_key_and_bad_config)
{
	struct pm_diags d = {NULL, 0, 0};
	const char *conf;
	char key[256], want[512];

	write_conf("a.rules", "remove X-Mailer\n");
	write_conf("pm.key", "0123456789abcdef0123456789abcdef\n");
	snprintf(key, sizeof(key), "%s/pm.key", tmpdir);
	ck_assert_int_eq(chmod(key, 0644), 0);
	conf = write_conf("s.conf",
	    "RulesFile a.rules\n"
	    "PseudonymKeyFile pm.key\n");
	ck_assert_ptr_null(snapshot_load(conf, NULL, 0, &d));
	snprintf(want, sizeof(want),
	    "T/pm.key: pseudonym key is accessible by other users (mode 0644);"
	    " run \"chmod 600 %s\" (or \"chmod 640\" with the milter's"
	    " group)\n",
	    key);
	ck_assert_str_eq(diags_text(&d), want);
	pm_diags_free(&d);
	conf = write_conf("s.conf", "RulesFile a.rules\nDryRun perhaps\n");
	ck_assert_ptr_null(snapshot_load(conf, NULL, 0, &d));
	ck_assert_str_eq(diags_text(&d),
	    "T/s.conf:2: bad value \"perhaps\" for DryRun: expected yes, no,"
	    " true, false, 1 or 0\n");
	pm_diags_free(&d);
}
END_TEST

/* config_suite - all tests */
static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults_of_every_key);
	tcase_add_test(tc, metrics_socket_and_stats_file);
	tcase_add_test(tc, every_key_parsed_from_file);
	tcase_add_test(tc, keys_are_case_insensitive_and_last_wins);
	tcase_add_test(tc, list_keys_accumulate_in_file_order);
	tcase_add_test(tc, relative_paths_follow_the_config_file);
	tcase_add_test(tc, overrides_replace_then_append_lists);
	tcase_add_test(tc, empty_override_clears);
	tcase_add_test(tc, load_without_file_gives_defaults_plus_overrides);
	tcase_add_test(tc, errors_name_file_and_line);
	tcase_add_test(tc, override_errors_name_command_line);
	tcase_add_test(tc, missing_file_is_an_error);
	tcase_add_test(tc, config_set_and_find);
	tcase_add_test(tc, short_options_are_p_u_P_r);
	tcase_add_test(tc, long_lines_and_nul_bytes);
	tcase_add_test(tc, man_page_describes_every_key);
	tcase_add_test(tc, sample_config_lists_every_key);
	tcase_add_test(tc, sample_config_shows_the_defaults);
	tcase_add_test(tc, string_values_are_checked_at_load);
	tcase_add_test(tc, good_string_values_load);
	tcase_add_test(tc, control_characters_are_refused_in_any_value);
	tcase_add_test(tc, snapshot_loads_config_rules_and_key);
	tcase_add_test(tc, snapshot_refuses_open_key_and_bad_config);
	suite_add_tcase(s, tc);
	return (s);
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
