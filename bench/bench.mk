# bench/bench.mk - benchmarks; numbers only, nothing here passes or fails
# and `make check` runs none of it.
#
#   make bench        capture and random reads on a realistic dump: a 1 GiB
#                     guest (bench/guest.sh, made once and kept under
#                     $(BUILD)/bench/guest), captured by mkdumpctl (each
#                     codec, 1 and 2 threads), makedumpfile -c/-l and
#                     zstd -1, at -d 0 and -d 31 (bench/capture.sh).
#                     Prints markdown tables and keeps them in
#                     $(BUILD)/bench/results.md.  [REPS=2] best of REPS.
#                     Then the analyser's first look at a dump against
#                     crash and drgn (bench-analyze).
#   make bench-guest  only make the dump
#   make bench-analyze  mkdump-analyze -c 'sys; bt -a; ps; log' (no
#                     debuginfo) against crash and drgn doing the same
#                     with the debug vmlinux, on the test bed's dumps
#                     [BENCH_AN_DUMPS=...]; wall time and peak RSS as
#                     ratios (bench/analyze.sh); $(BUILD)/bench/analyze.md
#   make bench-read   random-read throughput of our library against
#                     libkdumpfile on the test bed's dumps, as ratios
#                     [BENCH_DUMPS="a.elf b.kdump"] [BENCH_READS=200000]
#                     [BENCH_ROUNDS=3]; table in $(BUILD)/bench/read.txt

BENCH_DUMPS ?= $(addprefix $(GUEST_OUT)/,panic/vmcore panic/md-l-d31.kdump \
	panic/md-c-d0.kdump l4/qemu-kdump-zlib.flat l4/qemu.elf)
BENCH_READS ?= 200000
BENCH_ROUNDS ?= 3
BENCH_DIR := $(BUILD)/bench
BENCH_BIN := $(BENCH_DIR)/bench-read
BENCH_SRCS := bench/bench-read.c bench/read-mkdump.c bench/read-kdumpfile.c
BENCH_LIBS := $(shell pkg-config --libs libkdumpfile 2>/dev/null || \
	echo -lkdumpfile)
BENCH_ELF := $(BENCH_DIR)/guest/qemu.elf

$(BENCH_BIN): $(BENCH_SRCS) bench/bench.h $(STLIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(BENCH_SRCS) $(STLIB) \
		$(LIB_LIBS) $(BENCH_LIBS)

$(BENCH_ELF): bench/guest.sh bench/load.sh bench/fill.c \
		bench/vmcore-layout.py $(GUEST_INITRD)/initrd-base.cpio \
		$(GUEST_DIR)/run-live.sh $(GUEST_DIR)/qmp.py \
		$(GUEST_DIR)/truth.py $(GUEST_DIR)/mkcpio.py $(GUEST_LIB)
	$(GUEST_LOCK) bench/guest.sh $(GUEST_OUT) $(BENCH_DIR)

bench-guest: $(BENCH_ELF)

BENCH_AN_DUMPS ?= $(addprefix $(GUEST_OUT)/,panic/vmcore panic/md-l-d31.kdump)

bench: all $(BENCH_BIN) $(BENCH_ELF)
	BUILD=$(BUILD) bench/capture.sh $(BENCH_ELF) | \
		tee $(BENCH_DIR)/results.md
	@$(MAKE) --no-print-directory bench-analyze

bench-analyze: all guest-dumps guest-vmlinux-dbg
	@mkdir -p $(BENCH_DIR)
	BUILD=$(BUILD) GUEST_OUT=$(GUEST_OUT) MKD_CACHE=$(MKD_CACHE) \
		bench/analyze.sh $(BENCH_AN_DUMPS) | tee $(BENCH_DIR)/analyze.md

bench-read: $(BENCH_BIN)
	@dumps=; for d in $(BENCH_DUMPS); do \
		if [ -r "$$d" ]; then dumps="$$dumps $$d"; \
		else echo "bench: no $$d (skipped)"; fi; done; \
	if [ -z "$$dumps" ]; then \
		echo "bench: none of BENCH_DUMPS exists; make guest-dumps" \
		     "or set GUEST_OUT or BENCH_DUMPS"; exit 1; fi; \
	$(BENCH_BIN) -n $(BENCH_READS) -r $(BENCH_ROUNDS) \
		-o $(BENCH_DIR)/read.txt $$dumps

.PHONY: bench bench-guest bench-read bench-analyze
