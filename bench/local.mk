# bench -- automake fragment, included by the top-level Makefile.am
#
# The benchmark tools are built by "make" (CI builds them). "make bench"
# runs bench/run (the full run, one table, minutes); "make bench-smoke"
# runs each tool for seconds (bench/smoke), and "make check" runs the
# same smoke as a test, and one short round through a real Postfix as
# another (bench/postfix-smoke: skipped without root or Postfix).

BENCH_CFLAGS = $(AM_CFLAGS)

noinst_PROGRAMS += bench/loadclient bench/noop-naive bench/noop-opt \
	bench/engine-bench
TESTS += bench/smoke bench/postfix-smoke

bench_loadclient_SOURCES = bench/loadclient.c bench/benchmsg.h
bench_loadclient_CFLAGS = $(BENCH_CFLAGS)

bench_noop_naive_SOURCES = bench/noop-naive.c
bench_noop_naive_CFLAGS = $(BENCH_CFLAGS)
bench_noop_naive_LDADD = $(MILTER_LIBS)

bench_noop_opt_SOURCES = bench/noop-opt.c
bench_noop_opt_CFLAGS = $(BENCH_CFLAGS)
bench_noop_opt_LDADD = $(MILTER_LIBS)

bench_engine_bench_SOURCES = bench/engine-bench.c bench/benchmsg.h
bench_engine_bench_CFLAGS = $(BENCH_CFLAGS) \
	-DEB_DEFAULT_RULES='"$(abs_top_srcdir)/rules/default.rules"'
bench_engine_bench_LDADD = $(CORE_LIBS)

EXTRA_DIST += BENCHMARKS.md bench/run bench/smoke bench/postfix-smoke bench/postfix-bench \
	bench/bench.conf

BENCH_TOOLS = bench/loadclient bench/noop-naive bench/noop-opt \
	bench/engine-bench privacy-milter

.PHONY: bench bench-smoke
bench: $(BENCH_TOOLS)
	BENCH_BUILDDIR="$(abs_top_builddir)" $(SHELL) $(srcdir)/bench/run

bench-smoke: $(BENCH_TOOLS)
	BENCH_BUILDDIR="$(abs_top_builddir)" $(SHELL) $(srcdir)/bench/smoke
