/**
 * Interoperability with the gRPC C-core, the implementation behind the Python, Ruby, C++
 * and PHP clients, through Debian's python3-grpcio (.ci/run installs it).
 */
import { cCoreClient, generatePythonStubs } from "./c-core-client.js";
import { describeInterop } from "./interop-suite.js";

const stubs = generatePythonStubs();

describeInterop("the gRPC C-core (python3-grpcio)", (target) => cCoreClient(target, stubs));
