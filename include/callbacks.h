/*++
/* NAME
/*	callbacks 3h
/* SUMMARY
/*	libmilter glue: the child process
/* SYNOPSIS
/*	#include "callbacks.h"
/* DESCRIPTION
/*	cb_run() registers the filter, installs the first snapshot and
/*	runs smfi_main(); reload requests arrive as SIGUSR1 or on the
/*	supervisor's pipe. Returns the child's exit status.
/*--*/
#ifndef PM_CALLBACKS_H
#define PM_CALLBACKS_H

#include "supervisor.h"

int	cb_run(const struct sup_args *, struct snapshot *first, int reload_fd);

#endif
