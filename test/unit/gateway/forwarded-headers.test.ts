/** The headers a REST call hands on to its RPC: credentials and ZITADEL's own, nothing else. */
import { expect, it } from "@jest/globals";
import { forwardedHeaders } from "../../../src/server/gateway/forwarded-headers.js";

it("passes authorization and every x-zitadel-* header, and nothing that could steer the call", () => {
  const headers = forwardedHeaders({
    authorization: "Bearer abc",
    "x-zitadel-orgid": "123",
    "x-zitadel-login-client": "client",
    "content-type": "text/plain",
    "connect-timeout-ms": "1",
    "grpc-timeout": "1S",
    "accept-encoding": "gzip",
    cookie: "session=1",
    host: "example.com",
  });
  expect([...headers]).toEqual([
    ["authorization", "Bearer abc"],
    ["x-zitadel-login-client", "client"],
    ["x-zitadel-orgid", "123"],
  ]);
});
