#!/usr/bin/env bash
# Regenerates linux-capture.txt: real frames from the Linux kernel, captured on a veth pair
# between two private network namespaces (198.18.0.0/15 only; nothing is sent in the root
# namespace). Needs root, iproute2, ethtool, tcpdump, ping, python3.
# Usage: capture-linux.sh OUT.pcap   (then pcap-to-hex.py OUT.pcap > linux-capture.txt)
set -euo pipefail
OUT=${1:?pcap output file}
A=sloopcapA; B=sloopcapB
cleanup() {
  [[ -n "${TD:-}" ]] && kill "$TD" 2>/dev/null || true
  [[ -n "${LS:-}" ]] && kill "$LS" 2>/dev/null || true
  ip netns del $A 2>/dev/null || true
  ip netns del $B 2>/dev/null || true
}
trap cleanup EXIT
ip netns add $A
ip netns add $B
for ns in $A $B; do ip netns exec $ns sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip link add sloopvA netns $A address 02:00:00:00:00:01 type veth peer name sloopvB netns $B address 02:00:00:00:00:02
# Full checksums on the wire (veth would otherwise leave CHECKSUM_PARTIAL), no segmentation offload.
ip netns exec $A ethtool -K sloopvA tx off tso off gso off >/dev/null
ip netns exec $B ethtool -K sloopvB tx off tso off gso off >/dev/null
ip -n $A addr add 198.18.0.1/24 dev sloopvA
ip -n $B addr add 198.18.0.2/24 dev sloopvB
ip -n $A link set lo up; ip -n $A link set sloopvA up
ip -n $B link set lo up; ip -n $B link set sloopvB up
ip netns exec $B tcpdump -i sloopvB -U -s 0 -w "$OUT" 2>/dev/null & TD=$!
ip netns exec $B python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.2", 5000)); s.listen(1)
c, _ = s.accept(); d = c.recv(100); c.sendall(b"pong\n"); c.close()
' & LS=$!
sleep 2
ip netns exec $A ping -c 1 -W 2 198.18.0.2 >/dev/null
ip netns exec $A ping -c 1 -W 2 -s 3000 198.18.0.2 >/dev/null
ip netns exec $A python3 -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"sloop udp\n", ("198.18.0.2", 9))'
sleep 1
ip netns exec $A python3 -c '
import socket, time
c = socket.create_connection(("198.18.0.2", 5000))
c.sendall(b"hello sloop\n"); c.recv(100); time.sleep(0.2); c.close()'
wait $LS; LS=
sleep 1
kill $TD; wait $TD 2>/dev/null || true; TD=
