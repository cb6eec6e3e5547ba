#!/usr/bin/python3
"""Top items of a JFR recording's CPU samples (jdk.ExecutionSample): by thread, by top frame, and by
the first frame in a chosen package set ("where in our code / which library").

  jfr-top.py RECORDING.jfr [N]
"""
import collections
import json
import re
import subprocess
import sys


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path],
                         capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    load = json.loads(subprocess.run(["jfr", "print", "--json", "--events", "jdk.ThreadCPULoad", path],
                                     capture_output=True, text=True, check=True).stdout)["recording"]["events"]
    per_thread = collections.defaultdict(float)
    periods = collections.Counter()
    for e in load:
        v = e["values"]
        t = re.sub(r"[0-9]+", "#", (v.get("eventThread") or {}).get("javaName") or "?")
        per_thread[t] += float(v["user"]) + float(v["system"])
    samples_per_thread = max(1, max(collections.Counter(
        (e["values"].get("eventThread") or {}).get("javaThreadId") for e in load).values(), default=1))
    total_load = sum(per_thread.values()) or 1.0
    print("jdk.ThreadCPULoad (every Java thread, compiler and GC threads included when JFR lists them),"
          " share of the process's CPU:")
    for t, v in sorted(per_thread.items(), key=lambda kv: -kv[1])[:n]:
        print("  %5.1f %%  %s" % (100.0 * v / total_load, t))
    print()
    threads, tops, owners, libs = (collections.Counter() for _ in range(4))
    for e in events:
        v = e["values"]
        t = (v.get("sampledThread") or {}).get("javaName") or "?"
        threads[re.sub(r"[0-9]+", "#", t)] += 1
        frames = (v.get("stackTrace") or {}).get("frames") or []
        names = ["%s.%s" % (f["method"]["type"]["name"].replace("/", "."), f["method"]["name"]) for f in frames]
        if names:
            tops[names[0]] += 1
        ours = next((x for x in names if x.startswith("tf.ourworld")), None)
        owners[ours or "(no frame of ours)"] += 1
        lib = next((x for x in names if not x.startswith(("java.", "jdk.", "sun."))), names[0] if names else "?")
        libs[".".join(lib.split(".")[:3])] += 1
    total = len(events)
    print("%d CPU samples (jdk.ExecutionSample: threads running Java code only)" % total)
    if not total:
        return
    for title, c in (("by thread", threads), ("by top frame", tops), ("by first frame outside the JDK (package)", libs),
                     ("by first frame of ours", owners)):
        print("\n%s:" % title)
        for k, v in c.most_common(n):
            print("  %5.1f %%  %s" % (100.0 * v / total, k))


if __name__ == "__main__":
    main()
