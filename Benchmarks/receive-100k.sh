#!/usr/bin/env bash
# Receives N serialized units from a file into a fresh store, then shows one and verifies the ledger.
# Prints wall time and peak resident memory for each step.
#   usage: Benchmarks/receive-100k.sh [N]     (default 100000; builds release first)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
swift build -c release --product unitrace >/dev/null
bin="$PWD/.build/release/unitrace"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

"$bin" init >/dev/null
"$bin" product add EVM-200 --name "Drive motor" >/dev/null
"$bin" location add WH1 --name "Main warehouse" --kind warehouse >/dev/null
seq -f "SN-%08g" 1 "$n" > serials.txt

measure() {
    local label="$1"; shift
    /usr/bin/time -f "%e %M" -o time.txt "$@" >out.txt 2>err.txt
    read -r seconds kb < time.txt
    awk -v l="$label" -v s="$seconds" -v kb="$kb" -v n="$n" 'BEGIN {
        printf "%-22s %8.2f s  %7.1f MB peak RSS", l, s, kb / 1024
        if (l == "receive" || l == "import (fresh store)") printf "  %9.0f units/s", n / (s > 0 ? s : 0.001)
        printf "\n" }'
}

echo "N=$n  $(nproc) cores  $(free -g | awk '/Mem:/ {print $2}') GiB  $(date -u +%Y-%m-%d)  $(git -C "$OLDPWD" rev-parse --short HEAD 2>/dev/null || echo '-')"
measure "receive" "$bin" receive --product EVM-200 --at WH1 --from serials.txt
measure "show (one unit)" "$bin" show "SN-$(printf '%08d' $((n / 2)))"
measure "verify" "$bin" verify
measure "stock" "$bin" stock
measure "export" "$bin" export --output ledger.jsonl
"$bin" init --db copy.sqlite >/dev/null
measure "import (fresh store)" "$bin" import --db copy.sqlite ledger.jsonl
echo "store size: $(du -h unitrace.sqlite | cut -f1)"
