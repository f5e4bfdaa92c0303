/*++
/* NAME
/*	supervisor 3
/* SUMMARY
/*	parent process: pidfile, socket, signals, child restart
/* SYNOPSIS
/*	#include "supervisor.h"
/*
/*	int	sup_run(args, first)
/*	const struct sup_args *args;
/*	struct snapshot *first;
/* DESCRIPTION
/*	Why two processes: libmilter's signal thread turns SIGHUP into
/*	"stop" (and SIGINT into "abort"), so a libmilter process cannot
/*	reload on SIGHUP itself. The parent (this module) owns the signals
/*	and the pidfile; a child runs smfi_main() (callbacks.c).
/*
/*	Start-up, in the parent, as the user that started it (root):
/* .IP 1.
/*	Resolve UserID (user[:group]); empty: no switch.
/* .IP 2.
/*	Open and lock (flock) the pidfile: a second instance with the same
/*	pidfile refuses to start (EX_UNAVAILABLE).
/* .IP 3.
/*	Create the listening socket (see "Socket ownership").
/* .IP 4.
/*	Unless in the foreground (-f or Background no): double fork,
/*	setsid, chdir /, standard descriptors to /dev/null, every other
/*	inherited descriptor closed (but the pidfile and the listening
/*	socket), log to syslog.
/*	Then write our PID into the pidfile.
/* .IP 5.
/*	Block SIGHUP, SIGINT, SIGTERM, SIGUSR1 and SIGCHLD and take them
/*	with sigtimedwait(): no signal handlers, no races.
/* .PP
/*	The child: its own process group (a terminal's Ctrl-C reaches the
/*	parent only), PR_SET_PDEATHSIG SIGTERM (it never outlives the
/*	parent), setgid/initgroups/setuid to UserID, then cb_run().
/*
/*	Signals to the parent: SIGHUP (and SIGUSR1) -> SIGUSR1 to the child,
/*	which reloads in a thread of its own. SIGTERM or SIGINT -> SIGUSR2
/*	to the child, never SIGINT (libmilter's abort) and not SIGTERM
/*	either: Debian's libmilter runs sessions in a worker pool that
/*	abandons every session at once when libmilter stops, so the child's
/*	control thread first refuses new connections and waits (at most
/*	60 s) until no message is in progress, then calls smfi_stop(). The
/*	child exits; the parent removes the socket and the pidfile and
/*	exits 0. A SIGTERM sent to the child directly stops it at once.
/*	A child still running 75 s after the stop request gets SIGTERM,
/*	after 90 s SIGKILL (the child's drain waits at most 60 s).
/*
/*	Child exit when not stopping (crash, kill -9, a SIGHUP sent to the
/*	child directly): logged, restarted after a back-off of 1 s,
/*	doubling up to 30 s, reset once a child has run for RestartWindow
/*	seconds. More than RestartLimit exits within RestartWindow seconds:
/*	the parent gives up and exits EX_SOFTWARE so the service manager
/*	sees it. A restarted child reloads at once, so files changed since
/*	the start are used (a broken file keeps the start-up snapshot).
/*
/*	Socket ownership: the parent creates the listening socket, before
/*	the privilege drop, with smfi_opensocket(); every child inherits
/*	the open descriptor through fork (libmilter keeps it in a static
/*	and smfi_main() reuses an open one). The parent never closes it,
/*	so while a child restarts the MTA's connections wait in the listen
/*	backlog instead of failing. A unix socket is bound under a
/*	temporary name in the same directory, given SocketMode, SocketGroup
/*	and the child's user as owner, and rename()d onto the configured
/*	path atomically. Consequences:
/* .IP \(bu
/*	libmilter unlinks "its" socket path when a child stops cleanly (if
/*	not root); that path is the temporary name, which no longer
/*	exists, so a child can never remove the socket the MTA uses.
/* .IP \(bu
/*	Only the parent removes the configured path, at its exit, and only
/*	if it still is the socket it created (same device and inode).
/* .IP \(bu
/*	Before binding, an existing path is probed with connect(): a socket
/*	that answers belongs to a live process and start-up is refused
/*	(EX_UNAVAILABLE); a refused connection marks a stale socket, which
/*	the rename() replaces; anything that is not a socket is never
/*	touched. An inet socket in use fails in bind().
/* DIAGNOSTICS
/*	See include/supervisor.h for the exit codes; everything is logged.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "callbacks.h"
#include "log.h"
#include "supervisor.h"

#define SUP_BACKOFF_MAX 30 /* seconds */
#define SUP_STOP_TERM 75 /* stop: SIGTERM to a child still running */
#define SUP_STOP_KILL 90 /* stop: SIGKILL to a child still running */

