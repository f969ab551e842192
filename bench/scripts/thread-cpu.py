#!/usr/bin/env python3
"""CPU seconds a JVM's threads used, by group, while this runs: samples /proc/PID/task/*/stat once
a second (a thread that ends keeps what it had at the last sample) until SIGTERM, then prints one
line of cores per group. Used by remote-write-cost.sh: python3 thread-cpu.py PID LABEL."""
import os, signal, sys, time

pid, label = sys.argv[1], sys.argv[2]
hz = os.sysconf("SC_CLK_TCK")
GROUPS = [("remote write (WAL reader, shards)", ("remote-write",)), ("JDK HttpClient", ("HttpClient-",)),
          ("push/HTTP workers", ("XNIO-",)), ("JIT compilers", ("C1 Compiler", "C2 Compiler")),
          ("GC", ("GC Thread", "G1 ", "VM Thread"))]
base, last = {}, {}

def sample(into):
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return
    for t in tids:
        try:
            s = open(f"/proc/{pid}/task/{t}/stat").read()
        except OSError:
            continue
        f = s[s.rindex(")") + 2:].split()
        into[t] = (s[s.index("(") + 1:s.rindex(")")], int(f[11]) + int(f[12]))

stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
sample(base)  # threads alive now count from here; threads born later from 0
start = time.time()
while not stop:
    time.sleep(1)
    sample(last)
sample(last)
dt = time.time() - start
out = {}
for t, (comm, ticks) in last.items():
    used = (ticks - base.get(t, (comm, 0))[1]) / hz
    g = next((name for name, prefixes in GROUPS if comm.startswith(prefixes)), "other")
    out[g] = out.get(g, 0) + used
print(f"THREADS {label}: " + ", ".join(f"{g} {out.get(g, 0) / dt:.3f}" for g in [n for n, _ in GROUPS] + ["other"])
      + f" cores over {dt:.0f} s")
print(f"SENDER_CORES {out.get(GROUPS[0][0], 0) / dt + out.get(GROUPS[1][0], 0) / dt:.4f}")
