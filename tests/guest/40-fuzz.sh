#!/bin/sh
# Malformed input: pt_fuzz writes random, binary, overlong and malformed
# values to every writable debugfs file and runtime parameter from 4
# writers at once (pt_fuzz_writes=N on the kernel command line, default
# 10000); then malformed load-time parameters. Everything bad is refused
# with EINVAL/ERANGE, nothing splats (the host checks the log).
. /tests/guest/lib.sh

PARAMS=/sys/module/pagetrail/parameters
writes=$(cmdline_arg pt_fuzz_writes 10000)
insmod_ko pagetrail || { not_ok "fuzz: pagetrail loads"; exit 0; }
insmod_ko pt_cases || { not_ok "fuzz: pt_cases loads"; rmmod pagetrail; exit 0; }
echo keep >/sys/kernel/debug/pt_cases/run
pfn=$(sed -n 's/^kept pfn \(0x[0-9a-f]*\) .*/\1/p' /sys/kernel/debug/pt_cases/pages)

if [ ! -x /tests/pt_fuzz ]; then
	not_ok "fuzz: /tests/pt_fuzz present"
else
	t0=$(date +%s)
	/tests/pt_fuzz -p "$pfn" -n "$writes" -j 4 >/tmp/fuzz.out 2>&1
	rc=$?
	diag "pt_fuzz: exit $rc after $(( $(date +%s) - t0 ))s"
	relay_tap fuzz /tmp/fuzz.out "$rc"
fi
echo 1 >$PARAMS/enabled
echo 1 >$PARAMS/print_on_report
echo 1 >$PARAMS/sample
rmmod pt_cases
rmmod pagetrail

# Load-time parameters: each malformed value refused, nothing left loaded.
refused=0 tried=0
for p in mode= mode=both2 mode=BOTH\ x mode=-1 depth= depth=0 depth=65 \
	depth=-1 depth=1x depth=0x depth=99999999999999999999 depth=16.5 \
	allow_partial=2 allow_partial=yes\ please enabled=10 enabled=-1 \
	print_on_report=nope print_on_report= enabled sample=0 sample=65537 \
	sample=x; do
	tried=$((tried + 1))
	if insmod "$PT_KO/pagetrail.ko" "$p" 2>/dev/null; then
		diag "accepted load-time '$p'"
		rmmod pagetrail
	else
		refused=$((refused + 1))
	fi
done
check "fuzz: $refused of $tried malformed load-time parameters refused" [ "$refused" = "$tried" ]
check "fuzz: nothing left loaded" sh -c '! grep -q "^pagetrail " /proc/modules'
echo "PAGETRAIL-FUZZ-WRITES $writes"
exit 0
