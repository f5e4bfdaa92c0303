/*++
/* NAME
/*	front 3
/* SUMMARY
/*	the child's front: MTA connections checked before libmilter
/* SYNOPSIS
/*	See include/front.h.
/* DESCRIPTION
/*	Implementation notes. One thread, one epoll set, level-triggered,
/*	non-blocking sockets. Each connection has two ends (the MTA's
/*	socket and the front's connection to libmilter, made when the
/*	first complete packet has passed) and two buffers:
/* .IP in
/*	what the MTA sent: [0, sent) written to libmilter, [sent, ok)
/*	checked and waiting to be written, [ok, len) the start of a packet
/*	not complete yet. Reading from the MTA pauses while more than
/*	FRONT_PENDING checked bytes wait, so a client that does not read
/*	its replies cannot make the front buffer without bound; an
/*	incomplete packet is at most MaxDataSize + 5 bytes (packet.h).
/* .IP out
/*	what libmilter answered and the MTA has not read yet; reading from
/*	libmilter pauses past FRONT_PENDING the same way.
/* .PP
/*	Connections are kept in a list ordered by their last activity
/*	(least recent first): the idle sweep and the eviction when file
/*	descriptors run short both look at its head only.
/*
/*	The knobs other threads turn (limits, refuse, stop) are atomics;
/*	front_stop() and front_refuse() write to an eventfd the loop
/*	polls, so the loop never sleeps through them.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "front.h"
#include "log.h"
#include "util.h"
#include "packet.h"

#define FRONT_PENDING (256 * 1024) /* bytes waiting before reads pause */
#define FRONT_READ 65536 /* bytes per read() */
#define FRONT_BUF_MIN 4096 /* a buffer's first size */
#define FRONT_EVICT_IDLE 1 /* seconds idle before a connection may go */
#define FRONT_LOG_EVERY 60 /* seconds between two lines of a kind */

/* A byte buffer; b is NULL while empty and unused. */
struct front_buf {
	unsigned char *b;
	size_t len;
	size_t cap;
	size_t sent; /* written to the other side */
	size_t ok; /* in: checked up to here */
};

struct front_conn;

/* One end of a connection, as epoll sees it. */
struct front_end {
	struct front_conn *c;
	int fd;
	uint32_t events; /* registered with epoll */
};

struct front_conn {
	struct front_end mta;
	struct front_end lm; /* fd -1: not connected (yet) */
	struct front_buf in; /* MTA -> libmilter */
	struct front_buf out; /* libmilter (or the front) -> MTA */
	time_t born;
	time_t last; /* last byte either way */
	int hello; /* a complete first packet arrived */
	int refused; /* answered by the front (stopping) */
	int closing; /* close once out is flushed */
	int connect_pending; /* libmilter's backlog was full */
	struct front_conn *prev, *next; /* by last activity */
};

static struct {
	pthread_t tid;
	int running;
	int epfd;
	int evfd; /* wakes the loop */
	int listen_fd;
	struct front_end listener;
	struct front_end waker;
	struct sockaddr_un lm_addr;
	struct front_conn *head, *tail; /* least recent first */
	size_t nconn; /* MTA connections */
	size_t nlm; /* connections to libmilter */
	int npending; /* connections waiting to connect to libmilter */
	rlim_t fd_limit;
	long long accept_paused_until; /* ms, 0: accepting */
	struct epoll_event *batch; /* events of the round in progress */
	int nbatch;
	struct pm_log_limit lim_accept, lim_near, lim_bad, lim_evict;
	atomic_size_t max_data;
	atomic_uint timeout;
	atomic_int refuse;
	atomic_int stop;
	atomic_size_t nconn_pub;
} fr;

/* front_now - monotonic seconds */
static time_t
front_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* front_now_ms - monotonic milliseconds */
static long long
front_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* front_forget - drop events of the round in progress for end e */
static void
front_forget(const struct front_end *e)
{
	int i;

	for (i = 0; i < fr.nbatch; i++)
		if (fr.batch[i].data.ptr == e)
			fr.batch[i].data.ptr = NULL;
}

