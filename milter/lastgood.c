/*++
/* NAME
/*	lastgood 3
/* SUMMARY
/*	what one child leaves for the next
/* SYNOPSIS
/*	See include/lastgood.h.
/* DESCRIPTION
/*	Implementation notes: one mapping, a header page then two slots.
/*	Only the child in charge writes (one child at a time: the
/*	supervisor starts the next only after the last one is reaped),
/*	and only its control thread (reloads); the switch to a new slot is
/*	one atomic store after the bytes are in place.
/*--*/
#include "pm_autoconf.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "lastgood.h"
#include "log.h"

#define LASTGOOD_SLOT ((size_t)FILESET_MAX + 256 * 1024)
#define LASTGOOD_HDR 4096

struct lastgood {
	atomic_uint slot; /* the slot with the record */
	size_t len[2]; /* bytes of each slot's record, 0: none */
	atomic_ulong generation;
	atomic_int ready;
};

/* lastgood_slot - the start of slot i */
static unsigned char *
lastgood_slot(struct lastgood *lg, unsigned i)
{
	return ((unsigned char *)lg + LASTGOOD_HDR + i * LASTGOOD_SLOT);
}

/* lastgood_create - the shared mapping */
struct lastgood *
lastgood_create(void)
{
	struct lastgood *lg;

	lg =
	    mmap(NULL, LASTGOOD_HDR + 2 * LASTGOOD_SLOT, PROT_READ | PROT_WRITE,
	        MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (lg == MAP_FAILED) {
		pm_log(LOG_ERR, "cannot map memory for the last good rules: %s",
		    strerror(errno));
		return (NULL);
	}
	atomic_init(&lg->slot, 0);
	atomic_init(&lg->generation, 0);
	atomic_init(&lg->ready, 0);
	return (lg);
}

/* lastgood_save - record fs in the free slot, then switch to it */
int
lastgood_save(struct lastgood *lg, const struct fileset *fs)
{
	unsigned next = 1 - atomic_load(&lg->slot);
	size_t size = fileset_flat_size(fs);

	if (size > LASTGOOD_SLOT)
		return (-1);
	fileset_flatten(fs, lastgood_slot(lg, next));
	lg->len[next] = size;
	atomic_store(&lg->slot, next);
	return (0);
}

/* lastgood_load - a fileset of the record, for replay */
struct fileset *
lastgood_load(struct lastgood *lg)
{
	unsigned cur = atomic_load(&lg->slot);

	if (lg->len[cur] == 0)
		return (NULL);
	return (fileset_unflatten(lastgood_slot(lg, cur), lg->len[cur]));
}

/* lastgood_generation - the shared counter */
atomic_ulong *
lastgood_generation(struct lastgood *lg)
{
	return (&lg->generation);
}

/* lastgood_set_ready - the child in charge is (not) ready */
void
lastgood_set_ready(struct lastgood *lg, int ready)
{
	atomic_store(&lg->ready, ready);
}

/* lastgood_ready - whether the child in charge got ready */
int
lastgood_ready(struct lastgood *lg)
{
	return (atomic_load(&lg->ready));
}

/* lastgood_unmap - give the mapping up in this process */
void
lastgood_unmap(struct lastgood *lg)
{
	if (lg != NULL)
		(void)munmap(lg, LASTGOOD_HDR + 2 * LASTGOOD_SLOT);
}
