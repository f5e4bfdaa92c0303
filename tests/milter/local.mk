# tests/milter -- automake fragment, included by the top-level Makefile.am
#
# The shared engine-parameter helper (milter/params.c) is part of the pure
# core: the milter's end-of-message callback and the offline tester both
# use it.
libpmcore_a_SOURCES += milter/params.c include/params.h