/* What the parent holds while it runs. */
struct sup_state {
	const struct config *conf;
	int foreground;
	uid_t uid; /* child's user, when switch */
	gid_t gid;
	int switch_user;
	const char *user_name; /* for initgroups() */
	char *user_buf;
	int pidfd; /* -1: no pidfile */
	char *sock_path; /* unix socket path, NULL: inet */
	dev_t sock_dev;
	ino_t sock_ino;
	unsigned long *generation; /* shared with the children */
};

/* sup_unix_path - the path of a unix: or local: spec, NULL for inet */
static const char *
sup_unix_path(const char *spec)
{
	const char *colon = strchr(spec, ':');

	if (colon == NULL)
		return (spec);
	if ((colon - spec == 4 && strncasecmp(spec, "unix", 4) == 0) ||
	    (colon - spec == 5 && strncasecmp(spec, "local", 5) == 0))
		return (colon + 1);
	return (NULL);
}

/* sup_user - resolve UserID "user[:group]" */
static int
sup_user(struct sup_state *st)
{
	const char *spec = st->conf->user;
	struct passwd *pw;
	struct group *gr;
	char *colon;

	if (spec == NULL || *spec == 0)
		return (0);
	if ((st->user_buf = strdup(spec)) == NULL)
		return (EX_OSERR);
	if ((colon = strchr(st->user_buf, ':')) != NULL)
		*colon++ = 0;
	if ((pw = getpwnam(st->user_buf)) == NULL) {
		pm_log(LOG_ERR, "UserID %s: no such user", st->user_buf);
		return (EX_NOUSER);
	}
	st->uid = pw->pw_uid;
	st->gid = pw->pw_gid;
	if (colon != NULL && *colon != 0) {
		if ((gr = getgrnam(colon)) == NULL) {
			pm_log(LOG_ERR, "UserID %s: no such group", spec);
			return (EX_NOUSER);
		}
		st->gid = gr->gr_gid;
	}
	st->user_name = st->user_buf;
	st->switch_user = 1;
	if (geteuid() != 0 && st->uid != geteuid()) {
		pm_log(LOG_ERR,
		    "UserID %s: only root can switch users (set UserID to"
		    " empty to run as the current user)",
		    spec);
		return (EX_NOPERM);
	}
	return (0);
}

