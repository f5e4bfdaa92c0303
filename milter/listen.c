/*++
/* NAME
/*	listen 3
/* SUMMARY
/*	the public milter socket
/* SYNOPSIS
/*	See include/listen.h.
/* DESCRIPTION
/*	Implementation notes: an inet host is resolved with getaddrinfo()
/*	and the first address is used, as libmilter does. The backlog is
/*	SOMAXCONN, libmilter's default.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sysexits.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"

/* listen_unix_path - the path of a unix: or local: spec, NULL for inet */
static const char *
listen_unix_path(const char *spec)
{
	const char *colon = strchr(spec, ':');

	if (colon == NULL)
		return (spec);
	if ((colon - spec == 4 && strncasecmp(spec, "unix", 4) == 0) ||
	    (colon - spec == 5 && strncasecmp(spec, "local", 5) == 0))
		return (colon + 1);
	return (NULL);
}

/* listen_probe - 1: a live process answers at path; 0: stale/none; -1 */
static int
listen_probe(const char *path)
{
	struct sockaddr_un sun;
	struct stat sb;
	int fd, r, e;

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
	e = errno;
	close(fd);
	if (r == 0) {
		pm_log(LOG_ERR,
		    "socket %s is served by a running process: not taking"
		    " it over",
		    path);
		return (1);
	}
	if (e == ECONNREFUSED) {
		pm_log(LOG_NOTICE, "socket %s is stale: replacing it", path);
		return (0);
	}
	pm_log(LOG_ERR, "socket %s: %s", path, strerror(e));
	return (-1);
}

/* listen_bind_unix - a listening unix socket bound to path */
static int
listen_bind_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return (-1);
	}
	return (fd);
}

/* listen_open_unix - bind beside path, set owner and mode, rename */
static int
listen_open_unix(const char *spec, const char *path, unsigned mode,
    const char *group, int set_owner, uid_t owner, struct listen_sock *ls)
{
	struct sockaddr_un sun;
	struct group *gr;
	struct stat sb;
	char *tmp = NULL;
	gid_t gid = (gid_t)-1;
	int r;

	if (*path == 0 || strlen(path) + 32 >= sizeof(sun.sun_path)) {
		pm_log(LOG_ERR,
		    "Socket %s: bad or too long a path (a temporary name"
		    " beside it must fit in %zu bytes)",
		    spec, sizeof(sun.sun_path) - 1);
		return (EX_CONFIG);
	}
	if ((r = listen_probe(path)) != 0)
		return (r > 0 ? EX_UNAVAILABLE : EX_OSERR);
	if (group != NULL && *group != 0) {
		if ((gr = getgrnam(group)) != NULL)
			gid = gr->gr_gid;
		else
			pm_log(LOG_WARNING,
			    "SocketGroup %s: no such group; group left as is",
			    group);
	}
	if (asprintf(&tmp, "%s.%ld.new", path, (long)getpid()) < 0)
		return (EX_OSERR);
	(void)unlink(tmp);
	if ((ls->fd = listen_bind_unix(tmp)) < 0) {
		pm_log(
		    LOG_ERR, "cannot listen on %s: %s", tmp, strerror(errno));
		free(tmp);
		return (EX_OSERR);
	}
	if (chmod(tmp, mode) < 0 ||
	    ((set_owner || gid != (gid_t)-1) &&
	        chown(tmp, set_owner ? owner : (uid_t)-1, gid) < 0) ||
	    rename(tmp, path) < 0 || stat(path, &sb) < 0) {
		pm_log(LOG_ERR, "socket %s: %s", path, strerror(errno));
		(void)unlink(tmp);
		free(tmp);
		close(ls->fd);
		ls->fd = -1;
		return (EX_OSERR);
	}
	free(tmp);
	if ((ls->path = strdup(path)) == NULL)
		return (EX_OSERR);
	ls->dev = sb.st_dev;
	ls->ino = sb.st_ino;
	return (0);
}

/* listen_open_inet - inet:port[@host] or inet6:port[@host] */
static int
listen_open_inet(const char *spec, struct listen_sock *ls)
{
	struct addrinfo hints, *res = NULL;
	const char *colon = strchr(spec, ':');
	char port[16], *host = NULL;
	const char *at;
	int one = 1, r;

	at = strchr(colon + 1, '@');
	if ((size_t)(at != NULL ? at - colon - 1 : (long)strlen(colon + 1)) >=
	    sizeof(port)) {
		pm_log(LOG_ERR, "Socket %s: bad port", spec);
		return (EX_CONFIG);
	}
	snprintf(port, sizeof(port), "%.*s",
	    (int)(at != NULL ? at - colon - 1 : (long)strlen(colon + 1)),
	    colon + 1);
	if (at != NULL && (host = strdup(at + 1)) == NULL)
		return (EX_OSERR);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = colon - spec == 5 ? AF_INET6 : AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	r = getaddrinfo(host, port, &hints, &res);
	free(host);
	if (r != 0) {
		pm_log(LOG_ERR, "Socket %s: %s", spec, gai_strerror(r));
		return (EX_CONFIG);
	}
	ls->fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	if (ls->fd < 0 ||
	    setsockopt(ls->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) <
	        0 ||
	    bind(ls->fd, res->ai_addr, res->ai_addrlen) < 0 ||
	    listen(ls->fd, SOMAXCONN) < 0) {
		pm_log(LOG_ERR, "cannot listen on %s (in use?): %s", spec,
		    strerror(errno));
		freeaddrinfo(res);
		if (ls->fd >= 0)
			close(ls->fd);
		ls->fd = -1;
		return (EX_UNAVAILABLE);
	}
	freeaddrinfo(res);
	return (0);
}

/* listen_open - the listening socket for spec */
int
listen_open(const char *spec, unsigned mode, const char *group, int set_owner,
    uid_t owner, struct listen_sock *ls)
{
	const char *path;

	memset(ls, 0, sizeof(*ls));
	ls->fd = -1;
	if (spec == NULL || *spec == 0) {
		pm_log(LOG_ERR, "no Socket configured");
		return (EX_CONFIG);
	}
	if ((path = listen_unix_path(spec)) != NULL)
		return (listen_open_unix(
		    spec, path, mode, group, set_owner, owner, ls));
	return (listen_open_inet(spec, ls));
}

/* listen_cleanup - close; remove the unix path if still ours */
void
listen_cleanup(struct listen_sock *ls)
{
	struct stat sb;

	if (ls->path != NULL && stat(ls->path, &sb) == 0 &&
	    sb.st_dev == ls->dev && sb.st_ino == ls->ino)
		(void)unlink(ls->path);
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = -1;
	free(ls->path);
	ls->path = NULL;
}
