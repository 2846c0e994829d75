# SPDX-License-Identifier: GPL-2.0
# pagetrail: out-of-tree kernel module and its test bed.
#
#   make [KDIR=...]   build module/ against KDIR (default: the running kernel)
#   make clean
#   make check        the test bed: KASAN kernels 6.1 and 6.12 in QEMU
#   make demo         annotated KASAN reports in a QEMU VM (6.12)
KDIR ?= /lib/modules/$(shell uname -r)/build
MODDIR := $(CURDIR)/module
KMAKE = $(MAKE) -C $(KDIR) M=$(MODDIR) \
	$(if $(ARCH),ARCH=$(ARCH)) $(if $(CROSS_COMPILE),CROSS_COMPILE=$(CROSS_COMPILE))

.PHONY: all modules clean check demo

all: modules

modules:
ifneq ($(wildcard $(MODDIR)/Kbuild $(MODDIR)/Makefile),)
	$(KMAKE) modules
else
	@echo "module/ has no Kbuild or Makefile yet; nothing to build"
endif

clean:
ifneq ($(wildcard $(MODDIR)/Kbuild $(MODDIR)/Makefile),)
	$(KMAKE) clean
endif

check:
	bash scripts/check.sh

demo:
	bash scripts/demo.sh
