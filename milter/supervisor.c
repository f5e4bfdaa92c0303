/*++
/* NAME
/*	supervisor 3
/* SUMMARY
/*	parent process: pidfile, socket, signals, child restart
/* SYNOPSIS
/*	See include/supervisor.h.
/* DESCRIPTION
/*	Implementation notes. struct sup holds everything the parent
/*	knows; start-up (sup_start), the signal loop (sup_loop) and the
/*	exit (sup_finish) are separate, and each signal has one small
/*	handler. The restart policy lives in sup_child_exited() alone.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "lastgood.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "stats.h"
#include "statsfile.h"
#include "supervisor.h"
#include "user.h"

#define SUP_BACKOFF_MAX 30 /* seconds */
#define SUP_METRICS_BACKOFF_MAX 60 /* seconds */
#define SUP_METRICS_STOP 5 /* seconds for the metrics process to stop */
#define SUP_STOP_TERM 75 /* stop: SIGTERM to a child still running */
#define SUP_STOP_KILL 90 /* stop: SIGKILL to a child still running */
#define SUP_PRIVATE_TMPL "/tmp/privacy-milter.XXXXXX"
#define SUP_LM_SOCKET "libmilter.sock"

/* What the parent holds while it runs. */
struct sup {
	const struct sup_args *args;
	const struct config *conf;
	int foreground;
	struct user user;
	int pidfd; /* -1: no pidfile */
	dev_t pid_dev;
	ino_t pid_ino;
	struct listen_sock sock;
	char *private_dir; /* libmilter's socket is in it */
	char *lm_path;
	struct lastgood *lastgood;
	struct statsfile stats; /* the counters */
	/* The metrics process. */
	struct listen_sock msock; /* MetricsSocket; fd -1: none */
	pid_t metrics; /* -1: none */
	time_t metrics_at; /* (re)start it then */
	time_t metrics_born;
	unsigned metrics_backoff;
	/* The child. */
	pid_t child; /* -1: none */
	time_t restart_at;
	/* Crash loops at start. */
	time_t *crashes; /* ring of RestartLimit + 1 exit times */
	unsigned ncrash;
	unsigned backoff;
	/* Stopping. */
	int stopping;
	time_t stop_at;
	int stop_phase;
	int rc;
	int done;
};

/* sup_report_unreadable - user_unreadable() callback: one warning */
static void
sup_report_unreadable(const char *path, int err, void *arg)
{
	const struct user *u = arg;

	pm_log(LOG_WARNING,
	    "%s is not readable by UserID %s (%s): it loads now, but a"
	    " reload (SIGHUP) re-reads it as that user and will fail",
	    path, u->spec, strerror(err));
}

/* sup_check_readable - warn about files the child cannot re-read */
static void
sup_check_readable(struct sup *sp)
{
	struct fileset *fs;

	if (!sp->user.set || (fs = lastgood_load(sp->lastgood)) == NULL)
		return;
	if (user_unreadable_files(
	        &sp->user, fs, sup_report_unreadable, &sp->user) < 0)
		pm_log(LOG_WARNING, "cannot check what UserID %s can read",
		    sp->user.spec);
	fileset_free(fs);
}

/* sup_dir_ok - refuse a directory anyone may change (pidfile, StatsFile) */
static int
sup_dir_ok(const char *path, const char *what)
{
	char *copy = strdup(path);
	struct stat sb;
	int ok = 0;

	if (copy == NULL)
		return (EX_OSERR);
	if (stat(dirname(copy), &sb) < 0)
		pm_log(LOG_ERR, "%s %s: directory: %s", what, path,
		    strerror(errno));
	else if ((sb.st_mode & S_IWOTH) != 0 && (sb.st_mode & S_ISVTX) == 0)
		pm_log(LOG_ERR,
		    "%s %s: its directory is writable by everyone and"
		    " not sticky: not using it",
		    what, path);
	else
		ok = 1;
	free(copy);
	return (ok ? 0 : EX_CONFIG);
}

