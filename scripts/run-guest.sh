#!/bin/bash
# run-guest.sh -k KERNEL -i INITRD -l LOG [-a "KERNEL PARAMS"] [-t SECONDS]
#              [-s SMP] [-m MEM] [-A ARCH] [-M MACHINE] [-I]
#
# Boots KERNEL with INITRD in QEMU, serial console into LOG, and always
# terminates: on timeout appends PAGETRAIL-GUEST-TIMEOUT to LOG and returns
# non-zero. Uses KVM only when a cached probe boot showed that it works (nested
# KVM on some hosts hangs after the BIOS), TCG otherwise. PAGETRAIL_ACCEL=tcg
# or =kvm forces the choice. -A arm64 boots arch/arm64/boot/Image with
# qemu-system-aarch64 -M virt -cpu max (always TCG; -M virt,mte=on for
# hardware tag-based KASAN); the default is x86_64. -I runs TCG with
# "-icount shift=0,sleep=off" (one vCPU at a time, guest time = executed
# instructions, 1 ns each) so that timings repeat from run to run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n '2,3p' "$0" | sed 's/^# //' >&2
	exit 2
}

kernel= initrd= extra= logf= tmo=300 smp=2 mem=1G arch=x86_64 machine= icount=
while getopts k:i:a:l:t:s:m:A:M:Ih opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	a) extra=$OPTARG ;;
	l) logf=$OPTARG ;;
	t) tmo=$OPTARG ;;
	s) smp=$OPTARG ;;
	m) mem=$OPTARG ;;
	A) arch=$OPTARG ;;
	M) machine=$OPTARG ;;
	I) icount=1 ;;
	*) usage ;;
	esac
done
[ -n "$kernel" ] && [ -n "$initrd" ] && [ -n "$logf" ] || usage
[ -f "$kernel" ] || die "no kernel image $kernel"
[ -f "$initrd" ] || die "no initrd $initrd"
case "$arch" in
x86_64) qemu=qemu-system-x86_64 console=ttyS0 ;;
arm64) qemu=qemu-system-aarch64 console=ttyAMA0 machine=${machine:-virt} ;;
*) die "unknown arch $arch" ;;
esac
command -v $qemu >/dev/null || die "no $qemu"

# Do not panic on oops or warnings: the reports are what we test for.
# printk.devkmsg=on: tests write many markers to /dev/kmsg (rate limited
# by default); log_buf_len: room for several KASAN reports in dmesg.
# arm64 virt reboots through PSCI, which -no-reboot turns into an exit.
base="console=$console panic=-1 kasan_multi_shot loglevel=7"
[ "$arch" != x86_64 ] || base="$base reboot=t"
base="$base printk.devkmsg=on log_buf_len=4M"
# A CMA area, as phones have one: movable allocations and migration then
# meet MIGRATE_CMA pageblocks too.
base="$base cma=32M"

# tcg_threads: "single" for x86_64 guests, "multi" otherwise;
# PAGETRAIL_TCG_THREAD overrides. Multi-threaded TCG (QEMU 7.2) can keep
# running a stale translation of x86 code that another vCPU has just
# rewritten: after ftrace rewrote a call site from int3 back to a NOP, both
# vCPUs still trapped on the int3, poke_int3_handler() had nothing to claim,
# and kprobes took it for its (ftrace-based, never int3-armed) kretprobe and
# single-stepped to address 0. Real CPUs serialize on text_poke_sync()'s
# IPI; round-robin TCG runs one vCPU at a time and cannot see stale code.
# arm64 patches single instructions (no int3 intermediate state), so its
# guests keep true parallelism.
tcg_threads() {
	if [ -n "${PAGETRAIL_TCG_THREAD:-}" ]; then
		echo "$PAGETRAIL_TCG_THREAD"
	elif [ "$arch" = x86_64 ]; then
		echo single
	else
		echo multi
	fi
}

# qemu_boot ACCEL TIMEOUT LOG KERNEL INITRD CMDLINE: returns the timeout(1)
# status (124 on timeout).
# Two NUMA nodes, as vendor machines have more than one: migration
# between nodes is then testable. x86_64 test kernels have no ACPI NUMA:
# numa=fake=2 (see numa_cmdline); arm64 reads QEMU's nodes from the device
# tree: one vCPU and half the memory each. Not for one vCPU (make bench)
# or a size that does not halve in MiB.
numa_cmdline() {
	[ "$smp" -ge 2 ] && [ "$arch" = x86_64 ] && echo " numa=fake=2"
	return 0
}

