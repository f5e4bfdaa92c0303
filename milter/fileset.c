/*++
/* NAME
/*	fileset 3
/* SUMMARY
/*	the bytes of the files one snapshot was read from
/* SYNOPSIS
/*	See include/fileset.h.
/* DESCRIPTION
/*	Implementation notes. A set is an array of (path, mode, bytes),
/*	looked up by a linear search: a snapshot reads a handful of files.
/*	The flat copy is a header (magic, count, total size) followed by
/*	one record per file: path length, mode, data length (32, 32 and 64
/*	bits, host order: it only ever travels between a process and its
/*	own children), the path, the data. fileset_unflatten() checks every
/*	length against the size it is given.
/*--*/
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileset.h"

#define FILESET_MAGIC 0x70666c31u /* "pfl1" */

struct fileset_file {
	char *path;
	mode_t mode;
	unsigned char *data;
	size_t len;
};

struct fileset {
	struct fileset_file *v;
	size_t n;
	size_t total; /* bytes of data */
};

struct fileset_hdr {
	uint32_t magic;
	uint32_t n;
	uint64_t total;
};

struct fileset_rec {
	uint32_t path_len;
	uint32_t mode;
	uint64_t len;
};

static _Thread_local struct fileset *fs_cur;
static _Thread_local int fs_replay;

/* fileset_new - an empty set */
struct fileset *
fileset_new(void)
{
	return (calloc(1, sizeof(struct fileset)));
}

/* fileset_free - wipe and free */
void
fileset_free(struct fileset *fs)
{
	size_t i;

	if (fs == NULL)
		return;
	for (i = 0; i < fs->n; i++) {
		if (fs->v[i].data != NULL)
			explicit_bzero(fs->v[i].data, fs->v[i].len);
		free(fs->v[i].data);
		free(fs->v[i].path);
	}
	free(fs->v);
	free(fs);
}

/* fileset_begin - this thread's loaders read through fs */
void
fileset_begin(struct fileset *fs, int replay)
{
	fs_cur = fs;
	fs_replay = replay;
}

/* fileset_end - back to plain reads */
void
fileset_end(void)
{
	fs_cur = NULL;
	fs_replay = 0;
}

/* fileset_find - the record of path, or NULL */
static const struct fileset_file *
fileset_find(const struct fileset *fs, const char *path)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].path, path) == 0)
			return (&fs->v[i]);
	return (NULL);
}

/* fileset_add - record a copy of what was read */
static int
fileset_add(
    struct fileset *fs, const char *path, mode_t mode, const struct pm_buf *buf)
{
	struct fileset_file *nv, *f;

	if ((nv = realloc(fs->v, (fs->n + 1) * sizeof(*nv))) == NULL)
		return (-1);
	fs->v = nv;
	f = &fs->v[fs->n];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(path)) == NULL ||
	    (buf->len > 0 && (f->data = malloc(buf->len)) == NULL)) {
		free(f->path);
		return (-1);
	}
	if (buf->len > 0)
		memcpy(f->data, buf->s, buf->len);
	f->len = buf->len;
	f->mode = mode;
	fs->n++;
	fs->total += buf->len;
	return (0);
}

/* fileset_read_fd - the whole of fd into out, at most max bytes */
static int
fileset_read_fd(int fd, size_t max, struct pm_buf *out)
{
	char chunk[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return (-1);
		if (n == 0)
			return (0);
		if (out->len + (size_t)n > max) {
			errno = EFBIG;
			return (-1);
		}
		if (pm_buf_append(out, chunk, (size_t)n) < 0) {
			errno = ENOMEM;
			return (-1);
		}
	}
}

/* fileset_read_file - open, check and read path */
static int
fileset_read_file(
    const char *path, size_t max, struct pm_buf *out, mode_t *mode)
{
	struct stat st;
	int fd, r, err;

	if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return (-1);
	if (fstat(fd, &st) < 0) {
		err = errno;
		close(fd);
		errno = err;
		return (-1);
	}
	*mode = st.st_mode;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return (-1);
	}
	r = fileset_read_fd(fd, max, out);
	err = errno;
	close(fd);
	errno = err;
	return (r);
}

