#!/usr/bin/python3
"""Splits a Go CPU profile (e.g. kube-apiserver's, from bench-scale --real --pprof) into exclusive
parts: each sample goes to the first part, in the order below, that a function of its stack
matches. Prints each part's share and CPU seconds.

  pprof-split.py PROFILE.pprof
"""
import re
import subprocess
import sys

# (part, regular expression on a function name); the first part matching any frame of a sample wins
PARTS = [
    ("Go GC (background marking)", r"^runtime\.gcBgMarkWorker"),
    ("CEL rules of the CRD (x-kubernetes-validations), on every status write", r"apiserver/schema/cel\.\(\*Validator\)\.Validate$"),
    ("managed fields", r"managedfields/internal\.\(\*FieldManager\)\.Update"),
    ("JSON patch applied to the stored object", r"handlers\.\(\*jsonPatcher\)\.applyPatchToCurrentObject"),
    ("OpenAPI schema validation, pruning and coercion", r"ValidateUpdate|unstructuredSchemaCoercer|structuralpruning|schemaobjectmeta"),
    ("watch: events from etcd decoded, sent to watchers", r"etcd3\.\(\*watchChan\)|cacher\.\(\*Cacher\)|cacher\.\(\*cacheWatcher\)|cacher\.\(\*watchCache\)|\(\*WatchServer\)|serveWatch"),
    ("etcd client (write, read)", r"go\.etcd\.io/etcd/client|grpc"),
    ("the rest of the update: the stored object read, decoded, the new one encoded", r"etcd3\.decode|etcd3\.\(\*store\)\.GuaranteedUpdate|versioning\.\(\*codec\)|registry\.\(\*Store\)\.Update"),
    ("response encoded", r"transformResponseObject|WriteObjectNegotiated"),
    ("audit log", r"audit\.|/audit/"),
    ("authentication, authorization, flow control", r"withAuthentication|withAuthorization|priorityAndFairness|flowcontrol"),
    ("TLS and HTTP/2", r"^crypto/|http2|net/http\.\(\*conn\)"),
    ("other request handling", r"k8s\.io/apiserver/pkg/endpoints"),
    ("Go runtime (scheduler, allocation outside a request)", r"^runtime\."),
]


def main():
    raw = subprocess.run(["go", "tool", "pprof", "-raw", sys.argv[1]], capture_output=True, text=True, check=True).stdout
    names = {}
    samples = []
    section = None
    for line in raw.splitlines():
        if line.startswith("Samples:"):
            section = "samples"
            continue
        if line.startswith("Locations"):
            section = "locations"
            continue
        if line.startswith("Mappings"):
            section = None
            continue
        if section == "samples":
            m = re.match(r"\s+(\d+)\s+(\d+): ([\d ]+)$", line)
            if m:
                samples.append((int(m.group(2)), [int(x) for x in m.group(3).split()]))
        elif section == "locations":
            m = re.match(r"\s+(\d+): 0x[0-9a-f]+ M=\d+ (\S+)", line)
            if m:
                names[int(m.group(1))] = [m.group(2)]
                last = int(m.group(1))
            else:
                m = re.match(r"\s+(\S+) \S+:\d+", line)
                if m and section == "locations" and names:
                    names[last].append(m.group(1))
    parts = [(p, re.compile(rx)) for p, rx in PARTS]
    totals = {p: 0 for p, _ in PARTS}
    totals["rest"] = 0
    for nanos, stack in samples:
        funcs = [f for loc in stack for f in names.get(loc, ["?"])]
        for p, rx in parts:
            if any(rx.search(f) for f in funcs):
                totals[p] += nanos
                break
        else:
            totals["rest"] += nanos
    all_ = sum(totals.values()) or 1
    print("%.1f CPU-seconds in the profile" % (all_ / 1e9))
    for p, v in sorted(totals.items(), key=lambda kv: -kv[1]):
        print("  %5.1f %%  %6.1f s  %s" % (100.0 * v / all_, v / 1e9, p))


if __name__ == "__main__":
    main()
