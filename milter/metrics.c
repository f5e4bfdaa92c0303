/*++
/* NAME
/*	metrics 3
/* SUMMARY
/*	the process that serves the counters to Prometheus
/* SYNOPSIS
/*	See include/metrics.h.
/* DESCRIPTION
/*	Implementation notes. HTTP is libmicrohttpd's (HACKING.md says
/*	why a library): the request line, headers, keep-alive, HEAD and
/*	partial writes to a slow client are its business; ours is one
/*	handler that formats the counters into a buffer libmicrohttpd
/*	frees when the response is sent. The main thread only waits for
/*	SIGTERM; every signal stays blocked in libmicrohttpd's thread, as
/*	the supervisor's mask is inherited through fork().
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "statsfile.h"
#include "util.h"

#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

static struct pm_log_limit metrics_lim;

/* metrics_mhd_log - libmicrohttpd's errors, at most a line a minute */
static void
metrics_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	pm_log_limited(&metrics_lim, 60, LOG_WARNING, "metrics: %s", line);
}

/* metrics_reply - queue a response of text (a copy) */
static enum MHD_Result
metrics_reply(struct MHD_Connection *conn, unsigned status, const char *text)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	char *copy;

	/* The one constructor that is not deprecated in 0.9.75 nor 1.0. */
	if ((copy = strdup(text)) == NULL)
		return (MHD_NO);
	r = MHD_create_response_from_buffer_with_free_callback(
	    strlen(copy), copy, free);
	if (r == NULL) {
		free(copy);
		return (MHD_NO);
	}
	(void)MHD_add_response_header(
	    r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(
		    r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return (rc);
}

/* metrics_exposition - the counters, formatted now */
static enum MHD_Result
metrics_exposition(struct MHD_Connection *conn, const struct stats *st)
{
	struct pm_buf b = PM_BUF_INIT;
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t len;
	char *s;

	if (stats_format_prometheus(st, &b) < 0) {
		pm_buf_free(&b);
		return (metrics_reply(
		    conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n"));
	}
	len = b.len;
	s = pm_buf_steal(&b);
	r = MHD_create_response_from_buffer_with_free_callback(len, s, free);
	if (r == NULL) {
		free(s);
		return (MHD_NO);
	}
	(void)MHD_add_response_header(
	    r, MHD_HTTP_HEADER_CONTENT_TYPE, METRICS_TYPE);
	rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return (rc);
}

/* metrics_answer - libmicrohttpd's request handler */
static enum MHD_Result
metrics_answer(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **req)
{
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return (metrics_reply(
		    conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n"));
	if (strcmp(url, "/metrics") == 0)
		return (metrics_exposition(conn, cls));
	if (strcmp(url, "/") == 0)
		return (metrics_reply(conn, MHD_HTTP_OK,
		    "privacy-milter: the counters are at /metrics\n"));
	return (metrics_reply(conn, MHD_HTTP_NOT_FOUND, "not found\n"));
}

/* metrics_shed - give up what the supervisor holds; the counters, read-only */
static const struct stats *
metrics_shed(const struct metrics_args *a)
{
	const struct stats *st;
	size_t i;

	for (i = 0; i < a->nclose; i++)
		if (a->close_fds[i] >= 0)
			(void)close(a->close_fds[i]);
	if ((st = statsfile_map_ro(a->stats_fd)) == NULL) {
		pm_log(LOG_ERR, "metrics: cannot map the counters: %s",
		    strerror(errno));
		return (NULL);
	}
	(void)close(a->stats_fd);
	statsfile_unmap(a->rw);
	lastgood_unmap(a->lastgood);
	return (st);
}

/* metrics_serve - run libmicrohttpd until SIGTERM */
static int
metrics_serve(const struct metrics_args *a, const struct stats *st)
{
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG,
	    0, NULL, NULL, metrics_answer, (void *)st,
	    MHD_OPTION_EXTERNAL_LOGGER, metrics_mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, a->listen_fd, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)METRICS_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)METRICS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)METRICS_TIMEOUT, MHD_OPTION_END);
	if (d == NULL) {
		pm_log(LOG_ERR, "metrics: libmicrohttpd does not start");
		return (EX_OSERR);
	}
	pm_log(LOG_INFO, "metrics: serving /metrics on %s (pid %ld)", a->spec,
	    (long)getpid());
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	while (sigwait(&set, &sig) != 0)
		;
	MHD_stop_daemon(d);
	return (0);
}

/* metrics_run - the metrics process */
static int
metrics_run(const struct metrics_args *a, pid_t parent)
{
	const struct stats *st;

	(void)setpgid(0, 0);
	(void)prctl(PR_SET_NAME, "pm-metrics");
	if ((st = metrics_shed(a)) == NULL || user_drop(a->user) < 0)
		return (EX_OSERR);
	/* After the user switch: a change of credentials clears it. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		return (EX_OSERR);
	return (metrics_serve(a, st));
}

/* metrics_spawn - fork the metrics process */
pid_t
metrics_spawn(const struct metrics_args *a)
{
	pid_t parent = getpid(), pid;

	if ((pid = fork()) < 0) {
		pm_log(LOG_ERR, "metrics: fork: %s", strerror(errno));
		return (-1);
	}
	if (pid > 0)
		return (pid);
	_exit(metrics_run(a, parent));
}