/* sup_pidfile_open - open and lock the pidfile */
static int
sup_pidfile_open(struct sup_state *st)
{
	const char *path = st->conf->pidfile;
	char buf[32];
	ssize_t n;

	st->pidfd = -1;
	if (path == NULL || *path == 0)
		return (0);
	if ((st->pidfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		pm_log(LOG_ERR, "pidfile %s: %s", path, strerror(errno));
		return (EX_OSERR);
	}
	if (flock(st->pidfd, LOCK_EX | LOCK_NB) < 0) {
		n = read(st->pidfd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		buf[strcspn(buf, "\n")] = 0;
		pm_log(LOG_ERR,
		    "pidfile %s is held by another instance (pid %s):"
		    " not starting",
		    path, buf[0] ? buf : "unknown");
		close(st->pidfd);
		st->pidfd = -1;
		return (EX_UNAVAILABLE);
	}
	return (0);
}

/* sup_pidfile_write - our PID, after daemonising */
static int
sup_pidfile_write(struct sup_state *st)
{
	char buf[32];
	int len;

	if (st->pidfd < 0)
		return (0);
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(st->pidfd, 0) < 0 ||
	    pwrite(st->pidfd, buf, (size_t)len, 0) != len) {
		pm_log(LOG_ERR, "pidfile %s: %s", st->conf->pidfile,
		    strerror(errno));
		return (EX_OSERR);
	}
	return (0);
}

/* sup_probe - 1: a live process answers at path; 0: stale/none; -1: other */
static int
sup_probe(const char *path)
{
	struct sockaddr_un sun;
	struct stat sb;
	int fd, r;

	if (lstat(path, &sb) < 0)
		return (errno == ENOENT ? 0 : -1);
	if (!S_ISSOCK(sb.st_mode)) {
		pm_log(LOG_ERR,
		    "%s exists and is not a socket: not touching it", path);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	r = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	if (r == 0) {
		pm_log(LOG_ERR,
		    "socket %s is served by a running process: not taking"
		    " it over",
		    path);
		return (1);
	}
	if (errno == ECONNREFUSED) {
		pm_log(LOG_NOTICE, "socket %s is stale: replacing it", path);
		return (0);
	}
	pm_log(LOG_ERR, "socket %s: %s", path, strerror(errno));
	return (-1);
}

/* sup_socket - create the listening socket; see "Socket ownership" */
static int
sup_socket(struct sup_state *st)
{
	const struct config *conf = st->conf;
	const char *path;
	struct sockaddr_un sun;
	struct group *gr;
	struct stat sb;
	char *tmp = NULL, *spec = NULL;
	gid_t gid = (gid_t)-1;
	int r;

	if (conf->socket == NULL || *conf->socket == 0) {
		pm_log(LOG_ERR, "no Socket configured");
		return (EX_CONFIG);
	}
	path = sup_unix_path(conf->socket);
	if (cb_register(conf) < 0)
		return (EX_SOFTWARE);
	if (path == NULL) {
		/* inet/inet6: bind() refuses an address in use. */
		if (cb_listen(conf->socket, 0) < 0) {
			pm_log(LOG_ERR, "cannot listen on %s (in use?)",
			    conf->socket);
			return (EX_UNAVAILABLE);
		}
		return (0);
	}
	if (*path == 0 || strlen(path) >= sizeof(sun.sun_path)) {
		pm_log(
		    LOG_ERR, "Socket %s: bad or too long a path", conf->socket);
		return (EX_CONFIG);
	}
	if ((r = sup_probe(path)) != 0)
		return (r > 0 ? EX_UNAVAILABLE : EX_OSERR);
	if (conf->socket_group != NULL && *conf->socket_group != 0) {
		if ((gr = getgrnam(conf->socket_group)) != NULL)
			gid = gr->gr_gid;
		else
			pm_log(LOG_WARNING,
			    "SocketGroup %s: no such group; group left as is",
			    conf->socket_group);
	}

	/* Bind under a temporary name, then rename onto the path. */
	if (asprintf(&tmp, "%s.%ld.new", path, (long)getpid()) < 0) {
		tmp = NULL;
		return (EX_OSERR);
	}
	if (strlen(tmp) >= sizeof(sun.sun_path)) {
		pm_log(LOG_ERR,
		    "Socket %s: path too long for a temporary name beside it",
		    conf->socket);
		free(tmp);
		return (EX_CONFIG);
	}
	(void)unlink(tmp);
	if (asprintf(&spec, "unix:%s", tmp) < 0) {
		free(tmp);
		return (EX_OSERR);
	}
	r = cb_listen(spec, 0);
	free(spec);
	if (r < 0) {
		pm_log(
		    LOG_ERR, "cannot listen on %s: %s", tmp, strerror(errno));
		free(tmp);
		return (EX_OSERR);
	}
	if (chmod(tmp, conf->socket_mode) < 0 ||
	    ((st->switch_user || gid != (gid_t)-1) &&
	        chown(tmp, st->switch_user ? st->uid : (uid_t)-1, gid) < 0) ||
	    rename(tmp, path) < 0 || stat(path, &sb) < 0) {
		pm_log(LOG_ERR, "socket %s: %s", path, strerror(errno));
		(void)unlink(tmp);
		free(tmp);
		return (EX_OSERR);
	}
	free(tmp);
	if ((st->sock_path = strdup(path)) == NULL)
		return (EX_OSERR);
	st->sock_dev = sb.st_dev;
	st->sock_ino = sb.st_ino;
	return (0);
}

/* sup_cleanup - remove our socket (if still ours) and the pidfile */
static void
sup_cleanup(struct sup_state *st)
{
	struct stat sb;

	if (st->sock_path != NULL && stat(st->sock_path, &sb) == 0 &&
	    sb.st_dev == st->sock_dev && sb.st_ino == st->sock_ino)
		(void)unlink(st->sock_path);
	if (st->pidfd >= 0) {
		(void)unlink(st->conf->pidfile);
		close(st->pidfd);
		st->pidfd = -1;
	}
}

/* sup_close_fds - close inherited descriptors but the pidfile and socket */
static void
sup_close_fds(int keep)
{
	long max = sysconf(_SC_OPEN_MAX);
	socklen_t len;
	int fd, v;

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++) {
		if (fd == keep)
			continue;
		/* The listening socket is libmilter's; it stays. */
		len = sizeof(v);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
		    v != 0)
			continue;
		(void)close(fd);
	}
}

