# Sends N bytes of a seeded pattern to an echo server in one thread, reads the echo in another,
# and prints: sent-sha256 received-sha256 received-bytes seconds
import hashlib, random, socket, sys, threading, time

host, port, total, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
chunk = 64 * 1024
pattern = [rng.randbytes(chunk) for _ in range(16)]
s = socket.create_connection((host, port), timeout=60)
sent_hash = hashlib.sha256()
got_hash = hashlib.sha256()
got = [0]

def reader():
    while got[0] < total:
        b = s.recv(256 * 1024)
        if not b:
            break
        got_hash.update(b)
        got[0] += len(b)

t0 = time.monotonic()
r = threading.Thread(target=reader)
r.start()
left, i = total, 0
while left > 0:
    b = pattern[i % len(pattern)][: min(chunk, left)]
    s.sendall(b)
    sent_hash.update(b)
    left -= len(b)
    i += 1
r.join()
dt = time.monotonic() - t0
s.close()
print(sent_hash.hexdigest(), got_hash.hexdigest(), got[0], "%.3f" % dt)
