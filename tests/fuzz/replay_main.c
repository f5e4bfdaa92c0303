/*++
/* NAME
/*	replay_main 1
/* SUMMARY
/*	run files through a fuzz target without libFuzzer
/* SYNOPSIS
/*	replay_TARGET FILE|DIR...
/* DESCRIPTION
/*	Calls LLVMFuzzerInitialize() once, then LLVMFuzzerTestOneInput()
/*	once per regular file named, or per regular file inside a named
/*	directory (sorted by name, not recursive). This is how the seed
/*	corpora and the inputs of past crashes (tests/fuzz/regress/)
/*	run in "make check" with any compiler and under valgrind or the
/*	sanitizers.
/* DIAGNOSTICS
/*	Prints "replay: N inputs" and exits 0; a crashing input aborts
/*	(its name is printed first); 2 when a file cannot be read.
/*--*/
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t ninputs;

/* replay_file - run one file through the target */
static int
replay_file(const char *path)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	for (;;) {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap + 65536);

			if (nb == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				exit(2);
			}
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(fp);
		free(buf);
		return (-1);
	}
	fclose(fp);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	ninputs++;
	return (0);
}

static int
cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* replay_dir - every regular file of a directory, sorted */
static int
replay_dir(const char *dir)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, i;
	struct stat st;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof(*names))) == NULL ||
		    (nn[n] = strdup(de->d_name)) == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			exit(2);
		}
		names = nn;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(path) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return (rc);
}

int
main(int argc, char **argv)
{
	struct stat st;
	int i, rc = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 2;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i]) < 0)
				rc = 2;
		} else if (replay_file(argv[i]) < 0)
			rc = 2;
	}
	printf("replay: %zu inputs\n", ninputs);
	return (rc);
}
