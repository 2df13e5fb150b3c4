/** Plain HTTP calls to the REST gateway with fetch, the way curl or a browser makes them. */

export interface RestAnswer {
  readonly status: number;
  readonly headers: Headers;
  /** The body, parsed as JSON. */
  readonly body: any;
}

export interface RestRequest {
  /** A value to send as JSON, or the raw text of the body. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export async function rest(baseUrl: string, method: string, path: string, request: RestRequest = {}): Promise<RestAnswer> {
  const body = request.body === undefined || typeof request.body === "string" ? request.body : JSON.stringify(request.body);
  const response = await fetch(baseUrl + path, { method, headers: request.headers, body: body as string | undefined });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
