# A data connection to a PASV port from an address that no socket on this host has, for
# FtpHostileInteropTest; run inside the test's namespace (ip netns exec). Scapy does what sockets
# cannot: it sends the SYN from SPOOF (an unassigned address of the link), reads Sloop's SYN-ACK
# off the device (the kernel drops it: the address is not local) and completes the handshake, then
# waits for anything the server might send to that peer. Meanwhile the session that asked for the
# passive port connects itself and lists.
#
# usage: ftp_spoof.py HOST USER PASS DEVICE SPOOF
# Prints "ok spoof ..." or "FAIL spoof ...", and the flags and payload sizes Sloop sent to SPOOF.
import re, socket, sys, threading, time

import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.all import IP, TCP, AsyncSniffer, conf, send  # noqa: E402

host, user, password, dev, spoof = sys.argv[1:6]
conf.verb = 0


def out(*a):
    print(*a, flush=True)


def reply(f):
    line = f.readline()
    code = line[:3]
    if line[3:4] == '-':
        while not (line.startswith(code + ' ')):
            line = f.readline()
    return int(code), line.strip()


c = socket.create_connection((host, 21), timeout=15)
f = c.makefile('r', encoding='latin-1', newline='\r\n')


def cmd(x):
    c.sendall(x.encode() + b'\r\n')
    return reply(f)


reply(f)
cmd('USER ' + user)
code, _ = cmd('PASS ' + password)
assert code == 230, code
code, text = cmd('PASV')
h = [int(x) for x in re.search(r'(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)', text).groups()]
port = h[4] * 256 + h[5]

sport = 40000 + int(time.time()) % 20000
seen = []  # what Sloop sent to the spoofed peer, as it arrives (AsyncSniffer.results is only there after stop())
sniff = AsyncSniffer(iface=dev, filter='tcp and src host %s and src port %d and dst host %s' % (host, port, spoof), store=False, prn=seen.append)
sniff.start()
time.sleep(0.5)
isn = 1_000_000
send(IP(src=spoof, dst=host) / TCP(sport=sport, dport=port, flags='S', seq=isn, window=65535, options=[('MSS', 1400)]), iface=None)
synack = None
deadline = time.monotonic() + 3
while time.monotonic() < deadline and synack is None:
    for p in list(seen):
        if p.haslayer(TCP) and p[TCP].flags & 0x12 == 0x12:
            synack = p
            break
    time.sleep(0.05)
if synack is not None:
    send(IP(src=spoof, dst=host) / TCP(sport=sport, dport=port, flags='A', seq=isn + 1, ack=synack[TCP].seq + 1, window=65535), iface=None)
time.sleep(0.5)

# The session's own data connection, and its listing.
d = socket.create_connection((host, port), timeout=10)
code, _ = cmd('NLST /')
data = b''
if code in (125, 150):
    while True:
        chunk = d.recv(65536)
        if not chunk:
            break
        data += chunk
    final, _ = reply(f)
else:
    final = None
d.close()
time.sleep(1.0)
sniff.stop()
sent = [(str(p[TCP].flags), len(bytes(p[TCP].payload))) for p in seen if p.haslayer(TCP)]
stolen = sum(n for _, n in sent)
cmd('QUIT')
c.close()
# Sloop's side of the spoofed connection: if a RST did not end it, close it from "our" side, so
# nothing is left half-open (the test checks memory comes back).
if synack is not None and not any('R' in fl for fl, _ in sent):
    send(IP(src=spoof, dst=host) / TCP(sport=sport, dport=port, flags='R', seq=isn + 1), iface=None)
out('spoofed-peer packets %s' % sent)
if stolen:
    out('FAIL spoof the spoofed peer %s received %d bytes' % (spoof, stolen))
elif final != 226 or b'd00' not in data:
    out('FAIL spoof the session\'s own listing: %s/%s, %d bytes' % (code, final, len(data)))
else:
    out('ok spoof synack=%s stolen=0 owner_listing=%d_bytes' % (synack is not None, len(data)))
