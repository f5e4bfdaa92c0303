/*++
/* NAME
/*	snapshot 3
/* SUMMARY
/*	one consistent, reference-counted set of config, rules and key
/* DESCRIPTION
/*	The contract is in include/snapshot.h.
/*--*/
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot.h"

/* snapshot_free - release everything */
static void
snapshot_free(struct snapshot *snap)
{
	config_free(snap->conf);
	rules_unref(snap->rules);
	pseudonym_key_free(snap->key);
	free(snap->authserv_id);
	free(snap);
}

/* host_name - gethostname() into a malloc'ed string */
static char *
host_name(void)
{
	char buf[HOST_NAME_MAX + 1];

	if (gethostname(buf, sizeof(buf)) < 0 || buf[0] == 0)
		return (strdup("localhost"));
	buf[sizeof(buf) - 1] = 0;
	return (strdup(buf));
}

/* snapshot_load - config, rules and key as one snapshot */
struct snapshot *
snapshot_load(const char *conf_path, const char *const *overrides,
    size_t noverrides, struct pm_diags *diags)
{
	struct rules_options ropts;
	struct snapshot *snap;
	struct pm_error err;

	if ((snap = calloc(1, sizeof(*snap))) == NULL) {
		pm_diag_add(
		    diags, PM_ERROR, conf_path, 0, 0, "%s", strerror(ENOMEM));
		return (NULL);
	}
	atomic_init(&snap->refs, 1);
	snap->conf = config_load(conf_path, overrides, noverrides, diags);
	if (snap->conf == NULL)
		goto fail;

	/* Rules, with the limits the configuration sets. */
	memset(&ropts, 0, sizeof(ropts));
	ropts.strict = snap->conf->strict;
	ropts.jit = snap->conf->jit;
	ropts.match_limit = snap->conf->match_limit;
	ropts.depth_limit = snap->conf->depth_limit;
	snap->rules = rules_load((const char *const *)snap->conf->rules_files,
	    snap->conf->nrules_files, &ropts, diags);
	if (snap->rules == NULL)
		goto fail;

	/* The pseudonym key, when configured. */
	if (snap->conf->pseudonym_key_file != NULL) {
		snap->key =
		    pseudonym_key_load(snap->conf->pseudonym_key_file, &err);
		if (snap->key == NULL) {
			pm_diag_add(
			    diags, PM_ERROR, NULL, 0, 0, "%s", err.text);
			goto fail;
		}
	}

	snap->authserv_id = snap->conf->authserv_id != NULL
	    ? strdup(snap->conf->authserv_id)
	    : host_name();
	if (snap->authserv_id == NULL) {
		pm_diag_add(
		    diags, PM_ERROR, conf_path, 0, 0, "%s", strerror(ENOMEM));
		goto fail;
	}
	return (snap);

fail:
	snapshot_free(snap);
	return (NULL);
}

/* snapshot_ref - one more reference */
void
snapshot_ref(struct snapshot *snap)
{
	if (snap != NULL)
		atomic_fetch_add_explicit(&snap->refs, 1, memory_order_relaxed);
}

/* snapshot_unref - one reference less; free at zero */
void
snapshot_unref(struct snapshot *snap)
{
	if (snap == NULL)
		return;
	if (atomic_fetch_sub_explicit(&snap->refs, 1, memory_order_acq_rel) ==
	    1)
		snapshot_free(snap);
}
