# tests/golden -- automake fragment, included by the top-level Makefile.am
