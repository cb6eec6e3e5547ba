#!/usr/bin/env python3
"""Where a heap's byte arrays are held: reads an HPROF heap dump (`jcmd PID GC.heap_dump -all=false
FILE`, live objects only) and sums the bytes of every byte[] (a String's text, or raw) by the class
of what holds it: for a String's array, the object or array that references the String (and, for
an Object[], the object that references that array), so "ConcurrentSkipListMap$Node" says a sorted
map holds the text, "ObjectMeta" that a fabric8 model object does.

  scripts/bench/hprof-owners.py FILE [--top 25]

A diagnostic for docs/benchmarks.md ("heap per service"), not a test. Standard library only."""
import argparse
import struct
import sys
from collections import defaultdict

BASIC_SIZES = {2: None, 4: 1, 5: 2, 6: 4, 7: 8, 8: 1, 9: 2, 10: 4, 11: 8}  # 2: object (id size)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--type", type=int, default=8, help="HPROF basic type of the arrays: 8 byte (default), 10 int, 11 long")
    a = ap.parse_args()
    with open(a.file, "rb") as f:
        data = f.read()
    end = data.index(b"\0")
    pos = end + 1
    idsize = struct.unpack(">I", data[pos:pos + 4])[0]
    pos += 12
    rid = (lambda b, p: struct.unpack(">Q", b[p:p + 8])[0]) if idsize == 8 else (lambda b, p: struct.unpack(">I", b[p:p + 4])[0])
    BASIC_SIZES[2] = idsize
    strings = {}
    class_name = {}       # class object id -> name
    class_fields = {}     # class id -> (super id, [(type)] instance field types)
    instances = []        # (obj id, class id, field bytes offset, length)
    obj_arrays = []       # (array id, elem class id, offset, count)
    byte_arrays = {}      # array id -> length
    while pos < len(data):
        tag = data[pos]
        length = struct.unpack(">I", data[pos + 5:pos + 9])[0]
        body = pos + 9
        if tag == 0x01:
            strings[rid(data, body)] = data[body + idsize:body + length].decode("utf-8", "replace")
        elif tag == 0x02:
            class_name[rid(data, body + 4)] = rid(data, body + 8 + idsize)
        elif tag in (0x0C, 0x1C):
            p = body
            stop = body + length
            while p < stop:
                sub = data[p]
                p += 1
                if sub == 0xFF:
                    p += idsize
                elif sub in (0x01,):
                    p += 2 * idsize
                elif sub in (0x02, 0x03):
                    p += idsize + 8
                elif sub in (0x04, 0x06):
                    p += idsize + 4
                elif sub in (0x05, 0x07):
                    p += idsize
                elif sub == 0x08:
                    p += idsize + 8
                elif sub == 0x20:
                    cid = rid(data, p)
                    sup = rid(data, p + 4 + idsize)
                    p += 4 + 7 * idsize + 4
                    ncp = struct.unpack(">H", data[p:p + 2])[0]
                    p += 2
                    for _ in range(ncp):
                        t = data[p + 2]
                        p += 3 + BASIC_SIZES[t]
                    nst = struct.unpack(">H", data[p:p + 2])[0]
                    p += 2
                    for _ in range(nst):
                        t = data[p + idsize]
                        p += idsize + 1 + BASIC_SIZES[t]
                    nf = struct.unpack(">H", data[p:p + 2])[0]
                    p += 2
                    types = []
                    for _ in range(nf):
                        types.append(data[p + idsize])
                        p += idsize + 1
                    class_fields[cid] = (sup, types)
                elif sub == 0x21:
                    oid = rid(data, p)
                    cid = rid(data, p + 4 + idsize)
                    n = struct.unpack(">I", data[p + 4 + 2 * idsize:p + 8 + 2 * idsize])[0]
                    start = p + 8 + 2 * idsize
                    instances.append((oid, cid, start, n))
                    p = start + n
                elif sub == 0x22:
                    aid = rid(data, p)
                    n = struct.unpack(">I", data[p + 4 + idsize:p + 8 + idsize])[0]
                    ecid = rid(data, p + 8 + idsize)
                    start = p + 8 + 2 * idsize
                    obj_arrays.append((aid, ecid, start, n))
                    p = start + n * idsize
                elif sub == 0x23:
                    aid = rid(data, p)
                    n = struct.unpack(">I", data[p + 4 + idsize:p + 8 + idsize])[0]
                    t = data[p + 8 + idsize]
                    if t == a.type:
                        byte_arrays[aid] = n * BASIC_SIZES[t]
                    p += 9 + idsize + n * BASIC_SIZES[t]
                else:
                    raise SystemExit("unknown heap sub-record 0x%02x at %d" % (sub, p - 1))
        pos = body + length
    name = {cid: strings.get(sid, "?").replace("/", ".") for cid, sid in class_name.items()}

    def ref_offsets(cid):
        offs = []
        off = 0
        c = cid
        while c in class_fields:
            sup, types = class_fields[c]
            for t in types:
                if t == 2:
                    offs.append(off)
                off += BASIC_SIZES[t]
            c = sup
        return offs
    layout = {}
    held_by = {}          # object id -> (holder id, holder class name), first one seen
    cls_of = {}
    for oid, cid, start, n in instances:
        cls_of[oid] = name.get(cid, "?")
        offs = layout.get(cid)
        if offs is None:
            offs = layout[cid] = ref_offsets(cid)
        for o in offs:
            r = rid(data, start + o)
            if r and r not in held_by:
                held_by[r] = oid
    for aid, ecid, start, n in obj_arrays:
        cls_of[aid] = name.get(ecid, "?") + "[]"
        for i in range(n):
            r = rid(data, start + i * idsize)
            if r and r not in held_by:
                held_by[r] = aid
    by_owner = defaultdict(int)
    total = 0
    for aid, n in byte_arrays.items():
        size = 16 + ((n + 7) // 8) * 8
        total += size
        holder = held_by.get(aid)
        label = cls_of.get(holder, "(root or unknown)")
        if label == "java.lang.String":
            string_holder = held_by.get(holder)
            label = "String in " + cls_of.get(string_holder, "(root or unknown)")
            if cls_of.get(string_holder, "").endswith("[]"):
                label += " of " + cls_of.get(held_by.get(string_holder), "(root or unknown)")
        by_owner[label] += size
    print("arrays of type %d: %.1f MiB in %d arrays" % (a.type, total / 1048576, len(byte_arrays)))
    for label, size in sorted(by_owner.items(), key=lambda kv: -kv[1])[:a.top]:
        print("%10.1f KiB  %s" % (size / 1024, label))


if __name__ == "__main__":
    sys.exit(main())
