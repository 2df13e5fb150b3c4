/** Interoperability with connect-node's gRPC transport. */
import { connectClient } from "./connect-client.js";
import { describeInterop } from "./interop-suite.js";

describeInterop("connect-node's gRPC transport", connectClient);
