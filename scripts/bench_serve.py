#!/usr/bin/env python3
"""./bench tun: `./sloop serve` as a user runs it, against Linux over veth, in one run.

    scripts/bench_serve.py RESULTS_DIR [--runs N] [--warmup N] [--bytes N] [--echo-bytes N] [--echo-long-bytes N]
                           [--budget B] [--serve-arg ARG ...] [--only send,nc,receive,echo,echo-long,ping,rr]

Linux -> Linux: namespaces sloop-vA-PID (198.18.250.1, the servers) and sloop-vB-PID
(198.18.250.2, the clients) joined by a veth pair, MTU 1500, with python3 servers that do what
serve's services do (discard, echo, a chargen-like sender).
Linux <-> Sloop: `./sloop serve --netns sloop-sv-PID --tun sv<PID> --budget 64m` (its defaults
otherwise, plus any --serve-arg), at 198.18.0.2 with the host side at 198.18.0.1.
The same clients run against both, alternating veth and Sloop, RUNS times each, after WARMUP
unrecorded rounds of every figure on both sides (the JVM keeps compiling and recompiling its hot
paths through the first hundreds of megabytes; the first round's figures are kept apart, as "cold");
every figure is reported as median and min-max, with the ratio of the medians. Echo is timed at
20 MB (the issue's figure, about 30 ms) and at 200 MB (steady state, an extra row without a
target); python3's sha256 rate, which bounds the echo client, is measured and printed.
Ping is also sent, in the same alternation, to a minimal C responder on a TUN device of its own
(sloop-bench/src/main/c/tun_ping_floor.c, namespace sloop-fl-PID, 198.18.1.2): the floor that the
device and the kernel's wake-ups set for any user-space stack. Server CPU seconds per GB moved are
measured to the nanosecond: the serve JVM's threads from /proc/PID/task/*/schedstat, the python3
server on veth by its own time.process_time() (all its threads, ended ones included).
Raw results go to RESULTS_DIR/serve.json; the table is printed (and written to summary.txt).
"""
import argparse, contextlib, json, os, re, signal, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PID = os.getpid()
VA, VB, SV, DEV = f"sloop-vA-{PID}", f"sloop-vB-{PID}", f"sloop-sv-{PID}", f"sv{PID}"[:15]
FL, FL_DEV = f"sloop-fl-{PID}", f"fl{PID}"[:15]
VETH_SRV, SLOOP_SRV, FLOOR_SRV = "198.18.250.1", "198.18.0.2", "198.18.1.2"

# ----------------------------------------------------------------------------- peer programs
# Linux servers on veth that do what serve's services do.
SERVERS = r'''
import socket, sys, threading, os, time
def discard(c):
    b = bytearray(1 << 20)
    while c.recv_into(b): pass
    c.close()
def echo(c):
    b = bytearray(1 << 16); v = memoryview(b)
    while True:
        n = c.recv_into(b)
        if not n: break
        c.sendall(v[:n])
    c.close()
def chargen(c):
    buf = memoryview(bytes(1 << 20))
    try:
        while True: c.sendall(buf)
    except OSError: pass
    c.close()
def serve(port, f):
    l = socket.create_server(("0.0.0.0", port), backlog=64)
    while True:
        c, _ = l.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=f, args=(c,), daemon=True).start()
for p, f in ((9, discard), (7, echo), (19, chargen)):
    threading.Thread(target=serve, args=(p, f), daemon=True).start()
print("ready", flush=True)
for line in sys.stdin:  # "cpu": this process's CPU seconds so far, every thread's, ended ones included
    print(time.process_time(), flush=True)
'''

# The throughput issue's targets, Sloop / veth: at least this for rates, at most this for round trips.
TARGETS = {"send": 0.6, "nc": 0.8, "receive": 0.5, "echo": 1.0, "ping": 1.5, "rr": 2.0}

