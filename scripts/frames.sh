#!/bin/bash
# frames.sh internal|api: the function names of module/compat.h's
# pt_internal_funcs[] or pt_api_funcs[], one per line, so the guest tests
# check stacks against the very list the module trims by.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case "${1:-}" in
internal) tag=INTERNAL ;;
api) tag=API ;;
*) die "usage: frames.sh internal|api" ;;
esac
sed -n "/PT_FRAMES_${tag}_BEGIN/,/PT_FRAMES_${tag}_END/p" "$PT_TOP/module/compat.h" |
	grep -o '"[^"]*"' | tr -d '"'
