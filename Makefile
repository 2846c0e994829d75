# SPDX-License-Identifier: GPL-2.0
# pagetrail: out-of-tree kernel module and its test bed.
#
#   make [KDIR=...]   build module/ against KDIR (default: the running kernel);
#                     KERNEL_SRC=... is the same (Android's name for it)
#                     cross: make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=...
#                     a clang-built kernel (CONFIG_CC_IS_CLANG) is built with
#                     clang: the kernel's clang-MAJOR or clang, else LLVM=...
#   make install      install pagetrail.ko under /lib/modules/<release>/extra
#   make modules_install [INSTALL_MOD_PATH=<stage>]  the same, into a staging
#                     directory (vendor_dlkm); signed where the kernel signs
#   make clean
#   make check        the test bed: KASAN kernels in QEMU (6.1, 6.12, 6.18
#                     x86_64 and 6.6 arm64, generic KASAN; 6.12 arm64 built
#                     as GKI: clang, kCFI, SCS, PAC, BTI, hardware tags,
#                     signed modules, exports trimmed to the KMI lists)
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
#   make deb          the Debian package pagetrail-dkms (DKMS builds the module
#                     for each kernel): out/deb/pagetrail-dkms_<version>-1_all.deb
ifneq ($(KERNEL_SRC),)
KDIR ?= $(KERNEL_SRC)
endif
KDIR ?= /lib/modules/$(shell uname -r)/build
MODDIR := $(CURDIR)/module
# The version, kept in one place: MODULE_VERSION in module/main.c.
# dkms.conf and debian/changelog repeat it; debian/check-version (run by
# every package build) fails when they disagree.
PAGETRAIL_VERSION := $(shell sed -n 's/^MODULE_VERSION("\([^"]*\)");$$/\1/p' $(MODDIR)/main.c)

# A module must be built by the kernel's own compiler: for a clang kernel,
# LLVM=-MAJOR when clang-MAJOR is here (Debian's names), else LLVM=1 when
# "clang" is that major version; otherwise kdir-check stops and says so.
KCLANG := $(shell sed -n 's/^CONFIG_CLANG_VERSION=\([1-9][0-9]*\)$$/\1/p' $(KDIR)/.config 2>/dev/null)
ifneq ($(KCLANG),)
ifeq ($(origin LLVM),undefined)
KCLANG_MAJOR := $(shell echo $$(( $(KCLANG) / 10000 )))
ifneq ($(shell command -v clang-$(KCLANG_MAJOR)),)
LLVM := -$(KCLANG_MAJOR)
else ifeq ($(shell clang -dumpversion 2>/dev/null | cut -d. -f1),$(KCLANG_MAJOR))
LLVM := 1
else
LLVM_MISSING := 1
endif
endif
endif

KMAKE = $(MAKE) -C $(KDIR) M=$(MODDIR) \
	$(if $(ARCH),ARCH=$(ARCH)) $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE)) \
	$(if $(LLVM),LLVM=$(LLVM)) $(if $(INSTALL_MOD_PATH),INSTALL_MOD_PATH=$(INSTALL_MOD_PATH))

.PHONY: all modules kdir-check install modules_install clean check check-all \
	symbols demo bench stress

all: modules

modules: kdir-check
	+$(KMAKE) modules

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
	@test -z "$(LLVM_MISSING)" || { echo "pagetrail: $(KDIR) was built with clang" \
		"$(KCLANG_MAJOR) and neither clang-$(KCLANG_MAJOR) nor a clang of that version" \
		"is in PATH: put the kernel's clang in PATH and pass LLVM=1" >&2; exit 1; }
	@test ! -f "$(KCONF)" || grep -qE '^CONFIG_KASAN=y' "$(KCONF)" || \
		echo "pagetrail: note: the kernel has no CONFIG_KASAN: reports will not be annotated, lookup still works" >&2

# INSTALL_MOD_PATH=<stage> installs under <stage>/lib/modules/<release>/extra,
# as vendor modules are staged; kbuild signs the module where the kernel's
# .config asks for it (CONFIG_MODULE_SIG_ALL) with the tree's key.
install modules_install: modules
	+$(KMAKE) INSTALL_MOD_DIR=extra modules_install

clean:
	$(KMAKE) clean

check:
	bash scripts/check.sh

CHECK_ALL_TARGETS = 5.15:x86_64 6.1:x86_64 6.6:x86_64 6.12:x86_64 6.18:x86_64 \
	5.15:arm64 6.1:arm64 6.6:arm64 6.12:arm64 6.12:arm64:pac 6.18:arm64 \
	6.12:arm64:hw-tags+gki 6.12:arm64:hw-tags+gki+lto 6.6:arm64:hw-tags \
	6.18:arm64:hw-tags \
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

# The package is built from a copy of what it ships (module/, dkms.conf,
# this Makefile, LICENSE; NEWS and README as its documentation) and debian/,
# in out/deb/pagetrail-<version>/, so the tree stays clean; the .deb and its
# .changes/.buildinfo land in out/deb/. Needs debhelper and dh-dkms.
DEB_OUT = $(CURDIR)/out/deb
DEB_SRC = $(DEB_OUT)/pagetrail-$(PAGETRAIL_VERSION)
.PHONY: deb
deb:
	@test -n "$(PAGETRAIL_VERSION)" || { echo "pagetrail: no MODULE_VERSION in module/main.c" >&2; exit 1; }
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_SRC)
	tar -c --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.o.d' --exclude=modules.order \
		--exclude=Module.symvers --exclude=.tmp_versions \
		--exclude=debian/.debhelper --exclude=debian/pagetrail-dkms \
		--exclude=debian/files --exclude='debian/*.substvars' \
		--exclude='debian/*.debhelper*' --exclude=debian/debhelper-build-stamp \
		module dkms.conf Makefile LICENSE NEWS README debian | tar -C $(DEB_SRC) -x
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	rm -rf $(DEB_SRC)
	@ls $(DEB_OUT)/pagetrail-dkms_*.deb