# Clients: each prints one JSON object.
SEND = r'''
import socket, sys, time, json
host, n = sys.argv[1], int(sys.argv[2]); buf = memoryview(bytes(1 << 20)); sent = 0
s = socket.create_connection((host, 9)); t = time.monotonic()
while sent < n:
    k = min(len(buf), n - sent); s.sendall(buf[:k]); sent += k
s.shutdown(socket.SHUT_WR); s.recv(1); dt = time.monotonic() - t; s.close()
print(json.dumps({"gbps": sent * 8 / dt / 1e9}))
'''
RECEIVE = r'''
import socket, sys, time, json
host, n = sys.argv[1], int(sys.argv[2]); b = bytearray(1 << 20); got = 0
s = socket.create_connection((host, 19)); t = time.monotonic()
while got < n:
    k = s.recv_into(b)
    if not k: break
    got += k
dt = time.monotonic() - t; s.close()
print(json.dumps({"gbps": got * 8 / dt / 1e9}))
'''
ECHO = r'''
import socket, sys, time, json, hashlib, threading, os
host, n = sys.argv[1], int(sys.argv[2]); data = os.urandom(n)
s = socket.create_connection((host, 7)); back = hashlib.sha256(); got = [0]
def reader():
    b = bytearray(1 << 20)
    while got[0] < n:
        k = s.recv_into(b)
        if not k: break
        back.update(memoryview(b)[:k]); got[0] += k
t = time.monotonic(); r = threading.Thread(target=reader); r.start()
s.sendall(data); r.join(); dt = time.monotonic() - t; s.close()
ok = got[0] == n and back.digest() == hashlib.sha256(data).digest()
print(json.dumps({"gbps": n * 2 * 8 / dt / 1e9, "sha256_equal": ok}))
'''
RR = r'''
import socket, sys, time, json, statistics
host, n = sys.argv[1], int(sys.argv[2])
s = socket.create_connection((host, 7)); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for _ in range(50): s.sendall(b"x"); s.recv(1)
rtts = []
for _ in range(n):
    t = time.perf_counter_ns(); s.sendall(b"x")
    if not s.recv(1): break
    rtts.append((time.perf_counter_ns() - t) / 1e3); time.sleep(0.002)
s.close()
print(json.dumps({"rr_us": statistics.median(rtts)}))
'''


def sh(*cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, text=True, capture_output=True, **kw)


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns, *cmd]


def py(ns, code, *args, timeout=600):
    out = sh(*in_ns(ns, "python3", "-c", code, *map(str, args)), timeout=timeout).stdout
    return json.loads(out.strip().splitlines()[-1])


def nc_send(ns, host, n):
    t = time.monotonic()
    sh(*in_ns(ns, "bash", "-c", f"head -c {n} /dev/zero | nc -N {host} 9"), timeout=600)
    return {"gbps": n * 8 / (time.monotonic() - t) / 1e9}


def ping(ns, host, count):
    out = sh(*in_ns(ns, "ping", "-n", "-c", str(count), "-i", "0.2", host), check=False).stdout
    rtts = [float(x) for x in re.findall(r"time=([\d.]+) ms", out)]
    return {"ping_us": statistics.median(rtts) * 1000}


def sha256_rate():
    """GB/s of python3's hashlib.sha256 here, best of three: the echo client hashes every byte it reads back."""
    code = ("import hashlib, os, time\nd = os.urandom(100_000_000); best = 0\n"
            "for _ in range(3):\n    t = time.perf_counter(); hashlib.sha256(d).digest(); best = max(best, 0.1 / (time.perf_counter() - t))\n"
            "print(round(best, 2))")
    return float(sh("python3", "-c", code).stdout.strip())


def thread_cpu_ns(pid):
    """CPU nanoseconds of every thread of pid alive now, by thread name (threads of one name summed),
    from /proc/PID/task/*/schedstat."""
    out = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{t}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                out[name] = out.get(name, 0) + int(f.read().split()[0])
        except OSError:
            pass  # the thread ended meanwhile
    return out


def cpu_seconds(pid):
    """CPU seconds of every thread of pid alive now, to the nanosecond."""
    return sum(thread_cpu_ns(pid).values()) / 1e9


