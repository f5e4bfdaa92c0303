/* callbacks.c -- placeholder; the implementation lands with its issue. */
