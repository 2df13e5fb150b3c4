/**
 * gRPC server reflection, grpc.reflection.v1 and its older name v1alpha (the same messages
 * under another package), over the served descriptors. Each request on the stream gets one
 * response, in order. A name the server does not know is answered with an ErrorResponse
 * (NOT_FOUND), as the protocol wants, and the stream goes on.
 */
import { Code, type ServiceImpl } from "@connectrpc/connect";
import * as v1 from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import type { ServedDescriptors } from "./served-descriptors.js";

/** A request as both versions shape it. */
interface Request {
  readonly host: string;
  readonly messageRequest:
    | { case: "fileByFilename" | "fileContainingSymbol" | "allExtensionNumbersOfType" | "listServices"; value: string }
    | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
    | { case: undefined; value?: undefined };
}

/** A response's message_response as both versions shape it. */
type Answer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

export function serverReflectionV1(descriptors: ServedDescriptors): ServiceImpl<typeof v1.ServerReflection> {
  return { serverReflectionInfo: (requests) => answerEach(requests, descriptors) };
}

export function serverReflectionV1alpha(descriptors: ServedDescriptors): ServiceImpl<typeof v1alpha.ServerReflection> {
  return { serverReflectionInfo: (requests) => answerEach(requests, descriptors) };
}

async function* answerEach<Req extends Request>(requests: AsyncIterable<Req>, descriptors: ServedDescriptors) {
  // Files already sent on this stream are not sent again as another file's imports.
  const sent = new Set<string>();
  for await (const request of requests) {
    const messageResponse = answer(descriptors, request.messageRequest, sent);
    yield { validHost: request.host, originalRequest: request, messageResponse };
  }
}

function answer(descriptors: ServedDescriptors, query: Request["messageRequest"], sent: Set<string>): Answer {
  switch (query.case) {
    case "listServices":
      return { case: "listServicesResponse", value: { service: descriptors.serviceNames.map((name) => ({ name })) } };
    case "fileByFilename":
      return files(descriptors, query.value, sent, `no file named "${query.value}"`);
    case "fileContainingSymbol": {
      const file = descriptors.fileContainingSymbol(query.value);
      return files(descriptors, file, sent, `no symbol named "${query.value}"`);
    }
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = query.value;
      const file = descriptors.fileContainingExtension(containingType, extensionNumber);
      return files(descriptors, file, sent, `no extension ${extensionNumber} of "${containingType}"`);
    }
    case "allExtensionNumbersOfType": {
      const numbers = descriptors.extensionNumbers(query.value);
      if (!numbers) return error(Code.NotFound, `no message type named "${query.value}"`);
      return { case: "allExtensionNumbersResponse", value: { baseTypeName: query.value, extensionNumber: numbers } };
    }
    case undefined:
      return error(Code.InvalidArgument, "the request asks for nothing: set one of its message_request fields");
  }
}

function files(descriptors: ServedDescriptors, name: string | undefined, sent: Set<string>, notFound: string): Answer {
  const encoded = name === undefined ? undefined : descriptors.fileWithImports(name, sent);
  if (!encoded) return error(Code.NotFound, notFound);
  return { case: "fileDescriptorResponse", value: { fileDescriptorProto: encoded } };
}

function error(code: Code, message: string): Answer {
  return { case: "errorResponse", value: { errorCode: code, errorMessage: message } };
}