/* sup_pidfile_check - the file we opened is one we may write */
static int
sup_pidfile_check(struct sup *sp, const char *path)
{
	struct stat sb;

	if (fstat(sp->pidfd, &sb) < 0) {
		pm_log(LOG_ERR, "pidfile %s: %s", path, strerror(errno));
		return (EX_OSERR);
	}
	if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		pm_log(LOG_ERR,
		    "pidfile %s is not a regular file with one link: not"
		    " using it",
		    path);
		return (EX_CONFIG);
	}
	if (sb.st_uid != 0 && sb.st_uid != geteuid()) {
		pm_log(LOG_ERR,
		    "pidfile %s is owned by uid %ld, not by root or us: not"
		    " using it",
		    path, (long)sb.st_uid);
		return (EX_CONFIG);
	}
	if ((sb.st_mode & 07777) != 0644 && fchmod(sp->pidfd, 0644) < 0) {
		pm_log(LOG_ERR, "pidfile %s: %s", path, strerror(errno));
		return (EX_OSERR);
	}
	sp->pid_dev = sb.st_dev;
	sp->pid_ino = sb.st_ino;
	return (0);
}

/* sup_pidfile_open - open, check and lock the pidfile */
static int
sup_pidfile_open(struct sup *sp)
{
	const char *path = sp->conf->pidfile;
	char buf[32];
	ssize_t n;
	int rc;

	if (path == NULL || *path == 0)
		return (0);
	if ((rc = sup_dir_ok(path, "pidfile")) != 0)
		return (rc);
	sp->pidfd = open(path,
	    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
	    0644);
	if (sp->pidfd < 0) {
		pm_log(LOG_ERR, "pidfile %s: %s%s", path, strerror(errno),
		    errno == ELOOP ? " (a symbolic link: not following it)"
		                   : "");
		return (errno == ELOOP ? EX_CONFIG : EX_OSERR);
	}
	if ((rc = sup_pidfile_check(sp, path)) != 0) {
		close(sp->pidfd);
		sp->pidfd = -1;
		return (rc);
	}
	if (flock(sp->pidfd, LOCK_EX | LOCK_NB) < 0) {
		n = read(sp->pidfd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		buf[strcspn(buf, "\n")] = 0;
		pm_log(LOG_ERR,
		    "pidfile %s is held by another instance (pid %s):"
		    " not starting",
		    path, buf[0] ? buf : "unknown");
		close(sp->pidfd);
		sp->pidfd = -1;
		return (EX_UNAVAILABLE);
	}
	return (0);
}

/* sup_pidfile_write - our PID, after daemonising */
static int
sup_pidfile_write(struct sup *sp)
{
	char buf[32];
	int len;

	if (sp->pidfd < 0)
		return (0);
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(sp->pidfd, 0) < 0 ||
	    pwrite(sp->pidfd, buf, (size_t)len, 0) != len) {
		pm_log(LOG_ERR, "pidfile %s: %s", sp->conf->pidfile,
		    strerror(errno));
		return (EX_OSERR);
	}
	return (0);
}

/* sup_private_dir - a directory only the child's user can enter */
static int
sup_private_dir(struct sup *sp)
{
	char tmpl[] = SUP_PRIVATE_TMPL;

	if (mkdtemp(tmpl) == NULL) {
		pm_log(LOG_ERR, "cannot make a directory %s: %s",
		    SUP_PRIVATE_TMPL, strerror(errno));
		return (EX_OSERR);
	}
	if ((sp->private_dir = strdup(tmpl)) == NULL ||
	    asprintf(&sp->lm_path, "%s/%s", tmpl, SUP_LM_SOCKET) < 0) {
		sp->lm_path = NULL;
		return (EX_OSERR);
	}
	if (sp->user.set && chown(tmpl, sp->user.uid, sp->user.gid) < 0) {
		pm_log(LOG_ERR, "%s: %s", tmpl, strerror(errno));
		return (EX_OSERR);
	}
	return (0);
}