/* front_watch - register the events wanted for an end (0: none) */
static void
front_watch(struct front_end *e, uint32_t events)
{
	struct epoll_event ev;

	if (e->fd < 0 || e->events == events)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = e;
	if (epoll_ctl(fr.epfd, EPOLL_CTL_MOD, e->fd, &ev) < 0)
		pm_panic(
		    "front: epoll_ctl MOD fd %d: %s", e->fd, strerror(errno));
	e->events = events;
}

/* front_add - put an end into the epoll set */
static int
front_add(struct front_end *e, uint32_t events)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.ptr = e;
	if (epoll_ctl(fr.epfd, EPOLL_CTL_ADD, e->fd, &ev) < 0)
		return (-1);
	e->events = events;
	return (0);
}

/* front_buf_room - make room for n more bytes; -1 when memory is out */
static int
front_buf_room(struct front_buf *b, size_t n)
{
	size_t need;

	if (b->sent > 0 && b->sent == b->len) {
		b->len = b->sent = b->ok = 0;
	} else if (b->sent > 0 && b->len + n > b->cap) {
		memmove(b->b, b->b + b->sent, b->len - b->sent);
		b->len -= b->sent;
		b->ok -= b->sent;
		b->sent = 0;
	}
	need = b->len + n;
	return (pm_grow(
	    &b->b, &b->cap, need > FRONT_BUF_MIN ? need : FRONT_BUF_MIN, 1));
}

/* front_buf_drop - forget what was sent; free a large idle buffer */
static void
front_buf_drop(struct front_buf *b)
{
	if (b->sent == 0 || b->sent != b->len)
		return;
	b->len = b->sent = b->ok = 0;
	if (b->cap > FRONT_READ) {
		free(b->b);
		b->b = NULL;
		b->cap = 0;
	}
}

/* front_touch - the connection was active: to the end of the list */
static void
front_touch(struct front_conn *c, time_t now)
{
	c->last = now;
	if (fr.tail == c)
		return;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		fr.head = c->next;
	c->next->prev = c->prev;
	c->prev = fr.tail;
	c->next = NULL;
	fr.tail->next = c;
	fr.tail = c;
}

/* front_close - close both ends and forget the connection */
static void
front_close(struct front_conn *c, const char *why)
{
	if (why != NULL)
		pm_log(LOG_DEBUG, "front: connection closed: %s", why);
	front_forget(&c->mta);
	front_forget(&c->lm);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		fr.head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		fr.tail = c->prev;
	close(c->mta.fd);
	fr.nconn--;
	if (c->lm.fd >= 0) {
		close(c->lm.fd);
		fr.nlm--;
	}
	if (c->connect_pending)
		fr.npending--;
	free(c->in.b);
	free(c->out.b);
	free(c);
	atomic_store(&fr.nconn_pub, fr.nconn);
}

/* front_fds_used - descriptors the connections cost (see front.h) */
static size_t
front_fds_used(void)
{
	return (fr.nconn + 2 * fr.nlm);
}

/* front_fds_left - whether n more descriptors fit under the limit */
static int
front_fds_fit(size_t n)
{
	return (front_fds_used() + n + FRONT_FD_RESERVE <= (size_t)fr.fd_limit);
}

/* front_evict - close the connection idle the longest (not keep) */
static int
front_evict(time_t now, const struct front_conn *keep)
{
	struct front_conn *c = fr.head;

	if (c != NULL && c == keep)
		c = c->next;
	if (c == NULL || now - c->last < FRONT_EVICT_IDLE)
		return (-1);
	pm_log_limited(&fr.lim_evict, FRONT_LOG_EVERY, LOG_WARNING,
	    "file descriptors: %zu connections use %zu of %lu: closing the"
	    " connection idle for %ld s",
	    fr.nconn, front_fds_used(), (unsigned long)fr.fd_limit,
	    (long)(now - c->last));
	front_close(c, "evicted");
	return (0);
}

