/*++
/* NAME
/*	user 3
/* SUMMARY
/*	UserID: the child's user, the privilege drop, what it can read
/* SYNOPSIS
/*	See include/user.h.
/* DESCRIPTION
/*	Implementation notes: user_unreadable()'s probe process writes one
/*	int (0 or an errno value) per path to a pipe and exits; it never
/*	returns into the caller's code.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#include "fileset.h"
#include "log.h"
#include "user.h"

/* user_resolve - look up "user[:group]" */
int
user_resolve(const char *spec, struct user *u)
{
	struct passwd *pw;
	struct group *gr;
	char *colon;

	memset(u, 0, sizeof(*u));
	if (spec == NULL || *spec == 0)
		return (0);
	if ((u->name = strdup(spec)) == NULL ||
	    (u->spec = strdup(spec)) == NULL)
		return (EX_OSERR);
	if ((colon = strchr(u->name, ':')) != NULL)
		*colon++ = 0;
	if ((pw = getpwnam(u->name)) == NULL) {
		pm_log(LOG_ERR, "UserID %s: no such user", u->name);
		return (EX_NOUSER);
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	if (colon != NULL && *colon != 0) {
		if ((gr = getgrnam(colon)) == NULL) {
			pm_log(LOG_ERR, "UserID %s: no such group", spec);
			return (EX_NOUSER);
		}
		u->gid = gr->gr_gid;
	}
	u->set = 1;
	if (geteuid() != 0 && u->uid != geteuid()) {
		pm_log(LOG_ERR,
		    "UserID %s: only root can switch users (set UserID to"
		    " empty to run as the current user)",
		    spec);
		return (EX_NOPERM);
	}
	return (0);
}

/* user_drop - become u for good */
int
user_drop(const struct user *u)
{
	if (!u->set)
		return (0);
	if (setgid(u->gid) < 0 || initgroups(u->name, u->gid) < 0 ||
	    setuid(u->uid) < 0) {
		pm_log(LOG_ERR, "cannot switch to user %s: %s", u->spec,
		    strerror(errno));
		return (-1);
	}
	if (u->uid != 0 && setuid(0) == 0) {
		pm_log(LOG_ERR, "privileges not dropped");
		return (-1);
	}
	return (0);
}

/* user_probe - in the probe process: try each path as u */
static void
user_probe(const struct user *u, const char *const *paths, size_t n, int wfd)
{
	size_t i;
	int fd, err;

	if (user_drop(u) < 0)
		_exit(1);
	for (i = 0; i < n; i++) {
		fd = open(paths[i], O_RDONLY | O_NOCTTY | O_NONBLOCK);
		err = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		if (write(wfd, &err, sizeof(err)) != sizeof(err))
			_exit(1);
	}
	_exit(0);
}

/* user_unreadable - which paths u cannot read */
int
user_unreadable(const struct user *u, const char *const *paths, size_t n,
    void (*report)(const char *path, int err, void *arg), void *arg)
{
	int fds[2], err, status, bad = 0;
	size_t i;
	pid_t pid;

	if (!u->set || n == 0)
		return (0);
	if (pipe(fds) < 0)
		return (-1);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return (-1);
	}
	if (pid == 0) {
		close(fds[0]);
		user_probe(u, paths, n, fds[1]);
	}
	close(fds[1]);
	for (i = 0; i < n; i++) {
		if (read(fds[0], &err, sizeof(err)) != sizeof(err)) {
			bad = -1;
			break;
		}
		if (err != 0) {
			report(paths[i], err, arg);
			bad++;
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return (bad);
}

/* user_unreadable_files - user_unreadable() for the paths a fileset read */
int
user_unreadable_files(const struct user *u, const struct fileset *fs,
    void (*report)(const char *path, int err, void *arg), void *arg)
{
	const char **paths;
	size_t i, n = fileset_npaths(fs);
	int r;

	if (!u->set || n == 0)
		return (0);
	if ((paths = calloc(n, sizeof(*paths))) == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		paths[i] = fileset_path(fs, i);
	r = user_unreadable(u, paths, n, report, arg);
	free(paths);
	return (r);
}

/* user_free - release what user_resolve() kept */
void
user_free(struct user *u)
{
	free(u->name);
	free(u->spec);
	u->name = u->spec = NULL;
}
