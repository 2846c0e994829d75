#!/bin/bash
# demo.sh: what "make demo" runs. Builds (or reuses) the 6.12 KASAN test
# kernel, builds pagetrail and the test cases against it, boots a QEMU VM,
# and shows two annotated KASAN reports, a lookup and the stats.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ver=${PAGETRAIL_DEMO_VERSION:-6.12}
arch=x86_64

log "demo: installing what is missing (apt)"
bash "$PT_TOP/scripts/deps.sh"
log "demo: kernel $ver (cached after the first build; 4 to 8 minutes cold on 2 cores)"
kdir=$(bash "$PT_TOP/scripts/build-kernel.sh" "$ver" "$arch")

work=$PT_CACHE/work/demo-$ver-$arch
rm -rf "$work"
mkdir -p "$work/stage"
stage_modules "$kdir" "$work" "$arch" module tests/cases
cp "$PT_TOP/tests/demo/guest-main.sh" "$work/stage/guest-main.sh"
bash "$PT_TOP/scripts/mkinitramfs.sh" "$work/initrd.cpio.gz" "$work/stage"

log "demo: booting the VM (QEMU, about 10 seconds)"
bash "$PT_TOP/scripts/run-guest.sh" -k "$kdir/arch/x86/boot/bzImage" \
	-i "$work/initrd.cpio.gz" -l "$work/serial.log" -t 180 || true
grep -q PAGETRAIL-GUEST-DONE "$work/serial.log" ||
	die "the guest did not finish; serial log: $work/serial.log"

# Everything after userspace started, minus KASAN's register and shadow dumps.
sed -n '/^Run \/init/,/PAGETRAIL-GUEST-DONE/p' "$work/serial.log" |
	grep -vE '^(RIP|Code|RSP|RAX|RDX|RBP|R10|R13|FS|CS|CR2|raw):|^ ?[>]?[0-9a-f]{16}:|^ +\^$|^ \? |PAGETRAIL-GUEST-DONE|^Run /init'

cat <<TXT

What you just saw ($(cat "$kdir/include/config/kernel.release"), KASAN generic, QEMU):
- pagetrail was insmod-ed into a running KASAN kernel: no rebuild, no boot option.
- Each "BUG: KASAN" report is followed by pagetrail's block: the page's pfn and
  state, the stack that last allocated it and the stack that last freed it.
  For the use-after-free, the free stack shows who freed the page; for the
  double free, the free stack shows the first kfree().
- lookup prints the same block for any pfn, phys or virt address on demand.
- stats: 8 bytes per tracked page (mode=both); mode=last keeps 4.
Full serial log: $work/serial.log
Run the tests with: make check
TXT