/* sup_cleanup - remove socket, private directory and pidfile if ours */
static void
sup_cleanup(struct sup *sp)
{
	struct stat sb;

	listen_cleanup(&sp->sock);
	listen_cleanup(&sp->msock);
	statsfile_close(&sp->stats);
	if (sp->private_dir != NULL) {
		(void)unlink(sp->lm_path);
		(void)rmdir(sp->private_dir);
	}
	if (sp->pidfd >= 0) {
		if (stat(sp->conf->pidfile, &sb) == 0 &&
		    sb.st_dev == sp->pid_dev && sb.st_ino == sp->pid_ino)
			(void)unlink(sp->conf->pidfile);
		close(sp->pidfd);
		sp->pidfd = -1;
	}
}

/* sup_close_fds - close inherited descriptors but keep[0..nkeep) */
static void
sup_close_fds(const int *keep, int nkeep)
{
	long max = sysconf(_SC_OPEN_MAX);
	int fd, i;

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++) {
		for (i = 0; i < nkeep && keep[i] != fd; i++)
			;
		if (i == nkeep)
			(void)close(fd);
	}
}

/* sup_daemonise - double fork, setsid, chdir /, close descriptors */
static int
sup_daemonise(struct sup *sp)
{
	int keep[4] = {sp->pidfd, sp->sock.fd, sp->msock.fd, sp->stats.ro_fd};
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		return (-1);
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return (-1);
	if ((pid = fork()) < 0)
		return (-1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return (-1);
	if ((fd = open("/dev/null", O_RDWR)) < 0)
		return (-1);
	(void)dup2(fd, 0);
	(void)dup2(fd, 1);
	(void)dup2(fd, 2);
	if (fd > 2)
		close(fd);
	sup_close_fds(keep, 4);
	return (0);
}

/* sup_nofile - raise the soft descriptor limit to the hard one */
static void
sup_nofile(void)
{
	struct rlimit rl;
	rlim_t old;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	old = rl.rlim_cur;
	if (rl.rlim_max == RLIM_INFINITY)
		rl.rlim_max = 1024 * 1024; /* the kernel's usual nr_open */
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			pm_log(LOG_WARNING,
			    "cannot raise the descriptor limit from %lu: %s",
			    (unsigned long)old, strerror(errno));
			return;
		}
	}
	pm_log(rl.rlim_cur < 4096 ? LOG_WARNING : LOG_INFO,
	    "file descriptors: limit %lu (a session takes up to 3)%s",
	    (unsigned long)rl.rlim_cur,
	    rl.rlim_cur < 4096 ? "; raise the hard limit (LimitNOFILE=)" : "");
}

/* sup_stats_open - the counters' file (statsfile.h) and MetricsSocket */
static int
sup_stats_open(struct sup *sp)
{
	char *path = config_stats_file(sp->conf);
	int rc = 0;

	if (path != NULL)
		rc = sup_dir_ok(path, "StatsFile");
	if (rc == 0)
		rc = statsfile_create(
		    &sp->stats, path, sp->user.set, sp->user.gid);
	free(path);
	if (rc == 0 && sp->conf->metrics_socket != NULL)
		rc = listen_open(
		    sp->conf->metrics_socket, 0, NULL, 0, 0, &sp->msock);
	return (rc);
}

/* sup_start - everything before the first child; 0 or an exit status */
static int
sup_start(struct sup *sp)
{
	int rc;

	if ((rc = user_resolve(sp->conf->user, &sp->user)) != 0)
		return (rc);
	sup_check_readable(sp);
	if ((rc = sup_pidfile_open(sp)) != 0 ||
	    (rc = listen_open(sp->conf->socket, sp->conf->socket_mode,
	         sp->conf->socket_group, sp->user.set, sp->user.uid,
	         &sp->sock)) != 0 ||
	    (rc = sup_private_dir(sp)) != 0 || (rc = sup_stats_open(sp)) != 0)
		return (rc);
	if (!sp->foreground) {
		if (sup_daemonise(sp) < 0)
			return (EX_OSERR);
		pm_log_init("privacy-milter", 0, sp->conf->syslog_facility);
	}
	if ((rc = sup_pidfile_write(sp)) != 0)
		return (rc);
	/* The first load is the first good one (stats.h). */
	stats_init(sp->stats.st, (long)getpid(), time(NULL));
	sup_nofile();
	return (0);
}