numa_args() {
	local mib
	[ "$smp" -ge 2 ] && [ "$arch" = arm64 ] || return 0
	case "$mem" in
	*G) mib=$((${mem%G} * 1024)) ;;
	*M) mib=${mem%M} ;;
	*) return 0 ;;
	esac
	[ $((mib % 2)) = 0 ] || return 0
	echo "-object memory-backend-ram,id=pt-m0,size=$((mib / 2))M" \
		"-object memory-backend-ram,id=pt-m1,size=$((mib / 2))M" \
		"-numa node,nodeid=0,cpus=0,memdev=pt-m0" \
		"-numa node,nodeid=1,cpus=1-$((smp - 1)),memdev=pt-m1"
}

qemu_boot() {
	local accel=$1 t=$2 lf=$3 k=$4 i=$5 cmd=$6 cpu=max
	local mach=() acc=(-accel "tcg,thread=$(tcg_threads)")
	[ -z "$machine" ] || mach=(-M "$machine")
	# pauth-impdef: QEMU's own pointer-auth hash, much faster under TCG
	# than the architected QARMA; the guest cannot tell the difference.
	[ "$arch" != arm64 ] || cpu=max,pauth-impdef=on
	# No 5-level paging: on 6.18 x86 KASAN's shadow range follows
	# cpu_feature_enabled(X86_FEATURE_LA57), and identify_cpu() zeroes
	# boot_cpu_data's capabilities before reading them back; an interrupt
	# in that window took every direct-map access for a "wild-memory-
	# access" and the boot hung (seen in the second 6.18 boot here).
	[ "$arch" != x86_64 ] || cpu=max,la57=off
	if [ "$accel" = kvm ]; then
		cpu=host
		acc=(-accel kvm)
	elif [ -n "$icount" ]; then
		acc=(-accel tcg,thread=single -icount shift=0,sleep=off)
	fi
	mkdir -p "$(dirname "$lf")"
	: >"$lf"
	timeout --kill-after=5 "$t" $qemu "${mach[@]}" "${acc[@]}" -cpu "$cpu" \
		-smp "$smp" -m "$mem" $(numa_args) \
		-nographic -no-reboot -monitor none \
		-serial "file:$lf" -kernel "$k" -initrd "$i" -append "$cmd" \
		</dev/null >"$lf.qemu" 2>&1
}

# pick_accel KERNEL: echo kvm or tcg, probing KVM once per host kernel.
pick_accel() {
	# arm64 guests run under TCG (the KVM probe is for x86_64 hosts).
	if [ "$arch" != x86_64 ]; then
		echo tcg
		return
	fi
	case "${PAGETRAIL_ACCEL:-}" in
	kvm | tcg) echo "$PAGETRAIL_ACCEL"; return ;;
	esac
	if [ ! -w /dev/kvm ]; then
		echo tcg
		return
	fi
	local cache=$PT_CACHE/kvm-probe-$(uname -r)
	if [ -f "$cache" ]; then
		cat "$cache"
		return
	fi
	local tmp res=tcg
	tmp=$(mktemp -d)
	log "probing KVM with a short boot (20s timeout)"
	bash "$PT_TOP/scripts/mkinitramfs.sh" "$tmp/probe.cpio.gz" 2>/dev/null
	if qemu_boot kvm 20 "$tmp/probe.log" "$1" "$tmp/probe.cpio.gz" "$base" &&
		grep -q PAGETRAIL-GUEST-START "$tmp/probe.log"; then
		res=kvm
	fi
	log "KVM probe: using $res"
	mkdir -p "$PT_CACHE"
	echo "$res" >"$cache"
	rm -rf "$tmp"
	echo "$res"
}

if [ -n "$icount" ]; then
	accel=tcg-icount
else
	accel=$(pick_accel "$kernel")
fi
shown=$accel
[ "$accel" != tcg ] || shown="tcg thread=$(tcg_threads)"
log "guest: booting $(basename "$kernel") ($shown, smp $smp, $mem, timeout ${tmo}s) -> $logf"
start=$(date +%s)
rc=0
qemu_boot "$accel" "$tmo" "$logf" "$kernel" "$initrd" "$base$(numa_cmdline) $extra" || rc=$?
if [ -s "$logf.qemu" ]; then
	sed 's/^/qemu: /' "$logf.qemu" >>"$logf"
fi
rm -f "$logf.qemu"
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "PAGETRAIL-GUEST-TIMEOUT after ${tmo}s" >>"$logf"
	log "guest: TIMEOUT after ${tmo}s"
	exit 124
fi
log "guest: exited ($rc) after $(( $(date +%s) - start ))s"
exit $rc
