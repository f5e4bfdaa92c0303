/*++
/* NAME
/*	child 3
/* SUMMARY
/*	the child process: snapshot, front, control thread, libmilter
/* SYNOPSIS
/*	See include/child.h.
/* DESCRIPTION
/*	Implementation notes. Signals: SIGUSR1 and SIGUSR2 belong to the
/*	control thread; SIGHUP, SIGTERM and SIGINT to libmilter's signal
/*	thread (smfi_main() blocks them in the threads it makes; the
/*	control thread and the front must block them too, or a SIGTERM
/*	delivered to one of them would kill the process). Every thread
/*	inherits the mask child_run() sets before it starts any.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "callbacks.h"
#include "child.h"
#include "fileset.h"
#include "front.h"
#include "log.h"
#include "util.h"
#include "snapshot.h"
#include "stats.h"
#include "tls.h"

static const struct child_args *child_args;
static atomic_int child_quit;
static atomic_int child_stopping;
static pthread_t child_main_tid; /* where smfi_main() runs */

/* child_log_diags - every diagnostic of a load, with a prefix */
static void
child_log_diags(const char *prefix, struct pm_diags *d)
{
	char line[2048];
	size_t i;

	for (i = 0; i < d->n; i++) {
		pm_diag_format(&d->v[i], line, sizeof(line));
		pm_log(d->v[i].sev == PM_ERROR ? LOG_ERR : LOG_WARNING, "%s%s",
		    prefix, line);
	}
	pm_diags_free(d);
}

/* child_load - a snapshot read through fs (replay or capture) */
static struct snapshot *
child_load(struct fileset *fs, int replay, const char *prefix)
{
	struct pm_diags d = {0};
	struct snapshot *snap;

	fileset_begin(fs, replay);
	snap = snapshot_load(child_args->conf_path, child_args->overrides,
	    child_args->noverrides, &d);
	fileset_end();
	child_log_diags(prefix, &d);
	return (snap);
}

/* child_strdiff - strings differ (NULL is the empty string) */
static int
child_strdiff(const char *a, const char *b)
{
	return (strcmp(a != NULL ? a : "", b != NULL ? b : "") != 0);
}

/* child_use - make snap current; its limits apply from now on */
static unsigned long
child_use(struct snapshot *snap)
{
	unsigned long gen;

	pm_log_set_level(snap->conf->log_level);
	front_set_limits(snap->conf->max_data_size, snap->conf->timeout);
	/* Only this thread installs: snap stays current while we read it. */
	gen = cb_install(snap);
	stats_install(child_args->stats, snap->rules, gen);
	return (gen);
}

/* child_reload - read the files again; keep the old snapshot on error */
static void
child_reload(void)
{
	struct snapshot *snap, *cur;
	struct fileset *fs;
	size_t nrules;

	if ((fs = fileset_new()) == NULL ||
	    (snap = child_load(fs, 0, "reload: ")) == NULL) {
		fileset_free(fs);
		cur = cb_current();
		pm_log(LOG_ERR, "reload failed: keeping generation %lu",
		    cur != NULL ? cur->generation : 0);
		snapshot_unref(cur);
		stats_reload(child_args->stats, 0, time(NULL));
		return;
	}
	cur = cb_current();
	if (child_strdiff(cur->conf->socket, snap->conf->socket) ||
	    child_strdiff(cur->conf->user, snap->conf->user) ||
	    child_strdiff(cur->conf->pidfile, snap->conf->pidfile) ||
	    child_strdiff(cur->conf->stats_file, snap->conf->stats_file) ||
	    child_strdiff(
	        cur->conf->metrics_socket, snap->conf->metrics_socket))
		pm_log(LOG_WARNING,
		    "reload: Socket, UserID, PidFile, StatsFile and MetricsSocket changes take effect at the next start");
	snapshot_unref(cur);
	/* What a restarted child comes back with (lastgood.h). */
	if (lastgood_save(child_args->lastgood, fs) < 0)
		pm_panic("reload: %zu bytes do not fit the last good record",
		    fileset_flat_size(fs));
	fileset_free(fs);
	nrules = rules_count(snap->rules);
	pm_log(LOG_NOTICE, "reload: generation %lu, %zu rules", child_use(snap),
	    nrules);
	stats_reload(child_args->stats, 1, time(NULL));
}

/* child_wakeup - SIGRTMIN handler: nothing, poll() returns EINTR */
static void
child_wakeup(int sig)
{
	(void)sig;
}

/* child_smfi_stop - smfi_stop() in a thread of its own (see below) */
static void *
child_smfi_stop(void *arg)
{
	(void)arg;
	(void)smfi_stop();
	return (NULL);
}

/*
 * child_stop_libmilter - smfi_stop(), without waiting up to 5 s
 *
 * libmilter's listener (the main thread, in smfi_main()) holds a mutex
 * while it sleeps in poll() for up to 5 s (MI_CHK_TIME), and smfi_stop()
 * wants that mutex to close the socket: it would wait for the poll() to
 * time out. So smfi_stop() runs in a thread of its own, and a signal to
 * the main thread ends the poll() (EINTR); it is repeated in case it came
 * just before the poll(), until smfi_main() has returned.
 */
