#!/bin/bash
# kdoc.sh KERNEL_DOC: the module's written contracts.
#  1. scripts/kernel-doc -none -Wall (from a kernel source tree) is clean on
#     module/;
#  2. every function one module file shares with another (not static) has
#     a kernel-doc block with "Context:", and "Return:" unless it is void.
# Prints one problem per line; exits 1 if there is any.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdoc=$1
cd "$top" || exit 2
rc=0
# 6.18's kernel-doc is Python, older ones Perl.
case $(head -n 1 "$kdoc") in
*python*) run=python3 ;;
*) run=perl ;;
esac
out=$($run "$kdoc" -none -Wall module/*.c module/*.h 2>&1)
[ -z "$out" ] || { printf '%s\n' "$out"; rc=1; }
awk '
FNR == 1 { doc = ""; indoc = 0 }
/^\/\*\*/ { doc = ""; indoc = 1 }
indoc { doc = doc $0 "\n" }
/^ \*\// { indoc = 0; docend = FNR; next }
/^[a-z][a-z_ ]*[ *]pt_[a-z0-9_]+\(/ && !/^static/ && !/;/ {
	name = $0; sub(/\(.*/, "", name); n = split(name, w, /[ *]+/)
	fn = w[n]
	if (docend != FNR - 1) { print FILENAME ": " fn ": no kernel-doc"; bad = 1; next }
	if (doc !~ /\n \* Context:/) { print FILENAME ": " fn ": no Context:"; bad = 1 }
	if ($0 !~ /^void / && doc !~ /\n \* Return:/) { print FILENAME ": " fn ": no Return:"; bad = 1 }
}
END { exit bad }
' module/*.c || rc=1
exit $rc