/* sup_daemonise - double fork, setsid, chdir /, close descriptors */
static int
sup_daemonise(int keep)
{
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
	sup_close_fds(keep);
	return (0);
}

/* sup_spawn - start a child; returns its pid, or -1 */
static pid_t
sup_spawn(struct sup_state *st, const struct sup_args *args,
    struct snapshot *first, int reload_now)
{
	pid_t parent = getpid(), pid;
	sigset_t set;

	if ((pid = fork()) != 0) {
		if (pid < 0)
			pm_log(LOG_ERR, "fork: %s", strerror(errno));
		return (pid);
	}

	/* The child. */ (void)setpgid(0, 0);
	if (st->pidfd >= 0)
		close(st->pidfd);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_SETMASK, &set, NULL);
	if (st->switch_user) {
		if (setgid(st->gid) < 0 ||
		    initgroups(st->user_name, st->gid) < 0 ||
		    setuid(st->uid) < 0) {
			pm_log(LOG_ERR, "cannot switch to user %s: %s",
			    st->conf->user, strerror(errno));
			_exit(EX_OSERR);
		}
		if (st->uid != 0 && setuid(0) == 0) {
			pm_log(LOG_ERR, "privileges not dropped");
			_exit(EX_SOFTWARE);
		}
	}
	/* After the user switch: a change of credentials clears it. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(EX_OSERR);
	exit(cb_run(args, first, reload_now, st->generation));
}

/* sup_escalate - a child that does not stop gets SIGTERM, then SIGKILL */
static void
sup_escalate(pid_t child, time_t waited, int *phase)
{
	if (*phase == 0 && waited >= SUP_STOP_TERM) {
		pm_log(LOG_WARNING,
		    "child %ld still running after %ld s: SIGTERM", (long)child,
		    (long)waited);
		(void)kill(child, SIGTERM);
		*phase = 1;
	} else if (*phase == 1 && waited >= SUP_STOP_KILL) {
		pm_log(LOG_ERR, "child %ld still running after %ld s: SIGKILL",
		    (long)child, (long)waited);
		(void)kill(child, SIGKILL);
		*phase = 2;
	}
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

/* sup_run - the supervisor; see DESCRIPTION */
int
sup_run(const struct sup_args *args, struct snapshot *first)
{
	struct sup_state st;
	sigset_t set;
	siginfo_t info;
	struct timespec ts;
	time_t *crashes, now, started = 0, restart_at = 0;
	unsigned backoff = 1, ncrash = 0, i, limit, window;
	pid_t child = -1, pid;
	int sig, status, rc = 0, stopping = 0, restarts = 0, stop_phase = 0;
	time_t stop_at = 0;
	char why[128];

	memset(&st, 0, sizeof(st));
	st.conf = first->conf;
	st.pidfd = -1;
	st.foreground = args->foreground || !st.conf->background;
	limit = st.conf->restart_limit;
	window = st.conf->restart_window;
	pm_log_init("privacy-milter", 1, st.conf->syslog_facility);
	pm_log_set_level(st.conf->log_level);
	if ((crashes = calloc((size_t)limit + 1, sizeof(*crashes))) == NULL)
		return (EX_OSERR);
	/* Generation numbers go on across child restarts. */
	st.generation = mmap(NULL, sizeof(*st.generation),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st.generation == MAP_FAILED)
		st.generation = NULL;

	if ((rc = sup_user(&st)) != 0 || (rc = sup_pidfile_open(&st)) != 0 ||
	    (rc = sup_socket(&st)) != 0)
		goto out;
	if (!st.foreground) {
		if (sup_daemonise(st.pidfd) < 0) {
			rc = EX_OSERR;
			goto out;
		}
		pm_log_init("privacy-milter", 0, st.conf->syslog_facility);
	}
	if ((rc = sup_pidfile_write(&st)) != 0)
		goto out;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	pm_log(LOG_NOTICE, "supervisor %ld started on %s%s%s", (long)getpid(),
	    st.conf->socket, st.switch_user ? ", child runs as " : "",
	    st.switch_user ? st.conf->user : "");

	for (;;) {
		now = time(NULL);
		if (child < 0 && !stopping && now >= restart_at) {
			if ((child = sup_spawn(
			         &st, args, first, restarts > 0)) < 0) {
				rc = EX_OSERR;
				break;
			}
			started = now;
			restarts++;
		}
		if (child < 0 && stopping)
			break;
		if (child > 0 && stopping)
			sup_escalate(child, now - stop_at, &stop_phase);
		ts.tv_sec =
		    child < 0 ? (restart_at > now ? restart_at - now : 0) : 1;
		ts.tv_nsec = 0;
		sig = sigtimedwait(&set, &info, &ts);
		if (sig < 0)
			continue;
		switch (sig) {
		case SIGHUP:
		case SIGUSR1:
			pm_log(LOG_INFO, "reload requested (signal %d)", sig);
			if (child > 0)
				(void)kill(child, SIGUSR1);
			break;
		case SIGTERM:
		case SIGINT:
			if (!stopping)
				pm_log(LOG_NOTICE,
				    "stopping on signal %d: waiting for the"
				    " sessions in progress",
				    sig);
			if (!stopping)
				stop_at = time(NULL);
			stopping = 1;
			if (child > 0)
				(void)kill(child, SIGUSR2);
			break;
		case SIGCHLD:
			while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
				if (pid != child)
					continue;
				child = -1;
				sup_describe(status, why, sizeof(why));
				if (stopping) {
					pm_log(WIFEXITED(status) &&
					            WEXITSTATUS(status) == 0
					        ? LOG_INFO
					        : LOG_WARNING,
					    "child %ld %s", (long)pid, why);
					break;
				}
				now = time(NULL);
				crashes[ncrash++ % (limit + 1)] = now;
				for (i = 0, sig = 0; i <= limit && i < ncrash;
				     i++)
					if (now - crashes[i] < (time_t)window)
						sig++;
				if ((unsigned)sig > limit) {
					pm_log(LOG_ERR,
					    "child %ld %s; %d exits within %u"
					    " seconds: giving up",
					    (long)pid, why, sig, window);
					rc = EX_SOFTWARE;
					goto out;
				}
				if (now - started >= (time_t)window)
					backoff = 1;
				pm_log(LOG_ERR,
				    "child %ld %s; restarting in %u s",
				    (long)pid, why, backoff);
				restart_at = now + backoff;
				backoff = backoff * 2 > SUP_BACKOFF_MAX
				    ? SUP_BACKOFF_MAX
				    : backoff * 2;
			}
			break;
		}
	}
	if (rc == 0)
		pm_log(LOG_NOTICE, "stopped");
out:
	if (child > 0) {
		(void)kill(child, SIGTERM);
		(void)waitpid(child, &status, 0);
	}
	sup_cleanup(&st);
	free(st.sock_path);
	free(st.user_buf);
	free(crashes);
	return (rc);
}
