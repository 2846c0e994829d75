# SPDX-License-Identifier: GPL-2.0
# pagetrail: out-of-tree kernel module and its test bed.
#
#   make [KDIR=...]   build module/ against KDIR (default: the running kernel)
#                     cross: make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=...
#   make install      install pagetrail.ko under /lib/modules/<release>/extra
#   make clean
#   make check        the test bed: KASAN kernels in QEMU (6.1, 6.12, 6.18
#                     x86_64; 6.6, 6.12 arm64; generic KASAN)
#   make check-all    5.15, 6.1, 6.6, 6.12, 6.18 on x86_64 and arm64, arm64
#                     software tag-based KASAN on 6.6, 6.12, 6.18, and a
#                     PREEMPT_RT + lockdep 6.12 kernel
#   make symbols      the module's undefined symbols per kernel line
#   make demo         annotated KASAN reports in a QEMU VM (6.12)
#   make bench        cost per alloc/free pair, of a whole-system workload and
#                     bytes per page: pagetrail against page_owner on 6.12
#                     x86_64 with and without KASAN and arm64 KASAN VMs
#                     (deterministic TCG)
#   make stress       long reliability run on a lockdep/kmemleak debug kernel
KDIR ?= /lib/modules/$(shell uname -r)/build
MODDIR := $(CURDIR)/module
KMAKE = $(MAKE) -C $(KDIR) M=$(MODDIR) \
	$(if $(ARCH),ARCH=$(ARCH)) $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

.PHONY: all modules kdir-check install clean check check-all symbols demo bench stress

all: modules

modules: kdir-check
	$(KMAKE) modules

# Say what is wrong with KDIR before kbuild says it less clearly.
KCONF = $(KDIR)/include/config/auto.conf
kdir-check:
	@test -d "$(KDIR)" || { echo "pagetrail: KDIR=$(KDIR) does not exist:" \
		"install the headers of the running kernel or pass KDIR=<kernel build dir>" >&2; exit 1; }
	@test -f "$(KDIR)/Module.symvers" || { echo "pagetrail: $(KDIR) has no Module.symvers:" \
		"run 'make modules' there (modules_prepare alone does not write it)" >&2; exit 1; }
	@test ! -f "$(KCONF)" || grep -q '^CONFIG_STACKDEPOT=y' "$(KCONF)" || { \
		echo "pagetrail: the kernel lacks CONFIG_STACKDEPOT (KASAN or PAGE_OWNER select it)" >&2; exit 1; }
	@test ! -f "$(KCONF)" || grep -qE '^CONFIG_(TRACEPOINTS|DYNAMIC_FTRACE)=y' "$(KCONF)" || { \
		echo "pagetrail: the kernel has neither CONFIG_TRACEPOINTS nor CONFIG_DYNAMIC_FTRACE" >&2; exit 1; }
	@test ! -f "$(KCONF)" || grep -qE '^CONFIG_KASAN=y' "$(KCONF)" || \
		echo "pagetrail: note: the kernel has no CONFIG_KASAN: reports will not be annotated, lookup still works" >&2

install: modules
	$(KMAKE) INSTALL_MOD_DIR=extra modules_install

clean:
	$(KMAKE) clean

check:
	bash scripts/check.sh

CHECK_ALL_TARGETS = 5.15:x86_64 6.1:x86_64 6.6:x86_64 6.12:x86_64 6.18:x86_64 \
	5.15:arm64 6.1:arm64 6.6:arm64 6.12:arm64 6.12:arm64:pac 6.18:arm64 \
	6.6:arm64:sw-tags 6.12:arm64:sw-tags 6.18:arm64:sw-tags 6.12:x86_64:rt
check-all:
	PAGETRAIL_TARGETS="$(CHECK_ALL_TARGETS)" bash scripts/check.sh

symbols:
	bash scripts/symbols.sh

demo:
	bash scripts/demo.sh

bench:
	bash scripts/bench.sh

stress:
	bash scripts/stress.sh