/* sup_spawn - start a child; 0, or -1 when fork() failed */
static int
sup_spawn(struct sup *sp)
{
	struct child_args ca;
	pid_t parent = getpid(), pid;
	sigset_t set;

	lastgood_set_ready(sp->lastgood, 0);
	if ((pid = fork()) != 0) {
		if (pid < 0) {
			pm_log(LOG_ERR, "fork: %s", strerror(errno));
			return (-1);
		}
		sp->child = pid;
		return (0);
	}

	/* The child. */
	(void)setpgid(0, 0);
	if (sp->pidfd >= 0)
		close(sp->pidfd);
	if (sp->msock.fd >= 0)
		close(sp->msock.fd);
	if (sp->stats.ro_fd >= 0)
		close(sp->stats.ro_fd);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (user_drop(&sp->user) < 0)
		_exit(EX_OSERR);
	/* After the user switch: a change of credentials clears it. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(EX_OSERR);
	memset(&ca, 0, sizeof(ca));
	ca.conf_path = sp->args->conf_path;
	ca.overrides = sp->args->overrides;
	ca.noverrides = sp->args->noverrides;
	ca.listen_fd = sp->sock.fd;
	ca.lm_path = sp->lm_path;
	ca.lastgood = sp->lastgood;
	ca.stats = sp->stats.st;
	exit(child_run(&ca));
}

/* sup_describe - what a wait status means, for the log */
static void
sup_describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(
		    buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d%s",
		    WTERMSIG(status),
		    WCOREDUMP(status) ? " (core dumped)" : "");
	else
		snprintf(buf, len, "stopped (status 0x%x)", status);
}

/* sup_crash_loop - count an exit before ready; 1: too many, give up */
static int
sup_crash_loop(struct sup *sp, time_t now)
{
	unsigned limit = sp->conf->restart_limit, i, recent = 0;

	sp->crashes[sp->ncrash++ % (limit + 1)] = now;
	for (i = 0; i <= limit && i < sp->ncrash; i++)
		if (now - sp->crashes[i] < (time_t)sp->conf->restart_window)
			recent++;
	return (recent > limit);
}

/* sup_child_exited - log; decide when (or whether) to restart */
static void
sup_child_exited(struct sup *sp, pid_t pid, int status)
{
	time_t now = time(NULL);
	char why[128];
	int gave_up;

	sp->child = -1;
	sup_describe(status, why, sizeof(why));
	if (sp->stopping) {
		stats_child_gone(sp->stats.st, 0);
		pm_log(WIFEXITED(status) && WEXITSTATUS(status) == 0
		        ? LOG_INFO
		        : LOG_WARNING,
		    "child %ld %s", (long)pid, why);
		return;
	}
	if (lastgood_ready(sp->lastgood)) {
		/* It served: a crash costs its sessions, not the service. */
		stats_child_gone(sp->stats.st, 1);
		pm_log(LOG_ERR, "child %ld %s; restarting at once", (long)pid,
		    why);
		sp->backoff = 1;
		sp->restart_at = now;
		return;
	}
	gave_up = sup_crash_loop(sp, now);
	stats_child_gone(sp->stats.st, !gave_up);
	if (gave_up) {
		pm_log(LOG_ERR,
		    "child %ld %s before it was ready; %u exits within %u"
		    " seconds: giving up",
		    (long)pid, why, sp->conf->restart_limit + 1,
		    sp->conf->restart_window);
		sp->rc = EX_SOFTWARE;
		sp->done = 1;
		return;
	}
	pm_log(LOG_ERR, "child %ld %s before it was ready; restarting in %u s",
	    (long)pid, why, sp->backoff);
	sp->restart_at = now + sp->backoff;
	sp->backoff = sp->backoff * 2 > SUP_BACKOFF_MAX ? SUP_BACKOFF_MAX
	                                                : sp->backoff * 2;
}

