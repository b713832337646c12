#!/usr/bin/env bash
# lftp mirror throughput from `./sloop serve --ftp-root`, the figures of docs/PERFORMANCE.md
# ("FTP with Linux clients"). Run as root from the repository:
#
#   scripts/ftp_mirror_throughput.sh [RUNS] [BUDGET...]      (default: 3 runs at 128k and 64m)
#
# For each budget: writes a tree (10 directories of 30 files, 0 to 128 KiB, seeded: the same
# tree every time), starts `./sloop serve` in its own namespace (named after this shell's pid)
# with that budget and --ftp-root TREE, mirrors the tree RUNS times with
# `lftp -e 'mirror / DEST'` inside the namespace, checks every copy with diff -r, prints MB/s per
# run and the median (min-max), then stops serve with SIGTERM and prints its ftp line and
# whether the budget came back to its baseline. Also prints the memory after 1,000 PASV+LIST
# cycles (Python's ftplib) at each budget.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
runs="${1:-3}"
shift || true
budgets=("$@")
[ ${#budgets[@]} -gt 0 ] || budgets=(128k 64m)
[ "$(id -u)" = 0 ] || { echo "ftp_mirror_throughput: run as root (it makes a TUN device and a namespace)" >&2; exit 2; }
command -v lftp >/dev/null || { echo "ftp_mirror_throughput: needs lftp (apt-get install -y lftp)" >&2; exit 2; }
py=/usr/bin/python3

work=$(mktemp -d /tmp/sloop-ftp-bench.XXXXXX)
ns="sloop-ftpb-$$"
dev="slfb$(( $$ % 100000 ))"
net=198.19.240
serve_pid=
cleanup() {
  [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$py" - "$work/tree" <<'EOF'
import os, random, sys
r = random.Random(2026)
for d in range(10):
    os.makedirs(os.path.join(sys.argv[1], 'd%02d' % d))
    for i in range(30):
        with open(os.path.join(sys.argv[1], 'd%02d' % d, 'f%03d' % i), 'wb') as f:
            f.write(r.randbytes(r.randrange(128 * 1024 + 1)))
EOF
files=$(find "$work/tree" -type f | wc -l)
bytes=$(find "$work/tree" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
echo "tree: $files files, $bytes bytes in 10 directories"
(cd "$root" && ./sloop help >/dev/null 2>&1 || true)  # builds target/sloop.jar if the sources changed

for budget in "${budgets[@]}"; do
  out="$work/serve-$budget.out"
  cmd=(./sloop serve --netns "$ns" --tun "$dev" --addr "$net.2/24" --host-addr "$net.1/24" --budget "$budget" --ftp-root "$work/tree")
  echo "\$ ${cmd[*]}"
  (cd "$root" && exec env --default-signal=INT,TERM "${cmd[@]}" >"$out" 2>&1 </dev/null) &
  serve_pid=$!
  for _ in $(seq 300); do grep -q "ready" "$out" 2>/dev/null && break; sleep 0.1; done
  grep -q "ready" "$out" || { cat "$out"; echo "serve did not start"; exit 1; }
  rates=()
  for i in $(seq "$runs"); do
    rm -rf "$work/copy"
    lcmd="lftp -e 'set net:max-retries 2; set net:timeout 30; mirror / $work/copy; quit' $net.2"
    [ "$i" = 1 ] && echo "\$ ip netns exec $ns $lcmd"
    s=$(date +%s%N)
    ip netns exec "$ns" lftp -e "set net:max-retries 2; set net:timeout 30; mirror / $work/copy; quit" "$net.2" >/dev/null
    e=$(date +%s%N)
    diff -r "$work/tree" "$work/copy" >/dev/null || { echo "run $i: the copy differs from the tree"; exit 1; }
    rate=$(awk -v b="$bytes" -v ns=$((e - s)) 'BEGIN {printf "%.2f", b / 1e6 / (ns / 1e9)}')
    echo "  run $i: $(awk -v ns=$((e - s)) 'BEGIN {printf "%.2f", ns / 1e9}') s, $rate MB/s"
    rates+=("$rate")
  done
  printf '%s\n' "${rates[@]}" | sort -g | awk -v b="$budget" -v f="$files" -v by="$bytes" \
    '{a[NR] = $1} END {printf "lftp mirror at --budget %s: %d files, %d bytes: median %.2f MB/s (min %.2f, max %.2f, %d runs)\n", b, f, by, a[int((NR + 1) / 2)], a[1], a[NR], NR}'
  ip netns exec "$ns" "$py" -c "$(cat "$root/sloop-cli/src/test/resources/net/sloop/cli/ftp_ftplib.py")" "$net.2" anonymous sloop@ "$work/tree" cycles:1000 | sed 's/^/  ftplib /'
  sleep 2
  kill -TERM "$serve_pid"
  wait "$serve_pid" || true
  serve_pid=
  echo "  after 1,000 PASV+LIST cycles, serve's summary: $(grep -o 'with [0-9]* bytes in use' "$out"), $(grep -o 'peak [0-9]*' "$out" | head -1) B"
  grep -E '^ *ftp ' "$out" | sed 's/^ */  /' || true
  grep -E 'budget back at its baseline|LEAK' "$out" | sed 's/^/  /'
done
