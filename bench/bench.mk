# bench/bench.mk - make bench: random-read throughput of our library and
# its peers (today libkdumpfile) on the same dumps, as ratios.
#
#   make bench [BENCH_DUMPS="a.elf b.kdump"] [BENCH_READS=200000]
#              [BENCH_ROUNDS=3] [GUEST_OUT=/path/to/guest/output]
#
# Prints a table and writes it to $(BUILD)/bench/results.txt.  A dump
# that is missing is skipped with a note; a reader that cannot open a
# file is reported as such.  Numbers only: no test depends on them.

BENCH_DUMPS ?= $(addprefix $(GUEST_OUT)/,panic/vmcore panic/md-l-d31.kdump \
	panic/md-c-d0.kdump l4/qemu-kdump-zlib.flat l4/qemu.elf)
BENCH_READS ?= 200000
BENCH_ROUNDS ?= 3
BENCH_DIR := $(BUILD)/bench
BENCH_BIN := $(BENCH_DIR)/bench-read
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_LIBS := $(shell pkg-config --libs libkdumpfile 2>/dev/null || \
	echo -lkdumpfile)

$(BENCH_BIN): $(BENCH_SRCS) bench/bench.h $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(BENCH_SRCS) $(STLIB) \
		$(LIB_LIBS) $(BENCH_LIBS)

bench: $(BENCH_BIN)
	@dumps=; for d in $(BENCH_DUMPS); do \
		if [ -r "$$d" ]; then dumps="$$dumps $$d"; \
		else echo "bench: no $$d (skipped)"; fi; done; \
	if [ -z "$$dumps" ]; then \
		echo "bench: none of BENCH_DUMPS exists; make guest-dumps" \
		     "or set GUEST_OUT or BENCH_DUMPS"; exit 1; fi; \
	$(BENCH_BIN) -n $(BENCH_READS) -r $(BENCH_ROUNDS) \
		-o $(BENCH_DIR)/results.txt $$dumps

.PHONY: bench
