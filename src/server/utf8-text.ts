/**
 * Text a caller sends (JSON bodies and messages, percent-encoded query values) must be
 * UTF-8, as JSON (RFC 8259) and protobuf strings require. Decoders that replace invalid bytes
 * with U+FFFD, as TextDecoder and URLSearchParams do by default, would store another string
 * than the one sent; these refuse it instead, with InvalidArgument.
 */
import { Code, ConnectError } from "@connectrpc/connect";

function notUtf8(): ConnectError {
  return new ConnectError("the text is not valid UTF-8", Code.InvalidArgument);
}

/** Reads UTF-8 in pieces, refusing the first invalid sequence, also one split across pieces. */
class Utf8Check {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  decode(bytes: Uint8Array): string {
    try {
      return this.decoder.decode(bytes);
    } catch {
      throw notUtf8();
    }
  }
}

/** Decodes UTF-8 bytes; invalid UTF-8 is InvalidArgument. */
export function decodeUtf8(bytes: Uint8Array): string {
  return new Utf8Check().decode(bytes);
}

/**
 * An application/x-www-form-urlencoded query ("a=1&b=%C3%A9+x"), as URLSearchParams reads
 * it, except that a percent-encoding that is malformed or not UTF-8 is InvalidArgument.
 */
export function parseQuery(query: string): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const equals = pair.indexOf("=");
    const [name, value] = equals === -1 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
    params.append(decodeQueryPart(name), decodeQueryPart(value));
  }
  return params;
}

function decodeQueryPart(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    throw new ConnectError(`the query part "${text}" is not valid percent-encoded UTF-8`, Code.InvalidArgument);
  }
}