/* sup_metrics_start - fork the metrics process (metrics.h) */
static void
sup_metrics_start(struct sup *sp, time_t now)
{
	struct metrics_args ma;
	int close_fds[2] = {sp->pidfd, sp->sock.fd};

	memset(&ma, 0, sizeof(ma));
	ma.listen_fd = sp->msock.fd;
	ma.spec = sp->conf->metrics_socket;
	ma.stats_fd = sp->stats.ro_fd;
	ma.rw = sp->stats.st;
	ma.lastgood = sp->lastgood;
	ma.close_fds = close_fds;
	ma.nclose = 2;
	ma.user = &sp->user;
	sp->metrics_born = now;
	if ((sp->metrics = metrics_spawn(&ma)) < 0)
		sp->metrics_at = now + SUP_METRICS_BACKOFF_MAX;
}

/*
 * sup_metrics_exited - restart the metrics process: after 1 s if it ran a
 * minute, else after twice the last delay (the first: 1 s; at most 60 s)
 */
static void
sup_metrics_exited(struct sup *sp, pid_t pid, int status)
{
	time_t now = time(NULL);
	char why[128];

	sp->metrics = -1;
	sup_describe(status, why, sizeof(why));
	if (sp->stopping) {
		pm_log(LOG_INFO, "metrics process %ld %s", (long)pid, why);
		return;
	}
	if (now - sp->metrics_born >= 60)
		sp->metrics_backoff = 1;
	sp->metrics_at = now + sp->metrics_backoff;
	pm_log(LOG_ERR, "metrics process %ld %s; restarting in %u s", (long)pid,
	    why, sp->metrics_backoff);
	if ((sp->metrics_backoff *= 2) > SUP_METRICS_BACKOFF_MAX)
		sp->metrics_backoff = SUP_METRICS_BACKOFF_MAX;
}

/* sup_metrics_stop - SIGTERM, wait a little, SIGKILL */
static void
sup_metrics_stop(struct sup *sp)
{
	struct timespec ts = {0, 10 * 1000 * 1000};
	int status, i;

	if (sp->metrics <= 0)
		return;
	(void)kill(sp->metrics, SIGTERM);
	for (i = 0; i < SUP_METRICS_STOP * 100; i++) {
		if (waitpid(sp->metrics, &status, WNOHANG) == sp->metrics) {
			sp->metrics = -1;
			return;
		}
		nanosleep(&ts, NULL);
	}
	(void)kill(sp->metrics, SIGKILL);
	(void)waitpid(sp->metrics, &status, 0);
	sp->metrics = -1;
}

/* sup_on_reload - SIGHUP or SIGUSR1: the child reloads */
static void
sup_on_reload(struct sup *sp, int sig)
{
	pm_log(LOG_INFO, "reload requested (signal %d)", sig);
	if (sp->child > 0)
		(void)kill(sp->child, SIGUSR1);
}

/* sup_on_stop - SIGTERM or SIGINT: the child drains and stops */
static void
sup_on_stop(struct sup *sp, int sig)
{
	if (!sp->stopping) {
		pm_log(LOG_NOTICE,
		    "stopping on signal %d: waiting for the sessions in"
		    " progress",
		    sig);
		sp->stop_at = time(NULL);
		sp->stopping = 1;
	}
	if (sp->child > 0)
		(void)kill(sp->child, SIGUSR2);
}

/* sup_on_chld - reap; our child's exit goes to sup_child_exited() */
static void
sup_on_chld(struct sup *sp)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (pid == sp->child)
			sup_child_exited(sp, pid, status);
		else if (pid == sp->metrics)
			sup_metrics_exited(sp, pid, status);
}