static void
child_stop_libmilter(void)
{
	struct timespec ts = {0, 20 * 1000 * 1000};
	pthread_t tid;
	unsigned i;

	if (pthread_create(&tid, NULL, child_smfi_stop, NULL) != 0) {
		(void)smfi_stop();
		return;
	}
	for (i = 0; !atomic_load(&child_quit) && i < 500; i++) {
		(void)pthread_kill(child_main_tid, SIGRTMIN);
		nanosleep(&ts, NULL);
	}
	/* Joined, so its last unlock comes before libmilter's exit code. */
	(void)pthread_join(tid, NULL);
}

/* child_drain - refuse new connections, finish messages, stop libmilter */
static void
child_drain(void)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	unsigned i;

	atomic_store(&child_stopping, 1);
	front_refuse();
	pm_log(LOG_NOTICE, "stopping: %u messages in progress", cb_messages());
	for (i = 0; cb_messages() > 0 && i < CHILD_DRAIN_MAX * 100u; i++)
		nanosleep(&ts, NULL);
	if (cb_messages() > 0)
		pm_log(LOG_WARNING,
		    "stopping with %u messages in progress after %u s",
		    cb_messages(), CHILD_DRAIN_MAX);
	child_stop_libmilter();
}

/* child_control - the control thread: SIGUSR1 reload, SIGUSR2 stop */
static void *
child_control(void *arg)
{
	sigset_t set;
	int sig;

	(void)arg;
	/* Low priority: this thread only; the sessions go first. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (atomic_load(&child_quit))
			break;
		if (sig == SIGUSR2) {
			if (!atomic_load(&child_stopping))
				child_drain();
		} else if (!atomic_load(&child_stopping))
			child_reload();
	}
	return (NULL);
}

/* child_first - the first snapshot: the last good record, replayed */
static struct snapshot *
child_first(void)
{
	struct snapshot *snap;
	struct fileset *fs;

	if ((fs = lastgood_load(child_args->lastgood)) == NULL) {
		pm_log(LOG_ERR, "child: no last good configuration to load");
		return (NULL);
	}
	snap = child_load(fs, 1, "child: ");
	fileset_free(fs);
	if (snap == NULL)
		pm_log(LOG_ERR,
		    "child: the last good configuration does not"
		    " load any more");
	return (snap);
}

/* child_libmilter - register and listen on the private socket */
static int
child_libmilter(const struct config *conf)
{
	char spec[256];

	if (cb_register(conf) < 0)
		return (-1);
	snprintf(spec, sizeof(spec), "unix:%s", child_args->lm_path);
	if (smfi_setconn(spec) != MI_SUCCESS ||
	    smfi_opensocket(true) != MI_SUCCESS) {
		pm_log(LOG_ERR, "child: libmilter cannot listen on %s",
		    child_args->lm_path);
		return (-1);
	}
	pm_log(
	    LOG_DEBUG, "child: libmilter listens on %s", child_args->lm_path);
	return (0);
}

/* child_block_signals - the mask every thread of the child inherits */
static void
child_block_signals(void)
{
	struct sigaction sa;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = child_wakeup;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGRTMIN, &sa, NULL);
}

/*
 * child_orphan_cleanup - the supervisor died first (SIGKILL): nobody else
 * will remove the private directory of libmilter's socket, which belongs
 * to the child's user.
 */
static void
child_orphan_cleanup(pid_t parent)
{
	char *dir;

	if (getppid() == parent || (dir = strdup(child_args->lm_path)) == NULL)
		return;
	(void)unlink(child_args->lm_path);
	if (strrchr(dir, '/') != NULL && strrchr(dir, '/') != dir) {
		*strrchr(dir, '/') = 0;
		(void)rmdir(dir);
	}
	free(dir);
}

/* child_run - the child: see child.h */
int
child_run(const struct child_args *a)
{
	struct snapshot *snap;
	pid_t parent = getppid();
	pthread_t tid;
	size_t nrules;
	int rc, err;

	child_args = a;
	child_main_tid = pthread_self();
	child_block_signals();
	/* The cipher table now, not in the first message's thread. */
	if (tls_init() < 0)
		pm_log(LOG_WARNING,
		    "OpenSSL cipher table unavailable; cipher"
		    " names are written as given");
	cb_generation_counter(lastgood_generation(a->lastgood));
	cb_stats(a->stats);
	if ((snap = child_first()) == NULL)
		return (EX_SOFTWARE);
	if (child_libmilter(snap->conf) < 0 ||
	    front_start(a->listen_fd, a->lm_path, snap->conf->max_data_size,
	        snap->conf->timeout) < 0) {
		snapshot_unref(snap);
		return (EX_OSERR);
	}
	nrules = rules_count(snap->rules);
	pm_log(LOG_NOTICE, "child started: generation %lu, %zu rules",
	    child_use(snap), nrules);
	if ((err = pthread_create(&tid, NULL, child_control, NULL)) != 0) {
		pm_log(LOG_ERR, "cannot start the control thread: %s",
		    strerror(err));
		front_stop();
		return (EX_OSERR);
	}
	lastgood_set_ready(a->lastgood, 1);
	rc = smfi_main();
	atomic_store(&child_quit, 1);
	front_stop();
	pthread_kill(tid, SIGUSR1);
	pthread_join(tid, NULL);
	(void)cb_install(NULL);
	child_orphan_cleanup(parent);
	pm_log(LOG_NOTICE, "child stopped");
	return (rc == MI_SUCCESS ? 0 : EX_SOFTWARE);
}
