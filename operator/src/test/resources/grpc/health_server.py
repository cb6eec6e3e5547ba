"""A grpc.health.v1 server on grpcio (gRPC's C core), for GrpcPythonInteropTest.

Debian's python3-grpcio has no grpc_health package nor protobuf, so the two tiny messages are
coded by hand: HealthCheckRequest {1: string service}, HealthCheckResponse {1: enum status}.
Usage: health_server.py ADDRESS STATUS   (ADDRESS: 127.0.0.1:0 or unix:/path; STATUS: SERVING, ...)
Prints "port N" once listening, then serves until stdin closes.
"""
import sys
from concurrent import futures

import grpc

STATUSES = {"UNKNOWN": 0, "SERVING": 1, "NOT_SERVING": 2, "SERVICE_UNKNOWN": 3}


def service_of(request: bytes) -> str:
    if len(request) >= 2 and request[0] == 0x0A:
        return request[2:2 + request[1]].decode()
    return ""


def main():
    address, status = sys.argv[1], STATUSES[sys.argv[2]]

    def check(request, context):
        if service_of(request) not in ("", "hero.Foundry"):
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        return bytes([0x08, status]) if status else b""

    handler = grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
        "Check": grpc.unary_unary_rpc_method_handler(
            check, request_deserializer=lambda b: b, response_serializer=lambda b: b),
    })
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port(address)
    server.start()
    print("port %d" % port, flush=True)
    sys.stdin.read()
    server.stop(0)


if __name__ == "__main__":
    main()