class Veth:
    def __enter__(self):
        for ns in (VA, VB):
            sh("ip", "netns", "add", ns)
        sh("ip", "link", "add", "vethA", "netns", VA, "type", "veth", "peer", "name", "vethB", "netns", VB)
        sh("ip", "-n", VA, "addr", "add", VETH_SRV + "/24", "dev", "vethA")
        sh("ip", "-n", VB, "addr", "add", "198.18.250.2/24", "dev", "vethB")
        for ns, dev in ((VA, "vethA"), (VB, "vethB")):
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "link", "set", dev, "mtu", "1500", "up")
        self.proc = subprocess.Popen(in_ns(VA, "python3", "-c", SERVERS), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"
        return self

    def cpu(self):
        # Asked of the server itself: its connections' threads end with them, and /proc keeps
        # only clock ticks for ended threads.
        self.proc.stdin.write("cpu\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        for ns in (VA, VB):
            sh("ip", "netns", "del", ns, check=False)


class Floor:
    """The minimal C ICMP responder on a TUN device in a namespace of its own (ping's floor)."""
    def __init__(self, results):
        self.binary = os.path.join(results, "tun_ping_floor")
        src = os.path.join(ROOT, "sloop-bench", "src", "main", "c", "tun_ping_floor.c")
        sh("cc", "-O2", "-Wall", src, "-o", self.binary)

    def __enter__(self):
        sh("ip", "netns", "add", FL)
        self.proc = subprocess.Popen(in_ns(FL, self.binary, FL_DEV), stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"
        sh("ip", "-n", FL, "link", "set", "lo", "up")
        sh("ip", "-n", FL, "addr", "add", "198.18.1.1/24", "dev", FL_DEV)
        sh("ip", "-n", FL, "link", "set", FL_DEV, "mtu", "1500", "up")
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        sh("ip", "netns", "del", FL, check=False)


class Serve:
    def __init__(self, budget, extra):
        self.args = [os.path.join(ROOT, "sloop"), "serve", "--netns", SV, "--tun", DEV, "--budget", budget, *extra]

    def __enter__(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("serve ended before it was ready:\n" + "".join(self.lines))
            self.lines.append(line)
            if "ready on" in line:
                self.ready = line.strip()
                break
        self.java = self.find_java()
        return self

    def find_java(self):
        # ./sloop execs java, so the pid is the JVM's.
        return self.proc.pid

    def cpu(self):
        return cpu_seconds(self.java)

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rest, _ = self.proc.communicate()
        self.summary = "".join(self.lines) + rest
        sh("ip", "netns", "del", SV, check=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", 5)))
    ap.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", 3)))
    ap.add_argument("--bytes", type=int, default=int(os.environ.get("BENCH_BYTES", 400_000_000)))
    ap.add_argument("--echo-bytes", type=int, default=20_000_000)
    ap.add_argument("--echo-long-bytes", type=int, default=200_000_000)
    ap.add_argument("--budget", default="64m")
    ap.add_argument("--serve-arg", action="append", default=[])
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench tun: needs root (namespaces, TUN devices)")
    os.makedirs(a.results, exist_ok=True)
    n = a.bytes
    figures = [
        ("send", f"Linux -> server, python3 sendall 1 MiB, discard, {n // 1_000_000} MB (Gbit/s)", "gbps", True,
         lambda ns, h: py(ns, SEND, h, n)),
        ("nc", f"Linux -> server, nc from a pipe, discard, {n // 1_000_000} MB (Gbit/s)", "gbps", True,
         lambda ns, h: nc_send(ns, h, n)),
        ("receive", f"server -> Linux, chargen to python3 recv_into, {n // 1_000_000} MB (Gbit/s)", "gbps", True,
         lambda ns, h: py(ns, RECEIVE, h, n)),
        ("echo", f"echo {a.echo_bytes // 1_000_000} MB both ways, sha256 equal (Gbit/s, both directions)", "gbps", True,
         lambda ns, h: py(ns, ECHO, h, a.echo_bytes)),
        # An extra row, with no target: the 20 MB figure lasts about 30 ms, a fifth of it the
        # connection's start on both sides, so it varies by +-15% from run to run; this one
        # shows the steady state.
        ("echo-long", f"echo {a.echo_long_bytes // 1_000_000} MB both ways, steady state (Gbit/s, both directions; no target)", "gbps", True,
         lambda ns, h: py(ns, ECHO, h, a.echo_long_bytes)),
        ("ping", "ping RTT, 30 at 0.2 s (median, us)", "ping_us", False, lambda ns, h: ping(ns, h, 30)),
        ("rr", "1-byte request/response on echo, 500 (median, us)", "rr_us", False, lambda ns, h: py(ns, RR, h, 500)),
    ]
    if a.only:
        figures = [f for f in figures if f[0] in a.only.split(",")]
    load_start = open("/proc/loadavg").read().split()[:3]
    sha = sha256_rate()
    res = {k: {"veth": [], "sloop": [], "veth_cpu": [], "sloop_cpu": [], "cold": {}} for k, *_ in figures}
    floor = []
    sane = True
    # The ping floor's responder only when ping is measured (--only may leave it out).
    floor_ctx = Floor(a.results) if "ping" in res else contextlib.nullcontext()
    with Veth() as veth, Serve(a.budget, a.serve_arg) as serve, floor_ctx:
        # Unrecorded rounds first, both sides: the JVM compiles its hot paths in the first
        # seconds of traffic and goes on recompiling them for hundreds of megabytes (the kernel's
        # are compiled already); a long-running serve is warm. The first round is kept as "cold".
        for w in range(a.warmup):
            for key, label, field, bulk, fn in figures:
                for side, ns, host in (("veth", VB, VETH_SRV), ("sloop", SV, SLOOP_SRV)):
                    r = fn(ns, host)
                    if w == 0:
                        res[key]["cold"][side] = r[field]
                    print(f"warm-up {w + 1} {key} {side}: {r}", file=sys.stderr, flush=True)
        for run in range(a.runs):
            for key, label, field, bulk, fn in figures:
                for side, ns, host, srv in (("veth", VB, VETH_SRV, veth), ("sloop", SV, SLOOP_SRV, serve)):
                    c0 = srv.cpu()
                    r = fn(ns, host)
                    res[key][side].append(r[field])
                    res[key][side + "_cpu"].append(srv.cpu() - c0)
                    if r.get("sha256_equal") is False:
                        sane = False
                    print(f"run {run + 1} {key} {side}: {r}", file=sys.stderr, flush=True)
                if key == "ping":
                    r = fn(FL, FLOOR_SRV)
                    floor.append(r[field])
                    print(f"run {run + 1} ping floor: {r}", file=sys.stderr, flush=True)
    load_end = open("/proc/loadavg").read().split()[:3]
    res["_meta"] = {"ready": serve.ready, "summary": serve.summary, "load_start": load_start, "load_end": load_end,
                    "runs": a.runs, "warmup": a.warmup, "ping_floor_us": floor, "bytes": n, "budget": a.budget, "serve_args": a.serve_arg, "sha256_all_equal": sane}
    with open(os.path.join(a.results, "serve.json"), "w") as f:
        json.dump(res, f, indent=1)
    lines = [f"./bench tun: `./sloop serve --budget {a.budget}{' ' + ' '.join(a.serve_arg) if a.serve_arg else ''}` "
             f"(its defaults otherwise) against Linux over veth, MTU 1500, {a.warmup} warm-up rounds then {a.runs} runs each, alternating.",
             f"load average at start {' '.join(load_start)}, at end {' '.join(load_end)}; nproc {os.cpu_count()}",
             "", "| figure | Linux veth: median (min-max) | Sloop serve: median (min-max) | Sloop / veth |", "|---|---|---|---|"]
    def fmt(xs):
        return f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})" if max(xs) < 100 else \
            f"{statistics.median(xs):.0f} ({min(xs):.0f}-{max(xs):.0f})"
    for key, label, field, bulk, _ in figures:
        v, s = res[key]["veth"], res[key]["sloop"]
        lines.append(f"| {label} | {fmt(v)} | {fmt(s)} | {statistics.median(s) / statistics.median(v):.2f}x |")
    lines.append("")
    if floor:
        v = res["ping"]["veth"]
        lines.append(f"ping floor, a minimal C responder on TUN (sloop-bench/src/main/c/tun_ping_floor.c), same pings: "
                     f"{fmt(floor)} us, {statistics.median(floor) / statistics.median(v):.2f}x veth; "
                     f"Sloop {statistics.median(res['ping']['sloop']) / statistics.median(floor):.2f}x the floor")
    if a.warmup:
        cold = [f"{key} {res[key]['cold']['sloop']:.2f} ({res[key]['cold']['sloop'] / res[key]['cold']['veth']:.2f}x veth)"
                for key, *_ in figures if res[key]["cold"]]
        lines.append("first warm-up round (Sloop's JIT cold), Sloop: " + ", ".join(cold))
    for key, label, field, bulk, _ in figures:
        if not bulk:
            continue
        gb = {"echo": 2 * a.echo_bytes, "echo-long": 2 * a.echo_long_bytes}.get(key, n) / 1e9  # echo: both directions
        lines.append(f"server CPU seconds per GB, {key}{' (both directions)' if key.startswith('echo') else ''}: "
                     f"veth python3 {statistics.median(res[key]['veth_cpu']) / gb:.2f}, "
                     f"Sloop serve {statistics.median(res[key]['sloop_cpu']) / gb:.2f}")
    # The throughput issue's targets, judged as the docs judge them: by the medians, and "met"
    # only if the spreads clear the target too (Sloop's worst run against veth's best).
    lines += ["" if a.budget == "64m" else f"The targets are set for --budget 64m; at {a.budget} they are shown for comparison only.",
              "", "| figure | target | by the medians | worst against best | met |", "|---|---|---|---|---|"]
    for key, label, field, bulk, _ in figures:
        if key not in TARGETS:
            continue
        v, s = res[key]["veth"], res[key]["sloop"]
        t = TARGETS[key]
        med = statistics.median(s) / statistics.median(v)
        worst = min(s) / max(v) if bulk else max(s) / min(v)
        ok = worst >= t if bulk else worst <= t
        lines.append(f"| {key} | {'>=' if bulk else '<='} {t}x veth | {med:.2f}x | {worst:.2f}x | {'yes' if ok else 'no'} |")
    lines.append(f"echo sha256 equal in every run: {sane}")
    if "echo" in res or "echo-long" in res:
        lines.append(f"the echo client's own sha256 of what comes back runs at {sha} GB/s here: a ceiling of "
                     f"{sha * 16:.1f} Gbit/s (both directions) for either server on its own, lower when client and server share the CPUs")
    text = "\n".join(lines)
    print(text)
    with open(os.path.join(a.results, "summary.txt"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