/* sup_escalate - a child that does not stop gets SIGTERM, then SIGKILL */
static void
sup_escalate(struct sup *sp, time_t waited)
{
	if (sp->stop_phase == 0 && waited >= SUP_STOP_TERM) {
		pm_log(LOG_WARNING,
		    "child %ld still running after %ld s: SIGTERM",
		    (long)sp->child, (long)waited);
		(void)kill(sp->child, SIGTERM);
		sp->stop_phase = 1;
	} else if (sp->stop_phase == 1 && waited >= SUP_STOP_KILL) {
		pm_log(LOG_ERR, "child %ld still running after %ld s: SIGKILL",
		    (long)sp->child, (long)waited);
		(void)kill(sp->child, SIGKILL);
		sp->stop_phase = 2;
	}
}

/* sup_loop - children and signals until stopped or given up */
static void
sup_loop(struct sup *sp, const sigset_t *set)
{
	struct timespec ts;
	siginfo_t info;
	time_t now;
	int sig;

	while (!sp->done) {
		now = time(NULL);
		if (sp->child < 0 && !sp->stopping && now >= sp->restart_at &&
		    sup_spawn(sp) < 0) {
			sp->rc = EX_OSERR;
			return;
		}
		if (sp->msock.fd >= 0 && sp->metrics < 0 && !sp->stopping &&
		    now >= sp->metrics_at)
			sup_metrics_start(sp, now);
		if (sp->child < 0 && sp->stopping)
			return;
		if (sp->child > 0 && sp->stopping)
			sup_escalate(sp, now - sp->stop_at);
		ts.tv_sec = sp->child < 0 && sp->restart_at > now
		    ? sp->restart_at - now
		    : 1;
		ts.tv_nsec = 0;
		if ((sig = sigtimedwait(set, &info, &ts)) < 0)
			continue;
		if (sig == SIGHUP || sig == SIGUSR1)
			sup_on_reload(sp, sig);
		else if (sig == SIGTERM || sig == SIGINT)
			sup_on_stop(sp, sig);
		else if (sig == SIGCHLD)
			sup_on_chld(sp);
	}
}

/* sup_finish - stop a child left over, clean up */
static void
sup_finish(struct sup *sp)
{
	int status;

	if (sp->child > 0) {
		(void)kill(sp->child, SIGTERM);
		(void)waitpid(sp->child, &status, 0);
	}
	sup_metrics_stop(sp);
	sup_cleanup(sp);
	user_free(&sp->user);
	free(sp->private_dir);
	free(sp->lm_path);
	free(sp->crashes);
}

/* sup_run - the supervisor; see supervisor.h */
int
sup_run(const struct sup_args *args, const struct config *conf,
    struct lastgood *lastgood)
{
	struct sup sp;
	sigset_t set;

	memset(&sp, 0, sizeof(sp));
	sp.args = args;
	sp.conf = conf;
	sp.pidfd = -1;
	sp.sock.fd = -1;
	sp.msock.fd = -1;
	sp.stats.ro_fd = -1;
	sp.metrics = -1;
	sp.metrics_backoff = 1;
	sp.child = -1;
	sp.backoff = 1;
	sp.lastgood = lastgood;
	sp.foreground = args->foreground || !conf->background;
	pm_log_init("privacy-milter", 1, conf->syslog_facility);
	pm_log_set_level(conf->log_level);
	sp.crashes = calloc((size_t)conf->restart_limit + 1, sizeof(time_t));
	if (sp.crashes == NULL)
		return (EX_OSERR);
	if ((sp.rc = sup_start(&sp)) == 0) {
		sigemptyset(&set);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, NULL);
		pm_log(LOG_NOTICE, "supervisor %ld started on %s%s%s",
		    (long)getpid(), conf->socket,
		    sp.user.set ? ", child runs as " : "",
		    sp.user.set ? conf->user : "");
		sup_loop(&sp, &set);
		if (sp.rc == 0)
			pm_log(LOG_NOTICE, "stopped");
	}
	sup_finish(&sp);
	return (sp.rc);
}
