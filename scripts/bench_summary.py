"""Reads one ./bench run's raw outputs and prints the table of figures, ratios and targets."""
import json, os, sys

res = sys.argv[1]

def props(name):
    d = {}
    p = os.path.join(res, name)
    if os.path.exists(p):
        for line in open(p):
            if '=' in line and not line.startswith('#'):
                k, v = line.rstrip('\n').split('=', 1)
                d[k] = v
    return d

m = props('machine.properties')
cps_linux = props('linux_cps.properties')
meas = props('measure.properties')
linux_gbps = None
p = os.path.join(res, 'iperf3.json')
if os.path.exists(p):
    try:
        linux_gbps = json.load(open(p))['end']['sum_received']['bits_per_second'] / 1e9
    except Exception:
        pass
jmh = {}
p = os.path.join(res, 'jmh.json')
if os.path.exists(p):
    for r in json.load(open(p)):
        name = r['benchmark'].rsplit('.', 1)[1]
        key = name + ('.mtu' + r['params']['mtu'] if 'params' in r and 'mtu' in r['params'] else '')
        alloc = r.get('secondaryMetrics', {}).get('gc.alloc.rate.norm', {}).get('score')
        jmh[key] = (r['primaryMetric']['score'], r['primaryMetric']['scoreError'], alloc)

CHUNK = 4 * 1024 * 1024
print(f"Sloop benchmark run {m.get('date')}: {m.get('cpu')}, {m.get('nproc')} CPUs, Linux {m.get('kernel')}, {m.get('jdk')}")
print(f"load average at start {m.get('loadavg.start')}, at end {m.get('loadavg.end')}")
print()
print("| Figure | Value | Linux loopback | Ratio | Target | Met |")
print("|---|---|---|---|---|---|")
def row(*c):
    print('| ' + ' | '.join(str(x) for x in c) + ' |')

if linux_gbps:
    row("Linux loopback bulk, iperf3 -c 127.0.0.1 -t 10 (Gbit/s)", f"{linux_gbps:.2f}", '', '', '', '')
if 'linux.cps' in cps_linux:
    row("Linux loopback connections/s (sloop-bench/src/main/c/linux_cps.c, 5 s)", f"{float(cps_linux['linux.cps']):,.0f}", '', '', '', '')
best = 0
for mtu in ('1500', '9000', '65535'):
    k = 'bulk.mtu' + mtu
    if k in jmh:
        s, e, a = jmh[k]
        g = s * CHUNK * 8 / 1e9
        best = max(best, g)
        ratio = g / linux_gbps if linux_gbps else None
        row(f"Sloop bulk, 1 connection, MTU {mtu} (Gbit/s)", f"{g:.2f} ± {e * CHUNK * 8 / 1e9:.2f}",
            f"{linux_gbps:.2f}" if linux_gbps else '-', f"{ratio:.2f}x" if ratio else '-', '>= 1.5x',
            ('yes' if ratio >= 1.5 else f"no ({ratio / 1.5 * 100:.0f}% of target)") if ratio else '-')
if 'connections' in jmh:
    s, e, a = jmh['connections']
    lc = float(cps_linux['linux.cps']) if 'linux.cps' in cps_linux else None
    ratio = s / lc if lc else None
    row("Sloop connections/s (connect, accept, close both)", f"{s:,.0f} ± {e:,.0f}", f"{lc:,.0f}" if lc else '-',
        f"{ratio:.1f}x" if ratio else '-', '>= 2x', ('yes' if ratio >= 2 else 'no') if ratio else '-')
for mtu in ('1500', '65535'):
    k = f'alloc.bulk.mtu{mtu}.bytesPerSegment'
    if k in meas:
        v = float(meas[k])
        row(f"Heap bytes allocated per segment, bulk steady state, MTU {mtu} (thread allocation counter, "
            f"{meas[f'alloc.bulk.mtu{mtu}.segments']} segments)", f"{v:.4f}", '-', '-', '0', 'yes' if v == 0 else 'no')
for mtu in ('1500', '9000', '65535'):
    k = 'bulk.mtu' + mtu
    if k in jmh and jmh[k][2] is not None:
        row(f"JMH gc.alloc.rate.norm, bulk MTU {mtu} (bytes per 4 MiB op)", f"{jmh[k][2]:.2f}", '-', '-', '~0', '-')
if 'connections' in jmh and jmh['connections'][2] is not None:
    row("JMH gc.alloc.rate.norm, connections (bytes per connection)", f"{jmh['connections'][2]:.0f}", '-', '-', '-', '-')
if 'alloc.connections.bytesPerConnection' in meas:
    row("Heap bytes allocated per connection life (control block, handle)", meas['alloc.connections.bytesPerConnection'],
        '-', '-', '-', '-')
for bs in ('512', '4096'):
    k = f'timewait.block{bs}'
    if k + '.blockBytesPerRecord' in meas:
        v = float(meas[k + '.chargedBytesPerRecord'])
        row(f"TIME_WAIT record, {bs}-byte blocks ({meas[k + '.records']} records): block bytes / incl. table share",
            f"{meas[k + '.blockBytesPerRecord']} / {v:.2f}", '-', '-', '<= 48', 'yes' if v <= 48 else f"no (+{v - 48:.1f})")
if 'idle.client.retainedHeapBytes' in meas:
    h = int(meas['idle.client.retainedHeapBytes'])
    ch = int(meas['idle.client.chargeBytes'])
    tot = h + ch
    row("Idle established connection: retained heap (JOL)", h, '-', '-', '-', '-')
    row("Idle established connection: CONTROL charge", ch, '-', '-', '-', '-')
    row("Idle established connection: heap + charge", tot, '-', '-', '<= 384', 'yes' if tot <= 384 else f"no ({tot / 384:.1f}x)")
    row(f"Idle established connection: committed blocks (receive window + minimum; {meas['idle.client.blockSize']}-byte blocks)",
        f"{meas['idle.client.committedBlocks']} = {meas['idle.client.committedBytes']} bytes", '-', '-', '(reported apart)', '-')
