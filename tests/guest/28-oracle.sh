#!/bin/sh
# Accuracy oracle: pt_oracle.ko creates pages through every path it can
# reach (every order, a bulk array with holes, compound, split, exact,
# vmalloc, alloc_contig_range) while pt_stress storms and the oracle's
# thread hops between CPUs; tests/tools/pt_oracle then asks lookup about
# every page whose truth it knows and counts wrong answers. Then the same
# pages are freed through their free paths (a folio batch, free_pages_exact,
# vfree, free_contig_range) without the storm, and judged again.
. /tests/guest/lib.sh

ORACLE=/sys/kernel/debug/pt_oracle
insmod_ko pagetrail || { not_ok "oracle: pagetrail loads"; exit 0; }
insmod_ko pt_stress || not_ok "oracle: pt_stress loads"
if ! insmod_ko pt_oracle; then
	not_ok "oracle: pt_oracle loads"
	rmmod pt_stress pagetrail 2>/dev/null
	exit 0
fi

judge() {
	/tests/pt_oracle "$1" >/tmp/oracle.out 2>&1
	relay_tap oracle /tmp/oracle.out $?
}

echo hold >$ORACLE/run
judge held
rmmod pt_stress
echo free >$ORACLE/run
judge freed
rmmod pt_oracle
rmmod pagetrail
exit 0
