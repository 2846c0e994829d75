#!/bin/sh
# KUnit tests of pagetrail's pure logic (tests/kunit): the record encoding
# at every order, lookup's parser, frame classification and top's
# aggregation. KUnit runs them when pagetrail_kunit.ko loads and prints
# KTAP to the kernel log; each test case becomes one of our TAP lines.
. /tests/guest/lib.sh

# The cases pagetrail_kunit.c defines: each must have run and passed.
CASES="pt_kunit_record_roundtrip pt_kunit_lookup_good pt_kunit_lookup_bad
pt_kunit_frame_class pt_kunit_top"

insmod_ko pagetrail || { not_ok "kunit: pagetrail loads"; exit 0; }
dmesg -c >/dev/null
# KUnit's own KTAP ("ok 1 pagetrail") must not reach the serial console,
# where the host would count it as one of our results: keep its
# KERN_INFO lines in the log buffer only, and read them with dmesg.
level=$(cut -f 1 /proc/sys/kernel/printk)
echo 4 >/proc/sys/kernel/printk
insmod_ko pagetrail_kunit
loaded=$?
echo "$level" >/proc/sys/kernel/printk
if [ $loaded != 0 ]; then
	not_ok "kunit: pagetrail_kunit loads"
	rmmod pagetrail
	exit 0
fi
# "[   12.3] " timestamps off; 5.15 writes "ok 1 - name", later "ok 1 name".
dmesg | sed 's/^\[[^]]*\] //' >/tmp/kunit.log
rmmod pagetrail_kunit
rmmod pagetrail

for c in $CASES; do
	line=$(grep -E "^ +(not )?ok [0-9]+ (- )?$c\$" /tmp/kunit.log | head -n 1)
	case "$line" in
	*"not ok"*)
		not_ok "kunit: $c" "$(grep -E "$c|Expected|EXPECTATION|ASSERTION|input" /tmp/kunit.log | head -n 12)"
		;;
	*ok*) ok "kunit: $c" ;;
	*) not_ok "kunit: $c" "did not run: $(head -n 8 /tmp/kunit.log)" ;;
	esac
done
total=$(grep -cE '^ +(not )?ok [0-9]+ (- )?pt_kunit_' /tmp/kunit.log)
check "kunit: the suite ran $(echo $CASES | wc -w) cases, no others (ran $total)" \
	[ "$total" = "$(echo $CASES | wc -w)" ]
exit 0
