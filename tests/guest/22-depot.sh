#!/bin/sh
# Stackdepot from the free path: frees never let stackdepot allocate (the
# allocator may hold its locks around them), so when its pool is full a
# free's save fails, is counted, and a worker gives stackdepot a new pool.
. /tests/guest/lib.sh

PT=/sys/kernel/debug/pagetrail
stat() {
	sed -n "s/^$1: //p" $PT/stats
}

insmod_ko pagetrail || { not_ok "depot: pagetrail loads"; exit 0; }
insmod_ko pt_cases || { not_ok "depot: pt_cases loads"; rmmod pagetrail; exit 0; }
via=$(stat depot_nolock_save)
diag "depot: non-allocating saves via: $via"
# Exported symbols show in kallsyms as __ksymtab_NAME.
exported() {
	grep -q " __ksymtab_$1\$" /proc/kallsyms
}
case $(uname -r) in
5.*)
	check "depot: 5.15 says it has no non-allocating save" \
		sh -c "echo '$via' | grep -q '^unavailable'"
	;;
*)
	if echo "$via" | grep -q '^unavailable'; then
		# A GKI kernel's KMI lists lack stack_depot_save_flags.
		if exported stack_depot_save_flags || exported __stack_depot_save; then
			not_ok "depot: a non-allocating save is exported but unused" "$via"
		else
			ok "depot: the kernel exports no non-allocating save, and pagetrail says so ($via)"
		fi
		rmmod pt_cases
		rmmod pagetrail
		exit 0
	fi
	f0=$(stat depot_nolock_failures)
	t0=$(stat depot_topups)
	echo depot_churn >/sys/kernel/debug/pt_cases/run
	sleep 1
	f1=$(stat depot_nolock_failures)
	t1=$(stat depot_topups)
	diag "depot: 1024 new free stacks: nolock failures $f0 -> $f1, topups $t0 -> $t1"
	if [ -n "$f1" ] && [ "$f1" -gt "${f0:-0}" ]; then
		ok "depot: a free never grows stackdepot (full pool: save failed, counted)"
	else
		not_ok "depot: a free never grows stackdepot" "failures $f0 -> $f1 via '$via'"
	fi
	if [ -n "$t1" ] && [ "$t1" -gt "${t0:-0}" ]; then
		ok "depot: the worker topped the pool up afterwards"
	else
		not_ok "depot: the worker topped the pool up afterwards" "topups $t0 -> $t1"
	fi
	;;
esac
rmmod pt_cases
rmmod pagetrail