/* fileset_read - read a file, recording or replaying it */
int
fileset_read(const char *path, struct pm_buf *out, mode_t *mode)
{
	const struct fileset_file *f;
	mode_t m = 0;
	size_t max = FILESET_MAX;

	pm_buf_reset(out);
	if (mode != NULL)
		*mode = 0;
	if (fs_cur != NULL && fs_replay) {
		if ((f = fileset_find(fs_cur, path)) == NULL) {
			errno = ENOENT;
			return (-1);
		}
		if (mode != NULL)
			*mode = f->mode;
		if (f->len > 0 &&
		    pm_buf_append(out, (const char *)f->data, f->len) < 0) {
			errno = ENOMEM;
			return (-1);
		}
		return (0);
	}
	if (fs_cur != NULL)
		max = fs_cur->total < FILESET_MAX ? FILESET_MAX - fs_cur->total
		                                  : 0;
	if (fileset_read_file(path, max, out, &m) < 0) {
		if (mode != NULL)
			*mode = m;
		return (-1);
	}
	if (mode != NULL)
		*mode = m;
	if (fs_cur != NULL && fileset_add(fs_cur, path, m, out) < 0) {
		errno = ENOMEM;
		return (-1);
	}
	return (0);
}

/* fileset_npaths - number of files recorded */
size_t
fileset_npaths(const struct fileset *fs)
{
	return (fs->n);
}

/* fileset_path - the i-th path recorded */
const char *
fileset_path(const struct fileset *fs, size_t i)
{
	return (i < fs->n ? fs->v[i].path : NULL);
}

/* fileset_flat_size - bytes of the flat copy */
size_t
fileset_flat_size(const struct fileset *fs)
{
	size_t i, size = sizeof(struct fileset_hdr);

	for (i = 0; i < fs->n; i++)
		size += sizeof(struct fileset_rec) + strlen(fs->v[i].path) +
		    fs->v[i].len;
	return (size);
}

/* fileset_flatten - write the flat copy to mem */
void
fileset_flatten(const struct fileset *fs, void *mem)
{
	struct fileset_hdr h;
	struct fileset_rec r;
	unsigned char *p = mem;
	size_t i;

	h.magic = FILESET_MAGIC;
	h.n = (uint32_t)fs->n;
	h.total = fs->total;
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	for (i = 0; i < fs->n; i++) {
		r.path_len = (uint32_t)strlen(fs->v[i].path);
		r.mode = (uint32_t)fs->v[i].mode;
		r.len = fs->v[i].len;
		memcpy(p, &r, sizeof(r));
		p += sizeof(r);
		memcpy(p, fs->v[i].path, r.path_len);
		p += r.path_len;
		if (r.len > 0)
			memcpy(p, fs->v[i].data, (size_t)r.len);
		p += r.len;
	}
}

/* fileset_unflatten - a set from a flat copy of len bytes */
struct fileset *
fileset_unflatten(const void *mem, size_t len)
{
	const unsigned char *p = mem, *end = p + len;
	struct fileset *fs;
	struct fileset_hdr h;
	struct fileset_rec r;
	struct pm_buf buf = PM_BUF_INIT;
	char *path;
	uint32_t i;

	if (len < sizeof(h))
		return (NULL);
	memcpy(&h, p, sizeof(h));
	p += sizeof(h);
	if (h.magic != FILESET_MAGIC || (fs = fileset_new()) == NULL)
		return (NULL);
	for (i = 0; i < h.n; i++) {
		if ((size_t)(end - p) < sizeof(r))
			goto bad;
		memcpy(&r, p, sizeof(r));
		p += sizeof(r);
		if ((size_t)(end - p) < r.path_len ||
		    (size_t)(end - p) - r.path_len < r.len)
			goto bad;
		if ((path = strndup((const char *)p, r.path_len)) == NULL)
			goto bad;
		p += r.path_len;
		pm_buf_reset(&buf);
		if ((r.len > 0 &&
		        pm_buf_append(&buf, (const char *)p, (size_t)r.len) <
		            0) ||
		    fileset_add(fs, path, (mode_t)r.mode, &buf) < 0) {
			free(path);
			goto bad;
		}
		free(path);
		p += r.len;
	}
	if (buf.s != NULL)
		explicit_bzero(buf.s, buf.cap);
	pm_buf_free(&buf);
	return (fs);
bad:
	if (buf.s != NULL)
		explicit_bzero(buf.s, buf.cap);
	pm_buf_free(&buf);
	fileset_free(fs);
	return (NULL);
}