/*
 * front_lm_connect - connect to libmilter; 0, or -1 (close), 1 (later)
 *
 * With may_evict, idle connections (never c) are closed to make room; the
 * sweep passes 0, as it walks the list that eviction would change.
 */
static int
front_lm_connect(struct front_conn *c, time_t now, int may_evict)
{
	int fd;

	while (may_evict && !front_fds_fit(2) && front_evict(now, c) == 0)
		;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		pm_log_limited(&fr.lim_accept, FRONT_LOG_EVERY, LOG_ERR,
		    "front: socket: %s (%zu connections)", strerror(errno),
		    fr.nconn);
		return (errno == EMFILE || errno == ENFILE ? 1 : -1);
	}
	if (connect(fd, (struct sockaddr *)&fr.lm_addr, sizeof(fr.lm_addr)) <
	    0) {
		int err = errno;

		close(fd);
		if (err == EAGAIN)
			return (1); /* libmilter's backlog is full */
		pm_log(LOG_ERR, "front: cannot reach libmilter at %s: %s",
		    fr.lm_addr.sun_path, strerror(err));
		return (-1);
	}
	c->lm.fd = fd;
	fr.nlm++;
	if (front_add(&c->lm, EPOLLIN) < 0) {
		pm_log(LOG_ERR, "front: epoll_ctl: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* front_queue - append bytes for the MTA (the front's own replies) */
static int
front_queue(struct front_conn *c, char cmd, const void *data, size_t len)
{
	unsigned char hdr[PACKET_HDR];
	uint32_t n = (uint32_t)len + 1;

	if (front_buf_room(&c->out, sizeof(hdr) + len) < 0)
		return (-1);
	hdr[0] = (unsigned char)(n >> 24);
	hdr[1] = (unsigned char)(n >> 16);
	hdr[2] = (unsigned char)(n >> 8);
	hdr[3] = (unsigned char)n;
	hdr[4] = (unsigned char)cmd;
	memcpy(c->out.b + c->out.len, hdr, sizeof(hdr));
	if (len > 0)
		memcpy(c->out.b + c->out.len + sizeof(hdr), data, len);
	c->out.len += sizeof(hdr) + len;
	return (0);
}

/*
 * front_refused_reply - what the front answers while stopping: the
 * negotiation (protocol 6, no actions, every step, replies to all), then
 * tempfail to every command that wants a reply.
 */
static int
front_refused_reply(struct front_conn *c, const struct packet *pk)
{
	unsigned char optneg[12] = {0, 0, 0, 6};

	switch (pk->cmd) {
	case 'O':
		/* The MTA's version if older than 6 (packet.h: 12 bytes). */
		if (memcmp(pk->data, optneg, 4) < 0)
			memcpy(optneg, pk->data, 4);
		return (front_queue(c, 'O', optneg, sizeof(optneg)));
	case 'D':
	case 'A':
		return (0);
	case 'Q':
	case 'K':
		c->closing = 1;
		return (0);
	default:
		return (front_queue(c, 't', NULL, 0));
	}
}

/* front_check - frame and check what arrived; -1: a bad packet */
static int
front_check(struct front_conn *c)
{
	struct front_buf *b = &c->in;
	struct packet pk;
	const char *why;
	size_t max = atomic_load(&fr.max_data);

	for (;;) {
		switch (
		    packet_next(b->b + b->ok, b->len - b->ok, max, &pk, &why)) {
		case PACKET_MORE:
			return (0);
		case PACKET_BAD:
			pm_log_limited(&fr.lim_bad, 1, LOG_WARNING,
			    "protocol error from the MTA: %s (command 0x%02x,"
			    " %zu bytes): connection closed",
			    why, (unsigned)(unsigned char)pk.cmd, pk.len);
			return (-1);
		case PACKET_OK:
			break;
		}
		c->hello = 1;
		if (c->refused) {
			if (front_refused_reply(c, &pk) < 0)
				return (-1);
			b->sent += pk.size; /* consumed here */
		}
		b->ok += pk.size;
	}
}

/* front_flush - write what one end has waiting for the other */
static int
front_flush(struct front_end *to, struct front_buf *b, size_t upto)
{
	ssize_t n;

	while (b->sent < upto) {
		n = send(to->fd, b->b + b->sent, upto - b->sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return (1);
		if (n <= 0)
			return (-1);
		b->sent += (size_t)n;
	}
	front_buf_drop(b);
	return (0);
}

/* front_update - the events each end wants now; -1: close */
static int
front_update(struct front_conn *c)
{
	uint32_t mta = 0, lm = 0;
	int r;

	/* MTA -> libmilter. */
	if (c->lm.fd >= 0 && c->in.sent < c->in.ok &&
	    (r = front_flush(&c->lm, &c->in, c->in.ok)) != 0) {
		if (r < 0)
			return (-1);
		lm |= EPOLLOUT;
	}
	/* libmilter (or the front) -> MTA. */
	if (c->out.sent < c->out.len &&
	    (r = front_flush(&c->mta, &c->out, c->out.len)) != 0) {
		if (r < 0)
			return (-1);
		mta |= EPOLLOUT;
	}
	if (c->closing && c->out.sent == c->out.len)
		return (-1);
	if (c->in.ok - c->in.sent < FRONT_PENDING && !c->closing)
		mta |= EPOLLIN;
	if (c->lm.fd >= 0 && c->out.len - c->out.sent < FRONT_PENDING)
		lm |= EPOLLIN;
	front_watch(&c->mta, mta);
	front_watch(&c->lm, lm);
	return (0);
}

/*
 * front_read - read once from fd into b; 0 EOF, -1 error, 1 data/again
 *
 * Into one buffer of the thread, then appended: a connection's buffer
 * grows to what it holds (a few KiB: packets are small), not to the
 * size of a read, so buffers are neither huge nor reallocated per read.
 */
static int
front_read(int fd, struct front_buf *b)
{
	static unsigned char scratch[FRONT_READ];
	ssize_t n;

	n = read(fd, scratch, sizeof(scratch));
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR ? 1 : -1);
	if (n == 0)
		return (0);
	if (front_buf_room(b, (size_t)n) < 0)
		return (-1);
	memcpy(b->b + b->len, scratch, (size_t)n);
	b->len += (size_t)n;
	return (1);
}

/* front_from_mta - the MTA sent something */
static void
front_from_mta(struct front_conn *c, time_t now)
{
	int r = front_read(c->mta.fd, &c->in);

	if (r <= 0) {
		front_close(c, r == 0 ? "the MTA closed" : "read error");
		return;
	}
	front_touch(c, now);
	if (front_check(c) < 0) {
		front_close(c, "protocol error");
		return;
	}
	if (c->lm.fd < 0 && !c->refused && !c->connect_pending &&
	    c->in.ok > c->in.sent) {
		r = front_lm_connect(c, now, 1);
		if (r < 0) {
			front_close(c, "libmilter unreachable");
			return;
		}
		if (r > 0) {
			c->connect_pending = 1;
			fr.npending++;
		}
	}
	if (front_update(c) < 0)
		front_close(c, "write error");
}

/* front_from_lm - libmilter answered */
static void
front_from_lm(struct front_conn *c, time_t now)
{
	int r = front_read(c->lm.fd, &c->out);

	if (r < 0) {
		front_close(c, "libmilter read error");
		return;
	}
	if (r == 0) {
		/* libmilter ended the session: flush, then close. */
		front_forget(&c->lm);
		epoll_ctl(fr.epfd, EPOLL_CTL_DEL, c->lm.fd, NULL);
		close(c->lm.fd);
		c->lm.fd = -1;
		fr.nlm--;
		c->closing = 1;
	}
	front_touch(c, now);
	if (front_update(c) < 0)
		front_close(c, r == 0 ? "libmilter closed" : "write error");
}

/* front_new - a new MTA connection */
static void
front_new(int fd, time_t now)
{
	struct front_conn *c;
	int one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	c->mta.c = c->lm.c = c;
	c->mta.fd = fd;
	c->lm.fd = -1;
	c->born = c->last = now;
	c->refused = atomic_load(&fr.refuse);
	if (front_add(&c->mta, EPOLLIN) < 0) {
		close(fd);
		free(c);
		return;
	}
	c->prev = fr.tail;
	if (fr.tail != NULL)
		fr.tail->next = c;
	else
		fr.head = c;
	fr.tail = c;
	fr.nconn++;
	atomic_store(&fr.nconn_pub, fr.nconn);
	if (!front_fds_fit(0))
		pm_log_limited(&fr.lim_near, FRONT_LOG_EVERY, LOG_WARNING,
		    "file descriptors: %zu connections use %zu of %lu",
		    fr.nconn, front_fds_used(), (unsigned long)fr.fd_limit);
	else if (front_fds_used() > (size_t)fr.fd_limit / 10 * 8)
		pm_log_limited(&fr.lim_near, FRONT_LOG_EVERY, LOG_WARNING,
		    "file descriptors: %zu connections use %zu of %lu (more"
		    " than 80 %%)",
		    fr.nconn, front_fds_used(), (unsigned long)fr.fd_limit);
}

/* front_accept - take the connections waiting on the public socket */
static void
front_accept(time_t now)
{
	int fd, err;

	for (;;) {
		while (!front_fds_fit(3) && front_evict(now, NULL) == 0)
			;
		if (!front_fds_fit(1))
			break;
		fd = accept4(
		    fr.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			front_new(fd, now);
			continue;
		}
		err = errno;
		if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR ||
		    err == ECONNABORTED)
			return;
		pm_log_limited(&fr.lim_accept, FRONT_LOG_EVERY, LOG_ERR,
		    "accept: %s (%zu connections, %zu of %lu descriptors)",
		    strerror(err), fr.nconn, front_fds_used(),
		    (unsigned long)fr.fd_limit);
		if ((err == EMFILE || err == ENFILE) &&
		    front_evict(now, NULL) == 0)
			continue;
		break;
	}
	/* Nothing to close: the MTA waits in the backlog a moment. */
	fr.accept_paused_until = front_now_ms() + 100;
	front_watch(&fr.listener, 0);
}

/* front_sweep - idle connections, first packets late, pending connects */
static void
front_sweep(time_t now)
{
	struct front_conn *c, *next;
	unsigned timeout = atomic_load(&fr.timeout);
	unsigned hello = timeout > 0 && timeout < FRONT_HELLO_SECS
	    ? timeout
	    : FRONT_HELLO_SECS;

	while ((c = fr.head) != NULL && timeout > 0 &&
	    now - c->last >= (time_t)timeout) {
		pm_log(LOG_INFO, "connection idle for %ld s: closed",
		    (long)(now - c->last));
		front_close(c, NULL);
	}
	for (c = fr.head; c != NULL; c = next) {
		next = c->next;
		if (!c->hello && now - c->born >= (time_t)hello) {
			pm_log(LOG_INFO,
			    "connection without a packet for %ld s: closed",
			    (long)(now - c->born));
			front_close(c, NULL);
			continue;
		}
		if (c->connect_pending) {
			int r = front_lm_connect(c, now, 0);

			if (r == 0 || r < 0) {
				c->connect_pending = 0;
				fr.npending--;
			}
			if (r < 0 || (r == 0 && front_update(c) < 0))
				front_close(c, "libmilter unreachable");
		}
	}
	if (fr.accept_paused_until != 0 &&
	    front_now_ms() >= fr.accept_paused_until) {
		fr.accept_paused_until = 0;
		front_watch(&fr.listener, EPOLLIN);
	}
}

/* front_event - one epoll event */
static void
front_event(struct epoll_event *ev, time_t now)
{
	struct front_end *e = ev->data.ptr;
	struct front_conn *c = e->c;

	if (e == &fr.listener) {
		front_accept(now);
		return;
	}
	if (e == &fr.waker) {
		uint64_t v;

		(void)read(fr.evfd, &v, sizeof(v));
		return;
	}
	if (e == &c->mta) {
		if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			front_from_mta(c, now);
		else if (front_update(c) < 0)
			front_close(c, "write error");
		return;
	}
	if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		front_from_lm(c, now);
	else if (front_update(c) < 0)
		front_close(c, "write error");
}

/* front_main - the front thread */
static void *
front_main(void *arg)
{
	struct epoll_event evs[64];
	time_t now, swept = 0;
	int n, i, wait_ms;

	(void)arg;
	while (!atomic_load(&fr.stop)) {
		wait_ms =
		    fr.npending > 0 || fr.accept_paused_until != 0 ? 10 : 1000;
		n = epoll_wait(fr.epfd, evs, 64, wait_ms);
		if (n < 0 && errno != EINTR)
			pm_panic("front: epoll_wait: %s", strerror(errno));
		now = front_now();
		fr.batch = evs;
		fr.nbatch = n > 0 ? n : 0;
		for (i = 0; i < n; i++) {
			/* NULL: an end closed earlier in this round. */
			if (evs[i].data.ptr != NULL)
				front_event(&evs[i], now);
		}
		fr.nbatch = 0;
		if (now != swept || fr.npending > 0 ||
		    fr.accept_paused_until != 0) {
			front_sweep(now);
			swept = now;
		}
	}
	while (fr.head != NULL)
		front_close(fr.head, NULL);
	return (NULL);
}

/* front_start - the front thread on listen_fd; libmilter at lm_path */
int
front_start(
    int listen_fd, const char *lm_path, size_t max_data, unsigned timeout)
{
	struct rlimit rl;
	int err;

	if (strlen(lm_path) >= sizeof(fr.lm_addr.sun_path)) {
		pm_log(LOG_ERR, "front: path too long: %s", lm_path);
		return (-1);
	}
	fr.lm_addr.sun_family = AF_UNIX;
	memcpy(fr.lm_addr.sun_path, lm_path, strlen(lm_path) + 1);
	fr.listen_fd = listen_fd;
	atomic_store(&fr.max_data, max_data);
	atomic_store(&fr.timeout, timeout);
	fr.fd_limit =
	    getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
	    ? rl.rlim_cur
	    : 1024;
	if (fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK) <
	        0 ||
	    (fr.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (fr.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0) {
		pm_log(LOG_ERR, "front: %s", strerror(errno));
		return (-1);
	}
	fr.listener.fd = listen_fd;
	fr.waker.fd = fr.evfd;
	if (front_add(&fr.listener, EPOLLIN) < 0 ||
	    front_add(&fr.waker, EPOLLIN) < 0) {
		pm_log(LOG_ERR, "front: epoll_ctl: %s", strerror(errno));
		return (-1);
	}
	if ((err = pthread_create(&fr.tid, NULL, front_main, NULL)) != 0) {
		pm_log(LOG_ERR, "front: cannot start the thread: %s",
		    strerror(err));
		return (-1);
	}
	fr.running = 1;
	return (0);
}

/* front_poke - wake the loop */
static void
front_poke(void)
{
	uint64_t one = 1;

	(void)write(fr.evfd, &one, sizeof(one));
}

/* front_set_limits - MaxDataSize and MilterTimeout after a reload */
void
front_set_limits(size_t max_data, unsigned timeout)
{
	atomic_store(&fr.max_data, max_data);
	atomic_store(&fr.timeout, timeout);
}

/* front_refuse - answer new connections with tempfail from now on */
void
front_refuse(void)
{
	atomic_store(&fr.refuse, 1);
	if (fr.running)
		front_poke();
}

/* front_stop - close every connection, join the thread */
void
front_stop(void)
{
	if (!fr.running)
		return;
	atomic_store(&fr.stop, 1);
	front_poke();
	pthread_join(fr.tid, NULL);
	fr.running = 0;
}

/* front_connections - MTA connections held */
size_t
front_connections(void)
{
	return (atomic_load(&fr.nconn_pub));
}
