#!/bin/sh
# Pages that move keep their owner: pt_migrate moves anonymous pages to the
# other NUMA node (the guests have two) and lets compaction move more, then
# asks lookup about each new pfn: allocated, by the page fault, not by the
# migration; and the old pfns read free, freed by the migration.
. /tests/guest/lib.sh

insmod_ko pagetrail || { not_ok "migrate: pagetrail loads"; exit 0; }
if grep -q '^migrate: .* attached' /sys/kernel/debug/pagetrail/hooks; then
	ok "migrate: the migration hook is attached"
else
	not_ok "migrate: the migration hook is attached" \
		"$(grep '^migrate:' /sys/kernel/debug/pagetrail/hooks)"
fi
diag "NUMA nodes: $(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)"
if [ ! -x /tests/pt_migrate ]; then
	not_ok "migrate: /tests/pt_migrate present"
else
	/tests/pt_migrate >/tmp/migrate.out 2>&1
	relay_tap migrate /tmp/migrate.out $?
fi
rmmod pagetrail
exit 0
