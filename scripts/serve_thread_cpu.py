#!/usr/bin/env python3
"""Where `./sloop serve`'s CPU goes per echo connection, thread by thread (root).

    scripts/serve_thread_cpu.py [--bytes N] [--connections N] [--apart] [--budget B] [--rounds N] [--warm-short N]

Starts `./sloop serve --budget B` in a namespace of its own (as ./bench tun does), warms it with
three 200 MB echoes, then runs rounds of N echo connections of --bytes each from python3 in the
namespace, and prints, per round, the client's time per connection and the CPU each of serve's
threads spent per connection (from /proc/<pid>/task/*/schedstat, in nanoseconds): the runner,
the JIT's compiler threads, the status thread.

--warm-short N also runs N short connections back to back before the rounds, so that the
handshake's and the close's paths are compiled too (the 200 MB echoes hardly exercise them).

Back to back (the default) the connections come from one python3 process, one after another;
with --apart each comes from a python3 process of its own, so about 40 ms apart, and the runner
wakes cold for each. Many short rounds back to back run Linux's client out of ephemeral ports
(every connection leaves a TIME_WAIT on the client side): keep connections x rounds under about
10,000.
"""
import argparse, os, statistics, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_serve as b  # noqa: E402

BACK_TO_BACK = r'''
import socket, sys, time, json
host, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]); data = b"x" * k
t = time.monotonic()
for _ in range(n):
    s = socket.create_connection((host, 7)); s.sendall(data); s.shutdown(socket.SHUT_WR)
    while s.recv(1 << 16): pass
    s.close()
print(json.dumps({"us": (time.monotonic() - t) / n * 1e6}))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bytes", type=int, default=1000)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--apart", action="store_true")
    ap.add_argument("--budget", default="64m")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warm-short", type=int, default=0)
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("serve_thread_cpu: needs root (namespaces, TUN devices)")
    with b.Serve(a.budget, []) as s:
        for _ in range(3):
            b.py(b.SV, b.ECHO, b.SLOOP_SRV, 200_000_000)
        if a.warm_short:
            b.py(b.SV, BACK_TO_BACK, b.SLOOP_SRV, a.warm_short, a.bytes)
        for r in range(a.rounds):
            before = b.thread_cpu_ns(s.java)
            if a.apart:
                rates = [b.py(b.SV, b.ECHO, b.SLOOP_SRV, a.bytes)["gbps"] for _ in range(a.connections)]
                client = f"median {statistics.median(rates):.2f} Gbit/s"
            else:
                client = f"{b.py(b.SV, BACK_TO_BACK, b.SLOOP_SRV, a.connections, a.bytes)['us']:.0f} us per connection"
            after = b.thread_cpu_ns(s.java)
            cost = sorted(((after[k] - before.get(k, 0)) / a.connections / 1e3, k) for k in after)[::-1]
            print(f"round {r + 1}, {a.connections} connections of {a.bytes} bytes {'apart' if a.apart else 'back to back'}: "
                  f"client {client}; serve's CPU per connection: "
                  + ", ".join(f"{k} {us:.1f} us" for us, k in cost[:4]), flush=True)


if __name__ == "__main__":
    main()
