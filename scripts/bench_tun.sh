#!/usr/bin/env bash
# ./bench tun: Sloop over a real TUN device against Linux over a veth pair, in one run, MTU 1500.
#   scripts/bench_tun.sh RESULTS_DIR      (called by ./bench tun after the bench build; needs root)
# Env: TUN_BENCH_BYTES (default 1000000000 each way), TUN_BENCH_CPS_SECONDS (default 5).
# Linux -> Linux: namespaces sloop-vA-PID (198.18.250.1) and sloop-vB-PID (198.18.250.2) joined by a
# veth pair; iperf3 -c from B to A for 10 s; the same python3 sender/receiver as for Sloop; tcp_cps.
# Linux <-> Sloop: net.sloop.bench.TunBench (its own namespace sloop-bench-PID, 198.18.251.0/24).
# Raw outputs go to RESULTS_DIR (veth_iperf3.json, veth.properties, tun.properties); the summary is printed.
set -euo pipefail
res="$1"
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/env.sh"
out="$sloop_root/target/bench"
cp="$sloop_root/sloop-bench/target/classes:$sloop_root/sloop-bench/target/lib/*"
java=("$JAVA_HOME/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED)
bytes="${TUN_BENCH_BYTES:-1000000000}"
cps_seconds="${TUN_BENCH_CPS_SECONDS:-5}"
[ "$(id -u)" = 0 ] || { echo "bench tun: needs root (namespaces, TUN devices)" >&2; exit 1; }
sloop_need_packages iperf3 gcc iproute2 >/dev/null || true
cc -O2 "$sloop_root/sloop-bench/src/main/c/tcp_cps.c" -o "$out/tcp_cps"

a="sloop-vA-$$" b="sloop-vB-$$"
cleanup() {
  ip netns pids "$a" 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$a"
ip netns add "$b"
ip link add vethA netns "$a" type veth peer name vethB netns "$b"
ip -n "$a" addr add 198.18.250.1/24 dev vethA
ip -n "$b" addr add 198.18.250.2/24 dev vethB
for ns in "$a" "$b"; do
  ip -n "$ns" link set lo up
  ip -n "$ns" link set dev "veth${ns:7:1}" mtu 1500 up
  ip netns exec "$ns" sysctl -q -w net.ipv4.tcp_tw_reuse=1 "net.ipv4.ip_local_port_range=10000 65000"
done

send_py=$(sed -n '/static final String SEND = """/,/""";/p' "$sloop_root/sloop-bench/src/main/java/net/sloop/bench/TunBench.java" | sed '1d;$d' | sed 's/^            //')
recv_py=$(sed -n '/static final String RECEIVE = """/,/""";/p' "$sloop_root/sloop-bench/src/main/java/net/sloop/bench/TunBench.java" | sed '1d;$d' | sed 's/^            //')

echo "bench tun: Linux -> Linux over veth: iperf3 -c 198.18.250.1 -t 10 (MTU 1500)" >&2
ip netns exec "$a" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
sleep 1
ip netns exec "$b" iperf3 -c 198.18.250.1 -p 5201 -t 10 -J > "$res/veth_iperf3.json"
wait || true

echo "bench tun: Linux -> Linux over veth: python3 sender -> python3 receiver, $bytes bytes" >&2
# The receiver script connects; over veth the sender side listens instead (same loops, same buffers).
srv_send='import socket, sys, time
n = int(sys.argv[1]); buf = memoryview(bytes(1 << 20)); sent = 0
l = socket.create_server(("0.0.0.0", 5301)); print("ready", flush=True); s, _ = l.accept()
t = time.monotonic()
while sent < n:
    k = min(len(buf), n - sent); s.sendall(buf[:k]); sent += k
s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
print(sent, time.monotonic() - t)'
ip netns exec "$a" python3 -c "$srv_send" "$bytes" > "$res/veth_python_sender.txt" &
sleep 1
ip netns exec "$b" python3 -c "$recv_py" 198.18.250.1 5301 > "$res/veth_python_receiver.txt"
wait || true

echo "bench tun: Linux -> Linux over veth: tcp_cps client for $cps_seconds s" >&2
ip netns exec "$a" "$out/tcp_cps" server 5401 > /dev/null &
sleep 0.5
ip netns exec "$b" "$out/tcp_cps" client 198.18.250.1 5401 "$cps_seconds" > "$res/veth_cps.properties"
cleanup
trap - EXIT

# Each offload mode in turn (TunLink.Options.offload): off = plain frames, one per read/write;
# on = virtio-net headers, GSO and checksum offload both ways. tun.properties is the last mode's.
modes="${TUN_BENCH_MODES:-off on}"
for mode in $modes; do
  echo "bench tun: Linux <-> Sloop over TUN, offload $mode: net.sloop.bench.TunBench $bytes $cps_seconds" >&2
  "${java[@]}" -cp "$cp" net.sloop.bench.TunBench "$bytes" "$cps_seconds" "$out/tcp_cps" 1500 "$mode" > "$res/tun_$mode.properties"
  cp "$res/tun_$mode.properties" "$res/tun.properties"
done
echo "modes=$modes" >> "$res/machine.properties"
echo "loadavg.end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$res/machine.properties"

python3 - "$res" <<'PY' | tee "$res/summary.txt"
import json, os, sys
res = sys.argv[1]
def props(name):
    d = {}
    for line in open(os.path.join(res, name)):
        if '=' in line and not line.startswith('#'):
            k, v = line.rstrip('\n').split('=', 1); d[k] = v
    return d
m, tun, vcps = props('machine.properties'), props('tun.properties'), props('veth_cps.properties')
iperf = json.load(open(os.path.join(res, 'veth_iperf3.json')))['end']['sum_received']['bits_per_second'] / 1e9
n, t = open(os.path.join(res, 'veth_python_receiver.txt')).read().split()
vpy = int(n) * 8 / float(t) / 1e9
modes = m.get('modes', 'default').split()
print(f"Run {m.get('date')}, ./bench tun, MTU 1500. Machine: {m.get('cpu')}, nproc {m.get('nproc')}, Linux {m.get('kernel')}, {m.get('jdk')}")
print(f"load average at start {m.get('loadavg.start')}, at end {m.get('loadavg.end')}")
print()
print("| Figure | Value | Ratio to Linux -> Linux (iperf3, veth) | Ratio to Linux -> Linux (python3, veth) |")
print("|---|---|---|---|")
print(f"| Linux -> Linux over veth, iperf3 -t 10 (Gbit/s) | {iperf:.2f} | 1 | |")
print(f"| Linux -> Linux over veth, python3 sender -> python3 receiver, {int(n):,} bytes (Gbit/s) | {vpy:.2f} | {vpy/iperf:.2f}x | 1 |")
tuns = {mode: props(f'tun_{mode}.properties') if os.path.exists(os.path.join(res, f'tun_{mode}.properties')) else tun for mode in modes}
for mode, t in tuns.items():
    l2s, s2l = float(t['tun.linux_to_sloop.gbps']), float(t['tun.sloop_to_linux.gbps'])
    gso = f", {int(t['tun.link.gso_received']):,} GSO frames in" if int(t.get('tun.link.gso_received', 0)) else ""
    print(f"| Linux -> Sloop over TUN, offload {mode}, python3 -> BlockingSocket (Gbit/s{gso}) | {l2s:.2f} | {l2s/iperf:.2f}x | {l2s/vpy:.2f}x |")
    print(f"| Sloop -> Linux over TUN, offload {mode}, BlockingSocket -> python3 (Gbit/s) | {s2l:.2f} | {s2l/iperf:.2f}x | {s2l/vpy:.2f}x |")
print(f"| Linux -> Linux over veth, tcp_cps client -> tcp_cps server (connections/s) | {float(vcps['tcp.cps']):,.0f} | | |")
for mode, t in tuns.items():
    if 'tun.cps' in t:
        print(f"| Linux -> Sloop over TUN, offload {mode}, tcp_cps client -> Sloop discard service (connections/s) | {float(t['tun.cps']):,.0f} | {float(t['tun.cps'])/float(vcps['tcp.cps']):.2f}x (of veth cps) | |")
target = iperf / 2
print()
for mode, t in tuns.items():
    l2s = float(t['tun.linux_to_sloop.gbps'])
    print(f"Target, offload {mode}: Linux -> Sloop >= half of Linux -> Linux over veth ({target:.2f} Gbit/s): "
          + ("met: " + f"{l2s:.2f} Gbit/s is {l2s/iperf*100:.0f}% of veth" if l2s >= target else f"missed: {l2s:.2f} Gbit/s is {l2s/iperf*100:.0f}% of veth, {l2s/target*100:.0f}% of the target ({target/l2s:.1f}x short)"))
PY
