#!/usr/bin/env bash
# HTTP figures for docs/PERFORMANCE.md: `./sloop serve --http-root DIR` over TUN in a namespace of its own,
# loaded by wrk and ab -k from Linux's side (the same namespace), for a 1 KiB file; then the JDK's jwebserver
# on Linux's own stack, on Linux's address in the same namespace, serving the same directory (the reference).
# Usage (root): scripts/bench_http.sh BUDGET CONNECTIONS [SECONDS]   e.g. scripts/bench_http.sh 128k 2; scripts/bench_http.sh 64m 64
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
sloop_find_jdk
budget=${1:?budget}; conns=${2:?connections}; secs=${3:-10}
ns=sloop-hbench-$$; dev=shb$$; net=198.19.241
root=$(mktemp -d); log=$(mktemp)
head -c 1024 /dev/urandom > "$root/1k.bin"
max=$(( conns * 2 > 4 ? conns * 2 : 4 ))
cleanup() { [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null; wait "${pid:-}" 2>/dev/null || true; rm -rf "$root"; }
trap cleanup EXIT
"$sloop_root/sloop" serve --netns "$ns" --tun "$dev" --addr $net.2/24 --host-addr $net.1/24 --budget "$budget" \
  --http-root "$root" --http-max-connections "$max" --http-max-per-address "$conns" >"$log" 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q ready "$log" && break; sleep 0.2; done
grep ready "$log" || { cat "$log"; exit 1; }
echo "== wrk -t2 -c$conns -d${secs}s --latency http://$net.2/1k.bin (Sloop, --budget $budget)"
ip netns exec "$ns" wrk -t2 -c"$conns" -d"${secs}s" --latency "http://$net.2/1k.bin" | grep -E "Requests/sec|Latency|99%|Non-2xx|Socket errors|requests in"
echo "== ab -k -c$conns -n 20000 (Sloop)"
ip netns exec "$ns" ab -k -c"$conns" -n 20000 "http://$net.2/1k.bin" 2>&1 | grep -E "Complete requests|Failed requests|Non-2xx|Requests per second|Keep-Alive requests"
kill -TERM "$pid"; wait "$pid" || true; pid=
grep -E "http     tcp|  peak|budget back|LEAK" "$log" | sed 's/^ *//' | cut -c1-400
echo "== the same on Linux's stack: jwebserver on $net.1 in the same namespace"
"$sloop_root/sloop" serve --netns "$ns" --tun "$dev" --addr $net.2/24 --host-addr $net.1/24 --budget 64k --services echo --duration $((secs * 2 + 15)) >"$log" 2>&1 &
pid=$!
for _ in $(seq 300); do grep -q ready "$log" && break; sleep 0.2; done
ip netns exec "$ns" "$JAVA_HOME/bin/jwebserver" -b $net.1 -p 8000 -d "$root" -o none >/dev/null 2>&1 &
jw=$!
sleep 2
ip netns exec "$ns" wrk -t2 -c"$conns" -d"${secs}s" --latency "http://$net.1:8000/1k.bin" | grep -E "Requests/sec|Latency|99%|Non-2xx|Socket errors|requests in"
kill "$jw"; wait "$jw" 2>/dev/null || true
