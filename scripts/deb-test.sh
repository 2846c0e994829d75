#!/bin/bash
# deb-test.sh: the Debian package end to end, on a Debian 12 host, as root
# (it installs and purges packages on this machine):
#   1. make deb (out/deb/pagetrail-dkms_<version>-1_all.deb); the version
#      agrees in module/main.c, dkms.conf and debian/changelog; the package
#      ships only module/, dkms.conf, Makefile, LICENSE under /usr/src
#   2. Debian's current 6.1 kernel (linux-headers-amd64's candidate, or
#      PAGETRAIL_DEB_KERNEL=<release>): its headers installed with apt-get,
#      its linux-image-<release>-unsigned fetched with apt-get download and
#      its vmlinuz extracted (cached in $PT_CACHE/deb)
#   3. apt-get install ./pagetrail-dkms_*.deb: the postinst has DKMS build,
#      sign and install pagetrail for that kernel
#   4. AUTOINSTALL: after dkms remove, the kernel headers' hook (what a
#      kernel upgrade runs) builds it again; BUILD_EXCLUSIVE_*: a kernel
#      older than 5.15 and one without CONFIG_STACKDEPOT are skipped (77)
#   5. Debian's kernel boots in QEMU and loads the DKMS-built module:
#      tests/deb/guest-main.sh (lookup, dump); serial log in
#      $PT_CACHE/logs/deb-<release>.log, judged by parse-results.py
#   6. apt-get purge: nothing of pagetrail left in /usr/src, /var/lib/dkms,
#      /lib/modules
# Prints one "PASS: ...", "FAIL: ..." or "SKIP: ..." line per result (on
# stdout; progress on stderr), then "deb-test: N passed, N failed"; exits 1
# on any failure. Environment: PAGETRAIL_DEB_KERNEL, PAGETRAIL_ACCEL.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

npass=0 nfail=0 nskip=0
pass() { echo "PASS: $*"; npass=$((npass + 1)); }
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
skip() { echo "SKIP: $*"; nskip=$((nskip + 1)); }
finish() {
	local sk=
	[ "$nskip" = 0 ] || sk=", $nskip skipped"
	echo "deb-test: $npass passed, $nfail failed$sk"
	[ "$nfail" = 0 ] || exit 1
	exit 0
}
# stop NAME WHY: a failure the later steps cannot go on from.
stop() {
	fail "$1 ($2)"
	finish
}

[ "$(id -u)" = 0 ] || stop "deb-test runs as root" "it installs packages"
grep -q '^VERSION_CODENAME=bookworm' /etc/os-release ||
	log "deb-test: not Debian 12 (bookworm): going on anyway"
work=$PT_CACHE/work/deb
cache=$PT_CACHE/deb
rm -rf "$work"
mkdir -p "$work" "$cache" "$PT_CACHE/logs"
export DEBIAN_FRONTEND=noninteractive
apt_get() {
	apt-get -y -o Dpkg::Use-Pty=0 "$@" >>"$work/apt.log" 2>&1
}

# A run that died half way may have left the package installed.
if dpkg -s pagetrail-dkms >/dev/null 2>&1; then
	log "deb-test: purging a pagetrail-dkms left installed"
	apt_get purge pagetrail-dkms
fi

log "deb-test: apt-get install debhelper dh-dkms dkms"
apt_get update
apt_get install --no-install-recommends debhelper dh-dkms dkms ||
	stop "apt-get install debhelper dh-dkms dkms" "$work/apt.log"

# 1. the package
if v=$(sh "$PT_TOP/debian/check-version" "$PT_TOP" 2>&1); then
	pass "one version: module/main.c MODULE_VERSION, dkms.conf, debian/changelog agree ($v)"
	ver=${v##* }
else
	stop "one version in module/main.c, dkms.conf, debian/changelog" "$v"
fi
log "deb-test: make deb"
if make -C "$PT_TOP" deb >"$work/make-deb.log" 2>&1; then
	deb=$(ls "$PT_TOP"/out/deb/pagetrail-dkms_"$ver"-*_all.deb 2>/dev/null | head -n 1)
fi
[ -n "${deb:-}" ] || stop "make deb" "$work/make-deb.log"
pass "make deb builds out/deb/$(basename "$deb")"
src=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | sed -n "s|^\./usr/src/pagetrail-$ver/||p" |
	sed 's|/.*||' | grep . | sort -u | tr '\n' ' ')
others=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -v '/$' |
	grep -vE "^\./usr/(src/pagetrail-$ver|share/doc/pagetrail-dkms)/" | tr '\n' ' ')
if [ "$src" = "LICENSE Makefile dkms.conf module " ] && [ -z "$others" ]; then
	pass "the package ships module/, dkms.conf, Makefile, LICENSE in /usr/src/pagetrail-$ver and docs only"
else
	fail "the package ships module/, dkms.conf, Makefile, LICENSE in /usr/src/pagetrail-$ver and docs only (got: $src; elsewhere: $others)"
fi

