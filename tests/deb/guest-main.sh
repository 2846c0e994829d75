#!/bin/sh
# Guest side of scripts/deb-test.sh, on Debian's own kernel (no KASAN):
# the module that DKMS built and signed from the pagetrail-dkms package
# loads, and lookup and dump answer. Staged by deb-test.sh with
# /tests/lib.sh (tests/guest/lib.sh), /tests/pagetrail.ko and
# /tests/version (the version the module must report). TAP lines, then
# the plan and PAGETRAIL-GUEST-DONE.
export PT_KO=/tests
export PT_TAP_COUNTER=/tmp/pagetrail-tap-count
. /tests/lib.sh

PT=/sys/kernel/debug/pagetrail
echo on >/proc/sys/kernel/printk_devkmsg 2>/dev/null
echo 0 >"$PT_TAP_COUNTER"
echo "TAP version 13"

done_() {
	echo "1..$(cat "$PT_TAP_COUNTER")"
	echo "PAGETRAIL-GUEST-DONE"
	exit 0
}

t0=$(cat /proc/sys/kernel/tainted)
if insmod_ko pagetrail; then
	ok "Debian $(uname -r) loads the DKMS-built pagetrail.ko (self-test passed)"
else
	not_ok "Debian $(uname -r) loads the DKMS-built pagetrail.ko" \
		"$(dmesg | grep pagetrail | tail -n 5)"
	done_
fi
want=$(cat /tests/version)
got=$(cat /sys/module/pagetrail/version 2>/dev/null)
if [ "$got" = "$want" ]; then
	ok "modinfo version (MODULE_VERSION) is $want"
else
	not_ok "modinfo version (MODULE_VERSION) is $want" "got '$got'"
fi

# DKMS signed it with its own MOK, which this kernel does not know (no
# Secure Boot, no enrolled MOK): it loads, tainted E (unsigned: 8192) and
# O (out of tree: 4096), after one "module verification failed" line.
t1=$(cat /proc/sys/kernel/tainted)
diag "tainted: $t0 before insmod, $t1 after"
diag "$(dmesg | grep -m1 'pagetrail: module verification failed')"
if [ $((t1 & 8192)) != 0 ] && [ $((t1 & 4096)) != 0 ] &&
   dmesg | grep -q 'pagetrail: module verification failed'; then
	ok "the kernel does not trust DKMS's MOK: loaded with taint E and O"
else
	not_ok "the kernel does not trust DKMS's MOK: loaded with taint E and O" \
		"tainted $t1"
fi

for side in alloc free; do
	chosen=$(grep "^$side set .*: chosen" $PT/hooks)
	if [ -n "$chosen" ]; then
		ok "$side hook set chosen: ${chosen#* set }"
	else
		not_ok "$side hook set chosen" "$(cat $PT/hooks)"
	fi
done
if grep -q MISSED $PT/hooks; then
	not_ok "self-test covers every allocator path" "$(grep MISSED $PT/hooks)"
else
	ok "self-test covers every allocator path"
fi

# Pages allocated after the load, kept: 4 MiB of page cache in rootfs.
dd if=/dev/zero of=/tmp/fill bs=64k count=64 2>/dev/null
cat $PT/dump >/tmp/dump.txt
blocks=$(grep -c '^Page allocated via order' /tmp/dump.txt)
diag "dump: $blocks blocks"
check "dump lists allocated blocks ($blocks)" [ "$blocks" -gt 0 ]
if [ "$blocks" -gt 0 ] &&
   awk 'BEGIN { RS = "" } !/^Page allocated via order [0-9]+, .*\nPFN 0x[0-9a-f]+ .*\n [^\n]+/ { bad++ } END { exit bad > 0 }' /tmp/dump.txt; then
	ok "dump: every block has page_owner's header, PFN line and a stack"
else
	not_ok "dump: every block has page_owner's header, PFN line and a stack" \
		"$(head -n 8 /tmp/dump.txt)"
fi
diag "$(head -n 8 /tmp/dump.txt)"

# lookup of the last page the dump lists, on one open file.
pfn=$(sed -n 's/^PFN \(0x[0-9a-f]*\) .*/\1/p' /tmp/dump.txt | tail -n 1)
exec 3<>$PT/lookup
echo "pfn $pfn" >&3
out=$(cat <&3)
exec 3>&-
diag "$out"
if echo "$out" | grep -qE "^pagetrail: pfn $pfn \(order [0-9]+\) is (allocated|free)\$" &&
   echo "$out" | grep -A1 '^pagetrail: last allocated by:$' | grep -q '^ [a-z_]'; then
	ok "lookup 'pfn $pfn' prints the page's state and its allocation stack"
else
	not_ok "lookup 'pfn $pfn' prints the page's state and its allocation stack" "$out"
fi
err=$( (echo "pfn zz" >$PT/lookup) 2>&1)
if echo "$err" | grep -q "Invalid argument"; then
	ok "lookup refuses 'pfn zz' (Invalid argument)"
else
	not_ok "lookup refuses 'pfn zz' (Invalid argument)" "got '$err'"
fi

rm -f /tmp/fill
if rmmod pagetrail && ! grep -q '^pagetrail ' /proc/modules; then
	ok "rmmod pagetrail"
else
	not_ok "rmmod pagetrail"
fi
done_
