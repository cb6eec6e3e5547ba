#!/usr/bin/python3
"""A tiny HTTP/1.1 handler on a unix socket, for the repair benchmark (scripts/bench-repair.sh).

  fake-service.py SOCKET [--pidfile FILE]

GET /health answers 200 "ok". The file SOCKET.mode switches it, read on every request:
  empty  every connection is accepted, its request read, and closed without a byte (empty reply)
  500    every request gets HTTP 500
The mode file is removed at start, so a restart always cures the handler (as the demo's poison
file). Killing is done from outside (SIGKILL on the pid). One request per connection, one thread.
Every request that is not the harness's own (header X-Bench: harness) leaves its time
(time.monotonic(), comparable across processes on Linux) in SOCKET.probed: the harness times a
fault from the supervising tool's last probe.
"""
import os
import signal
import socket
import sys
import time


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit("usage: fake-service.py SOCKET [--pidfile FILE]")
    path = os.path.abspath(args[0])
    pidfile = args[args.index("--pidfile") + 1] if "--pidfile" in args else None
    mode_file = path + ".mode"
    for stale in (mode_file, path):
        try:
            os.unlink(stale)
        except FileNotFoundError:
            pass
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(64)
    if pidfile:
        tmp = pidfile + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % os.getpid())
        os.replace(tmp, pidfile)
    try:
        while True:
            conn, _ = srv.accept()
            try:
                serve(conn, mode_file, path + ".probed")
            except OSError:
                pass
            finally:
                conn.close()
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def serve(conn, mode_file, probed_file):
    conn.settimeout(2)
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    if b"\r\nX-Bench: harness\r\n" not in data:
        with open(probed_file + ".tmp", "w") as f:
            f.write("%.6f\n" % time.monotonic())
        os.replace(probed_file + ".tmp", probed_file)
    try:
        with open(mode_file) as f:
            mode = f.read().strip()
    except FileNotFoundError:
        mode = ""
    if mode == "empty":
        return
    if mode == "500":
        body, status = b"broken\n", b"500 Internal Server Error"
    else:
        body, status = b"ok\n", b"200 OK"
    conn.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Type: text/plain\r\nContent-Length: "
                 + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


if __name__ == "__main__":
    main()
