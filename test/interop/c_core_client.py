"""An interoperability client on the gRPC C-core (Debian's python3-grpcio).

Reads one scenario as JSON on stdin, runs it against the server and prints its outcome as
one JSON line on stdout; test/interop/c-core-client.ts drives it. Stubs are generated from
proto/ at test time into the directory named by the first argument (see that module).

Scenarios (the calls named as in c-core-client.ts):
  calls       the calls in turn, on one channel
  concurrent  one call made `count` times at once, on one channel
  idle        a call, `idleMs` without calls on a channel that sends keepalive pings, a call
  watch       health Watch, cancelled by the client after the first message
"""

import json
import sys
import threading
import time

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from google.protobuf import json_format, symbol_database  # noqa: E402
from google.rpc import status_pb2  # noqa: E402
from zitadel.admin.v1 import admin_pb2  # noqa: E402,F401  (registers the messages)
from zitadel.management.v1 import management_pb2  # noqa: E402,F401
from zitadel.v1 import message_pb2  # noqa: E402
from vendored.grpc.health.v1 import health_pb2  # noqa: E402

SYMBOLS = symbol_database.Default()
ERROR_DETAIL_TYPE = "type.googleapis.com/zitadel.v1.ErrorDetail"


def method_types(path):
    """The request and response classes of /package.Service/Method, or None for a method the protos lack."""
    service_name, method_name = path.lstrip("/").split("/")
    try:
        service = SYMBOLS.pool.FindServiceByName(service_name)
    except KeyError:
        return None
    method = service.methods_by_name.get(method_name)
    if method is None:
        return None
    return SYMBOLS.GetSymbol(method.input_type.full_name), SYMBOLS.GetSymbol(method.output_type.full_name)


def varint(value):
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def padded_message(size):
    """A message of exactly `size` bytes: one length-delimited field (15) that no request declares."""
    for length_bytes in range(1, 6):
        payload = size - 1 - length_bytes
        if payload >= 0 and len(varint(payload)) == length_bytes:
            return bytes([15 << 3 | 2]) + varint(payload) + b"a" * payload
    raise ValueError("no message is %d bytes long" % size)


def decode_status(trailing_metadata):
    """google.rpc.Status from grpc-status-details-bin, with the zitadel.v1.ErrorDetails among its details."""
    for key, value in trailing_metadata or ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        details = [
            message_pb2.ErrorDetail.FromString(any_detail.value)
            for any_detail in status.details
            if any_detail.type_url == ERROR_DETAIL_TYPE
        ]
        return {
            "code": status.code,
            "message": status.message,
            "details": [{"id": detail.id, "message": detail.message} for detail in details],
        }
    return None


def start_call(channel, spec):
    """Starts one call as a future; returns it with a function that makes its outcome."""
    types = method_types(spec["path"])
    if "paddingBytes" in spec or types is None:
        request = padded_message(spec["paddingBytes"]) if "paddingBytes" in spec else b""
        stub = channel.unary_unary(spec["path"])
        response_type = None
    else:
        request_type, response_type = types
        request = json_format.ParseDict(spec.get("request", {}), request_type())
        stub = channel.unary_unary(
            spec["path"], request_serializer=request_type.SerializeToString, response_deserializer=response_type.FromString
        )
    timeout = spec["timeoutMs"] / 1000 if "timeoutMs" in spec else None
    compression = grpc.Compression.Gzip if spec.get("gzip") else None
    metadata = list(spec.get("headers", {}).items())
    future = stub.future(request, timeout=timeout, metadata=metadata, compression=compression)

    def outcome():
        try:
            response = future.result()
        except grpc.RpcError as error:
            result = {"code": error.code().value[0], "message": error.details() or ""}
            status = decode_status(error.trailing_metadata())
            if status is not None:
                result["status"] = status
            return result
        result = {"code": 0, "message": ""}
        if response_type is not None:
            result["response"] = json_format.MessageToDict(response)
        return result

    return future, outcome


def call(channel, spec):
    return start_call(channel, spec)[1]()


def channel_for(target, scenario):
    options = [("grpc.max_receive_message_length", 16 * 1024 * 1024)]
    keepalive = scenario.get("keepaliveMs")
    if keepalive:
        options += [
            ("grpc.keepalive_time_ms", keepalive),
            ("grpc.keepalive_timeout_ms", 5000),
            ("grpc.keepalive_permit_without_calls", 1),
            # By default the C-core stops pinging after two pings without data, and waits
            # five minutes between pings when no data was sent.
            ("grpc.http2.max_pings_without_data", 0),
            ("grpc.http2.min_time_between_pings_ms", keepalive),
        ]
    return grpc.insecure_channel(target, options=options)


def run_calls(channel, scenario):
    return {"outcomes": [call(channel, spec) for spec in scenario["calls"]]}


def run_concurrent(channel, scenario):
    started = [start_call(channel, scenario["call"]) for _ in range(scenario["count"])]
    return {"outcomes": [outcome() for _, outcome in started]}


def run_idle(channel, scenario):
    # Python's C-core polls a channel's socket only while something waits on it: with no
    # call in flight, a keepalive ping would stay unsent. Watching the channel's
    # connectivity, as applications that track it do, keeps it polled.
    states = []
    channel.subscribe(states.append, try_to_connect=True)
    before = call(channel, scenario["call"])
    time.sleep(scenario["idleMs"] / 1000)
    after = call(channel, scenario["call"])
    channel.unsubscribe(states.append)
    return {"outcomes": [before, after]}


def run_watch(channel, scenario):
    stub = channel.unary_stream(
        "/grpc.health.v1.Health/Watch",
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString,
    )
    responses = stub(health_pb2.HealthCheckRequest(service=""), timeout=scenario["timeoutMs"] / 1000)
    first = next(responses)
    cancelled = threading.Event()
    responses.add_done_callback(lambda _: cancelled.set())
    responses.cancel()
    cancelled.wait(scenario["timeoutMs"] / 1000)
    return {
        "first": health_pb2.HealthCheckResponse.ServingStatus.Name(first.status),
        "code": responses.code().value[0],
        "after": call(channel, scenario["after"]),
    }


SCENARIOS = {"calls": run_calls, "concurrent": run_concurrent, "idle": run_idle, "watch": run_watch}


def main():
    scenario = json.load(sys.stdin)
    channel = channel_for(scenario["target"], scenario)
    try:
        result = SCENARIOS[scenario["scenario"]](channel, scenario)
    finally:
        channel.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