# 2. Debian's kernel: headers, and the image the guest boots
rel=${PAGETRAIL_DEB_KERNEL:-$(apt-cache depends linux-headers-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-headers-\(.*\)$/\1/p' | head -n 1)}
[ -n "$rel" ] || stop "Debian's kernel release" "apt-cache depends linux-headers-amd64 names none"
kver=$(apt-cache policy "linux-headers-$rel" | sed -n 's/^ *Candidate: //p')
log "deb-test: Debian kernel $rel ($kver)"
apt_get install --no-install-recommends "linux-headers-$rel=$kver" ||
	stop "apt-get install linux-headers-$rel" "$work/apt.log"
vmlinuz=$cache/linux-image-$rel-$kver/boot/vmlinuz-$rel
if [ ! -f "$vmlinuz" ]; then
	rm -rf "$cache"/linux-image-* "$cache"/*.deb
	if ! (cd "$cache" && apt-get download "linux-image-$rel-unsigned=$kver") \
		>>"$work/apt.log" 2>&1; then
		stop "apt-get download linux-image-$rel-unsigned=$kver" "$work/apt.log"
	fi
	dpkg-deb -x "$cache"/linux-image-"$rel"-unsigned_*.deb "$cache/linux-image-$rel-$kver" ||
		stop "dpkg-deb -x linux-image-$rel-unsigned" "bad package"
	# Only the kernel is booted: its modules (400 MB) are not kept.
	rm -rf "$cache"/*.deb "$cache/linux-image-$rel-$kver/lib" "$cache/linux-image-$rel-$kver/usr"
fi
[ -f "$vmlinuz" ] || stop "vmlinuz-$rel in linux-image-$rel-unsigned" "not found"
pass "Debian kernel $rel ($kver): linux-headers installed, vmlinuz from linux-image-$rel-unsigned"

# 3. install: the postinst builds, signs and installs for $rel
mok_before=no
[ -f /var/lib/dkms/mok.key ] && mok_before=yes
log "deb-test: apt-get install $(basename "$deb")"
if ! apt-get -y -o Dpkg::Use-Pty=0 install "$deb" >"$work/install.log" 2>&1; then
	sed 's/^/  install: /' "$work/install.log" >&2
	stop "apt-get install ./$(basename "$deb")" "$work/install.log"
fi
pass "apt-get install ./$(basename "$deb")"
tree=/var/lib/dkms/pagetrail/$ver/$rel/x86_64
# status_installed: dkms reports pagetrail/$ver installed for $rel.
status_installed() {
	dkms status -m pagetrail -v "$ver" -k "$rel" 2>/dev/null | grep -q ': installed'
}
if status_installed; then
	pass "postinst: DKMS built and installed pagetrail $ver for $rel"
else
	sed 's/^/  install: /' "$work/install.log" >&2
	stop "postinst: DKMS built and installed pagetrail $ver for $rel" \
		"dkms status: $(dkms status pagetrail 2>&1 | tr '\n' ' ')"
fi
ko=$(ls "$tree"/module/pagetrail.ko* 2>/dev/null | head -n 1)
inst=$(find "/lib/modules/$rel" -name 'pagetrail.ko*' 2>/dev/null | head -n 1)
log "deb-test: built $ko, installed $inst"
[ -n "$ko" ] && [ -n "$inst" ] ||
	stop "DKMS's module in $tree/module and /lib/modules/$rel" "built '$ko', installed '$inst'"
case "$ko" in
*.xz) xz -dc "$ko" ;;
*.zst) zstd -qdc "$ko" ;;
*.gz) gzip -dc "$ko" ;;
*) cat "$ko" ;;
esac >"$work/pagetrail.ko"
if [ "$(modinfo -F version "$work/pagetrail.ko")" = "$ver" ] &&
   modinfo -F vermagic "$work/pagetrail.ko" | grep -q "^$rel "; then
	pass "module version $ver, vermagic $rel (${inst#/lib/modules/"$rel"/})"
else
	fail "module version $ver, vermagic $rel ($(modinfo -F version "$work/pagetrail.ko"), $(modinfo -F vermagic "$work/pagetrail.ko"))"
fi
signer=$(modinfo -F signer "$work/pagetrail.ko")
if [ -n "$signer" ] && [ -f /var/lib/dkms/mok.pub ]; then
	subj=$(openssl x509 -inform DER -in /var/lib/dkms/mok.pub -noout -subject 2>/dev/null)
	pass "DKMS signed it: signer '$signer' ($(modinfo -F sig_hashalgo "$work/pagetrail.ko")), /var/lib/dkms/mok.pub ${subj:-?}, key existed before: $mok_before"
else
	fail "DKMS signed it with /var/lib/dkms/mok.key (signer '$signer')"
fi

# 4. AUTOINSTALL=yes: what installing a kernel's headers runs rebuilds it.
# dkms 3.0 has no "unbuild": remove the build (dkms then forgets a module
# built for no kernel) and add the source again, as a new kernel finds it.
log "deb-test: dkms remove -k $rel, then /etc/kernel/header_postinst.d/dkms $rel"
dkms remove -m pagetrail -v "$ver" -k "$rel" >"$work/autoinstall.log" 2>&1
[ -n "$(dkms status -m pagetrail -v "$ver" 2>/dev/null)" ] ||
	dkms add -m pagetrail -v "$ver" >>"$work/autoinstall.log" 2>&1
if status_installed; then
	fail "dkms remove -k $rel (still installed)"
elif /etc/kernel/header_postinst.d/dkms "$rel" >>"$work/autoinstall.log" 2>&1 &&
	status_installed; then
	pass "AUTOINSTALL=yes: the kernel headers' hook (dkms autoinstall) rebuilt pagetrail for $rel"
else
	fail "AUTOINSTALL=yes: the kernel headers' hook rebuilt pagetrail for $rel ($work/autoinstall.log)"
fi
# BUILD_EXCLUSIVE_*: dkms build exits 77 and builds nothing.
cfg=/lib/modules/$rel/build/.config
mkdir -p "$work/fake-5.10" "$work/fake-nodepot"
cp "$cfg" "$work/fake-5.10/.config"
grep -v '^CONFIG_STACKDEPOT=' "$cfg" >"$work/fake-nodepot/.config"
for k in "5.10.0-99-amd64:$work/fake-5.10:older than 5.15" \
	"$rel-nodepot:$work/fake-nodepot:without CONFIG_STACKDEPOT"; do
	IFS=: read -r krel kdir why <<<"$k"
	rc=0
	dkms build -m pagetrail -v "$ver" -k "$krel" --kernelsourcedir "$kdir" \
		>"$work/exclusive-$krel.log" 2>&1 || rc=$?
	if [ "$rc" = 77 ] && [ ! -e "/var/lib/dkms/pagetrail/$ver/$krel" ]; then
		pass "BUILD_EXCLUSIVE: a kernel $why is skipped (dkms build exits 77)"
	else
		fail "BUILD_EXCLUSIVE: a kernel $why is skipped (exit $rc, $work/exclusive-$krel.log)"
	fi
done

# 5. Debian's kernel in QEMU loads what DKMS built
stage=$work/stage
mkdir -p "$stage"
cp "$PT_TOP/tests/deb/guest-main.sh" "$stage/guest-main.sh"
chmod +x "$stage/guest-main.sh"
cp "$PT_TOP/tests/guest/lib.sh" "$stage/lib.sh"
cp "$work/pagetrail.ko" "$stage/pagetrail.ko"
echo "$ver" >"$stage/version"
glog=$PT_CACHE/logs/deb-$rel.log
if bash "$PT_TOP/scripts/mkinitramfs.sh" "$work/initrd.cpio.gz" "$stage"; then
	bash "$PT_TOP/scripts/run-guest.sh" -k "$vmlinuz" -i "$work/initrd.cpio.gz" \
		-l "$glog" -t 300 -s 2 || true
	# A module no key of Debian's signed makes the kernel say so once,
	# "module verification failed: ... tainting kernel", which the log
	# judge counts as a refusal; here it is expected (the guest checks
	# the taint too), exactly once and for pagetrail only.
	vf=$(grep -v '^#' "$glog" | grep -c 'module verification failed')
	if [ "$vf" = 1 ] && grep -v '^#' "$glog" | grep -q 'pagetrail: module verification failed: signature and/or required key missing - tainting kernel'; then
		pass "guest: one 'pagetrail: module verification failed' line (the DKMS MOK is not enrolled)"
	else
		fail "guest: one 'pagetrail: module verification failed' line (found $vf)"
	fi
	grep -v '^[^#]*pagetrail: module verification failed' "$glog" >"$work/deb-$rel.log"
	while read -r line; do
		case "$line" in
		"PASS "* | "FAIL "* | "SKIP "*)
			st=${line%% *} rest=${line#* }
			case $st in
			PASS) pass "guest: ${rest#*: }" ;;
			FAIL) fail "guest: ${rest#*: }" ;;
			SKIP) skip "guest: ${rest#*: }" ;;
			esac
			;;
		*) echo "  $line" >&2 ;;
		esac
	done < <(python3 "$PT_TOP/scripts/parse-results.py" "$work/deb-$rel.log")
else
	fail "mkinitramfs for the Debian guest"
fi

# 6. purge: nothing left
log "deb-test: apt-get purge pagetrail-dkms"
if apt-get -y -o Dpkg::Use-Pty=0 purge pagetrail-dkms >"$work/purge.log" 2>&1; then
	pass "apt-get purge pagetrail-dkms"
else
	fail "apt-get purge pagetrail-dkms ($work/purge.log)"
fi
left=$( { ls -d /usr/src/pagetrail* /var/lib/dkms/pagetrail* 2>/dev/null
	find /lib/modules -name 'pagetrail*' 2>/dev/null; } | tr '\n' ' ')
if [ -z "$left" ] && ! dpkg -s pagetrail-dkms >/dev/null 2>&1; then
	pass "after purge nothing of pagetrail in /usr/src, /var/lib/dkms, /lib/modules"
else
	fail "after purge nothing of pagetrail in /usr/src, /var/lib/dkms, /lib/modules (left: $left)"
fi
[ ! -f /var/lib/dkms/mok.key ] ||
	log "deb-test: /var/lib/dkms/mok.key and mok.pub stay (DKMS's, for every module)"
finish
