/*++
/* NAME
/*	statsfile 3
/* SUMMARY
/*	the memory of the counters
/* SYNOPSIS
/*	See include/statsfile.h.
/* DESCRIPTION
/*	Implementation notes. A file rather than anonymous shared memory
/*	(lastgood.h) because two readers are not the supervisor's children
/*	by a plain fork: --stats, and the metrics process once it dropped
/*	its writable view. On tmpfs (/run) the file is memory; pages never
/*	written (most rule slots) cost nothing. The memfd of the nameless
/*	case is sealed with F_SEAL_FUTURE_WRITE (Linux 5.1): mappings made
/*	after the seal cannot be made writable, those made before (ours,
/*	inherited by the children) stay writable.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"
#include "statsfile.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* statsfile_map - map fd shared, read-write or read-only */
static void *
statsfile_map(int fd, int prot)
{
	void *p = mmap(NULL, stats_size(), prot, MAP_SHARED, fd, 0);

	return (p == MAP_FAILED ? NULL : p);
}

/* statsfile_memfd - memory without a name */
static int
statsfile_memfd(struct statsfile *sf)
{
	int fd;

	if ((fd = memfd_create("privacy-milter-stats",
	         MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0 ||
	    ftruncate(fd, (off_t)stats_size()) < 0 ||
	    (sf->st = statsfile_map(fd, PROT_READ | PROT_WRITE)) == NULL) {
		pm_log(LOG_ERR, "cannot make memory for the counters: %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return (EX_OSERR);
	}
	if (fcntl(fd, F_ADD_SEALS,
	        F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE) < 0)
		pm_log(LOG_DEBUG, "counters: memory not sealed: %s",
		    strerror(errno));
	sf->ro_fd = fd;
	return (0);
}

/* statsfile_fail - log, undo a half-made file */
static int
statsfile_fail(struct statsfile *sf, const char *tmp, int fd, const char *what)
{
	pm_log(
	    LOG_ERR, "StatsFile %s: %s: %s", sf->path, what, strerror(errno));
	if (sf->st != NULL)
		(void)munmap(sf->st, stats_size());
	sf->st = NULL;
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		(void)unlink(tmp);
	return (EX_OSERR);
}

/* statsfile_create - make, map and publish the file (see statsfile.h) */
int
statsfile_create(
    struct statsfile *sf, const char *path, int set_group, gid_t gid)
{
	struct stat sb;
	char *tmp;
	int fd, rc;

	sf->st = NULL;
	sf->ro_fd = -1;
	if (path == NULL)
		return (statsfile_memfd(sf));
	if ((sf->path = strdup(path)) == NULL ||
	    asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return (EX_OSERR);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		rc = statsfile_fail(sf, NULL, -1, "cannot create it");
		free(tmp);
		return (rc);
	}
	if (fchmod(fd, 0640) < 0 ||
	    (set_group && fchown(fd, (uid_t)-1, gid) < 0) ||
	    ftruncate(fd, (off_t)stats_size()) < 0 ||
	    (sf->st = statsfile_map(fd, PROT_READ | PROT_WRITE)) == NULL ||
	    fstat(fd, &sb) < 0 || rename(tmp, path) < 0) {
		rc = statsfile_fail(sf, tmp, fd, "cannot make it");
		free(tmp);
		return (rc);
	}
	free(tmp);
	close(fd);
	sf->dev = sb.st_dev;
	sf->ino = sb.st_ino;
	if ((sf->ro_fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return (statsfile_fail(sf, path, -1, "cannot open it again"));
	return (0);
}

/* statsfile_close - unmap, close, remove the file if still ours */
void
statsfile_close(struct statsfile *sf)
{
	struct stat sb;

	if (sf->st != NULL)
		(void)munmap(sf->st, stats_size());
	sf->st = NULL;
	if (sf->ro_fd >= 0)
		close(sf->ro_fd);
	sf->ro_fd = -1;
	if (sf->path != NULL && lstat(sf->path, &sb) == 0 &&
	    sb.st_dev == sf->dev && sb.st_ino == sf->ino)
		(void)unlink(sf->path);
	free(sf->path);
	sf->path = NULL;
}

/* statsfile_map_ro - a read-only view of the counters */
const struct stats *
statsfile_map_ro(int fd)
{
	return (statsfile_map(fd, PROT_READ));
}

/* statsfile_open - the counters in path, read-only (--stats) */
const struct stats *
statsfile_open(const char *path, struct pm_error *err)
{
	const struct stats *st;
	struct stat sb;
	void *p;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		pm_error_set(err, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (is privacy-milter running?)" : "");
		return (NULL);
	}
	if (fstat(fd, &sb) < 0 || (size_t)sb.st_size != stats_size() ||
	    (p = statsfile_map(fd, PROT_READ)) == NULL) {
		pm_error_set(err,
		    "%s: not the counters of this version of privacy-milter",
		    path);
		close(fd);
		return (NULL);
	}
	close(fd);
	if ((st = stats_check(p, stats_size())) == NULL) {
		(void)munmap(p, stats_size());
		pm_error_set(err,
		    "%s: not the counters of this version of privacy-milter",
		    path);
	}
	return (st);
}

/* statsfile_unmap - release a read-only view */
void
statsfile_unmap(const struct stats *st)
{
	if (st != NULL)
		(void)munmap((void *)st, stats_size());
}

/* statsfile_report - --stats: the table of the counters in path */
int
statsfile_report(const char *path, FILE *out, FILE *err)
{
	struct pm_buf b = PM_BUF_INIT;
	const struct stats *st;
	struct pm_error e;
	int running, rc;

	if ((st = statsfile_open(path, &e)) == NULL) {
		fprintf(err, "privacy-milter: %s\n", e.text);
		return (EX_UNAVAILABLE);
	}
	/* EPERM: alive, as another user. */
	running = kill((pid_t)stats_pid(st), 0) == 0 || errno == EPERM;
	rc = stats_format_table(st, time(NULL), running, &b);
	statsfile_unmap(st);
	if (rc < 0) {
		fprintf(err, "privacy-milter: out of memory\n");
		pm_buf_free(&b);
		return (EX_OSERR);
	}
	fprintf(out, "counters            %s\n%s", path, b.s);
	pm_buf_free(&b);
	return (0);
}
