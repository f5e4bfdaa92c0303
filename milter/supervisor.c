/* supervisor.c -- placeholder until the daemon issue; see include/supervisor.h. */
#include <stdio.h>

#include "supervisor.h"

int
sup_run(const struct sup_args *args, struct snapshot *first)
{
	(void)args;
	(void)first;
	fprintf(stderr, "privacy-milter: daemon mode not built yet\n");
	return (70);
}
