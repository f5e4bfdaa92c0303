/*++
/* NAME
/*	fuzz_config 1
/* SUMMARY
/*	libFuzzer target: the configuration parser
/* SYNOPSIS
/*	fuzz_config [libFuzzer options] [CORPUS...]
/* DESCRIPTION
/*	config_load() reads a path, so each input is written to one
/*	temporary file per process (on /dev/shm when it exists, else
/*	TMPDIR or /tmp), created once and rewritten for every input, then
/*	loaded with no overrides and once more with overrides taken from
/*	the input's lines that hold a '=' (as -o Key=value would give).
/*
/*	Invariants: config_load() returns NULL if and only if an error
/*	was reported; every diagnostic about the file names a line.
/*--*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "util.h"

#define MAX_OVERRIDES 16

static char path[256];

/* cleanup - remove the temporary file at exit */
static void
cleanup(void)
{
	if (path[0])
		unlink(path);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	if (access("/dev/shm", W_OK) == 0)
		dir = "/dev/shm";
	else if (dir == NULL)
		dir = "/tmp";
	snprintf(
	    path, sizeof(path), "%s/pm-fuzz-config.%ld", dir, (long)getpid());
	atexit(cleanup);
	return (0);
}

/* load - one config_load() with the checks */
static void
load(const char *const *ov, size_t nov)
{
	struct pm_diags diags = {0};
	struct config *c;
	char line[2048];
	size_t i;

	c = config_load(path, ov, nov, &diags);
	FUZZ_ASSERT((c == NULL) == (pm_diags_errors(&diags) > 0));
	for (i = 0; i < diags.n; i++) {
		FUZZ_ASSERT(diags.v[i].msg != NULL);
		if (diags.v[i].file != NULL &&
		    strcmp(diags.v[i].file, path) == 0)
			FUZZ_ASSERT(diags.v[i].line > 0);
		pm_diag_format(&diags.v[i], line, sizeof(line));
	}
	config_free(c);
	pm_diags_free(&diags);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *fp;
	char *text, *ov[MAX_OVERRIDES], *p, *nl;
	size_t nov = 0;

	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	if (fclose(fp) != 0)
		abort();
	load(NULL, 0);

	/* The same lines as overrides. */
	text = fuzz_strdup(data, size);
	for (p = text; *p && nov < MAX_OVERRIDES; p = nl + 1) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = 0;
		if (strchr(p, '=') != NULL)
			ov[nov++] = p;
		if (nl == NULL)
			break;
	}
	if (nov > 0)
		load((const char *const *)ov, nov);
	free(text);
	return (0);
}
