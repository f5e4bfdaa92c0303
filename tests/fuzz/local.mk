# tests/fuzz -- automake fragment, included by the top-level Makefile.am
