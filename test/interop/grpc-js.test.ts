/** Interoperability with @grpc/grpc-js, the gRPC implementation of Node.js services. */
import { grpcJsClient } from "./grpc-js-client.js";
import { describeInterop } from "./interop-suite.js";

describeInterop("@grpc/grpc-js", grpcJsClient);
