/** A whole REST answer, written at once. */
import type { NodeRequest, NodeResponse } from "../http-door.js";
import { writeWhole } from "../wire/whole-response.js";

export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

export function sendRestResponse(req: NodeRequest, res: NodeResponse, response: RestResponse): void {
  writeWhole(req, res, response.status, { ...response.headers }, response.body);
}
