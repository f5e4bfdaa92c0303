# tests/e2e -- automake fragment, included by the top-level Makefile.am
