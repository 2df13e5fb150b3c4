/**
 * The OpenAPI 3.0 document of the REST API, made from the same descriptors and
 * google.api.http rules that the gateway serves (its routes come from the same function),
 * with the proto comments as descriptions. OpenAPI 3.0 rather than 3.1: what the API needs
 * (strings for 64-bit integers, enums by name, a bearer scheme) fits 3.0, and 3.0 is what
 * code generators, Swagger UI and API gateways read without reservations.
 */
import { getOption, type DescField, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import type { OpenAPIV3 } from "openapi-types";
import { StatusSchema } from "../../gen/google/rpc/status_pb.js";
import { ErrorDetailSchema } from "../../gen/zitadel/v1/message_pb.js";
import { auth_option } from "../../gen/zitadel/v1/options_pb.js";
import { isInstancePermission } from "../access/declared-permissions.js";
import { DRY_RUN_HEADER, IF_MATCH_HEADER } from "../api/policy-headers.js";
import { ORG_HEADER } from "../interceptors/org-context.js";
import { overlaps } from "../server/gateway/field-path.js";
import { valueKind } from "../server/gateway/field-value.js";
import { restRoutes, type RestRoute } from "../server/gateway/rest-routes.js";
import { ProtoSchemas, withDescription, type Schema } from "./json-schemas.js";
import { commentOf } from "./proto-comments.js";

const JSON_TYPE = "application/json";
const EVENT_STREAM_TYPE = "text/event-stream";
const BEARER = "bearerAuth";

const DESCRIPTION = `The REST form of the Login Policy Service's gRPC API, which is wire-compatible with the
login-policy part of ZITADEL's Admin API (the instance's default policy) and Management API (one
organization's policy). Every operation is an RPC, reached at the route of its google.api.http rule.

Bodies are proto3 JSON: lowerCamelCase field names, 64-bit integers as strings, enums by name (a
number is accepted too), timestamps in RFC 3339, durations as seconds ("3600s"). Fields at their
default value are left out of responses. Unknown fields and unknown query parameters are refused.

Every failure answers a google.rpc.Status with one zitadel.v1.ErrorDetail, whose ID names where the
error was raised. The HTTP status follows the code: InvalidArgument and FailedPrecondition 400
(412 when the request's If-Match names a version the policy is no longer at), Unauthenticated 401, PermissionDenied 403, NotFound 404, AlreadyExists 409, ResourceExhausted 429,
Internal 500, Unimplemented 501 (405 for a method the route does not allow), Unavailable 503,
DeadlineExceeded 504.`;

export function openApiDocument(registry: Registry, serviceNames: readonly string[]): OpenAPIV3.Document {
  const services = serviceNames.map((name) => registry.getService(name) ?? missing(name));
  const schemas = new ProtoSchemas();
  const paths: OpenAPIV3.PathsObject = {};
  for (const route of restRoutes(services)) {
    const path = (paths[route.template.openApiPath()] ??= {});
    path[httpMethodOf(route)] = operation(route, schemas);
  }
  const errorResponse = errorResponseOf(registry, schemas);
  return {
    openapi: "3.0.3",
    info: { title: "Login Policy Service", version: "v1", description: DESCRIPTION },
    tags: services.map((service) => ({ name: service.name, ...described(commentOf(service)) })),
    security: [{ [BEARER]: [] }],
    paths,
    components: {
      schemas: schemas.components(),
      responses: { Error: errorResponse },
      parameters: {
        [ORG_HEADER]: {
          name: ORG_HEADER,
          in: "header",
          required: false,
          description: "The organization to act on; without it, the caller's own organization.",
          schema: { type: "string" },
        },
        [IF_MATCH_HEADER]: {
          name: IF_MATCH_HEADER,
          in: "header",
          required: false,
          description:
            'Writes only if the policy is still at this version, the entity tag a read answered in ETag (e.g. "d42"); otherwise 412, and nothing changes.',
          schema: { type: "string" },
        },
        [DRY_RUN_HEADER]: {
          name: DRY_RUN_HEADER,
          in: "header",
          required: false,
          description: "true: runs every check and answers what the write would, its ETag included, but writes nothing.",
          schema: { type: "string", enum: ["true", "false"] },
        },
      },
      securitySchemes: {
        [BEARER]: {
          type: "http",
          scheme: "bearer",
          description:
            'A personal access token or an access token, as "authorization: Bearer <token>". Without one, or with one that is ' +
            'not valid, an operation answers 401 with a "WWW-Authenticate: Bearer" challenge.',
        },
      },
    },
  };
}

/** The document as the checked-in file holds it. */
export function formatOpenApi(document: OpenAPIV3.Document): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

function operation(route: RestRoute, schemas: ProtoSchemas): OpenAPIV3.OperationObject {
  const { rpc } = route;
  const comment = commentOf(rpc);
  const summary = comment && firstSentence(comment);
  const parameters: (OpenAPIV3.ParameterObject | OpenAPIV3.ReferenceObject)[] = [
    ...pathParameters(route, schemas),
    ...queryParameters(route, schemas),
    ...(actsOnAnOrganization(route) ? [{ $ref: `#/components/parameters/${ORG_HEADER}` }] : []),
    ...(isWrite(route) ? [IF_MATCH_HEADER, DRY_RUN_HEADER].map((name) => ({ $ref: `#/components/parameters/${name}` })) : []),
    ...(rpc.methodKind === "server_streaming" ? [LAST_EVENT_ID] : []),
  ];
  return {
    operationId: `${rpc.parent.name}_${rpc.name}`,
    tags: [rpc.parent.name],
    ...(summary && { summary }),
    ...(comment && comment !== summary && { description: comment }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body.kind !== "none" && {
      requestBody: { required: true, content: { [JSON_TYPE]: { schema: requestBodySchema(route, schemas) } } },
    }),
    responses: {
      "200":
        rpc.methodKind === "server_streaming"
          ? eventStreamResponse(route, schemas)
          : {
              description: commentOf(rpc.output) ?? "The RPC's response message.",
              content: { [JSON_TYPE]: { schema: schemas.message(rpc.output) } },
            },
      default: { $ref: "#/components/responses/Error" },
    },
  };
}

const LAST_EVENT_ID: OpenAPIV3.ParameterObject = {
  name: "Last-Event-ID",
  in: "header",
  required: false,
  description: "The id of the last event received, to resume: what last_version is in the request message.",
  schema: { type: "string" },
};

/**
 * A server-streaming RPC answers server-sent events, which OpenAPI 3.0 cannot describe
 * event by event: the schema of each event's data is given as `x-event-data`.
 */
function eventStreamResponse(route: RestRoute, schemas: ProtoSchemas): OpenAPIV3.ResponseObject {
  const output = route.rpc.output;
  return {
    description:
      `Server-sent events (ask with "Accept: ${EVENT_STREAM_TYPE}"): each event's data is a ${output.typeName} as JSON, ` +
      'its id the message\'s version; a comment line comes while nothing changes, and a failure ends the stream with an ' +
      '"error" event whose data is the error body.',
    content: { [EVENT_STREAM_TYPE]: { schema: { type: "string" }, "x-event-data": schemas.message(output) } as OpenAPIV3.MediaTypeObject },
  };
}

function httpMethodOf(route: RestRoute): OpenAPIV3.HttpMethods {
  const method = route.method.toLowerCase();
  const known: string[] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  if (!known.includes(method)) throw new Error(`${route.method} ${route.template.text}: OpenAPI has no such method`);
  return method as OpenAPIV3.HttpMethods;
}

function pathParameters(route: RestRoute, schemas: ProtoSchemas): OpenAPIV3.ParameterObject[] {
  return [...route.variableFields].map(([fieldPath, fields]) => {
    const field = fields.at(-1)!;
    const byNumber = field.fieldKind === "enum" ? "By name or by number." : undefined;
    const description = [commentOf(field), byNumber].filter(Boolean).join(" ");
    return { name: fieldPath, in: "path", required: true, ...described(description), schema: schemas.single(field) };
  });
}

/** Every field that neither the path nor the body binds, by its JSON path, as grpc-gateway reads them. */
function queryParameters(route: RestRoute, schemas: ProtoSchemas): OpenAPIV3.ParameterObject[] {
  if (route.body.kind === "request") return [];
  const bound = [...route.variableFields.values(), ...(route.body.kind === "field" ? [[route.body.field]] : [])];
  const parameters: OpenAPIV3.ParameterObject[] = [];
  const visit = (message: DescMessage, path: DescField[], seen: ReadonlySet<DescMessage>) => {
    for (const field of message.fields) {
      const fields = [...path, field];
      if (bound.some((other) => overlaps(other, fields) && other.length <= fields.length)) continue;
      const kind = valueKind(field);
      if (field.fieldKind === "map" || (kind.kind === "message" && !kind.stringValued && field.fieldKind === "list")) continue;
      if (kind.kind === "message" && !kind.stringValued) {
        if (!seen.has(kind.message)) visit(kind.message, fields, new Set([...seen, kind.message]));
        continue;
      }
      const name = fields.map((f) => f.jsonName).join(".");
      parameters.push({ name, in: "query", required: false, ...described(commentOf(field)), schema: schemas.field(field) });
    }
  };
  visit(route.rpc.input, [], new Set([route.rpc.input]));
  return parameters;
}

/** The request message, less the fields the path binds; or the one field the body carries. */
function requestBodySchema(route: RestRoute, schemas: ProtoSchemas): Schema {
  if (route.body.kind === "field") return schemas.field(route.body.field);
  const input = schemas.message(route.rpc.input);
  const boundHere = [...route.variableFields.values()].filter((fields) => fields.length === 1).map(([field]) => field!);
  if (boundHere.length === 0) return input;
  const properties = Object.fromEntries(
    route.rpc.input.fields.filter((field) => !boundHere.includes(field)).map((field) => [field.jsonName, schemas.field(field)]),
  );
  return withDescription({ type: "object", properties }, commentOf(route.rpc.input));
}

/** Every method without side effects declares so; the others change a policy. */
function isWrite(route: RestRoute): boolean {
  return route.rpc.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
}

/** Management operations act on an organization, which the header can name; instance-wide ones do not. */
function actsOnAnOrganization(route: RestRoute): boolean {
  const { permission } = getOption(route.rpc, auth_option);
  return permission !== "" && !isInstancePermission(permission);
}

/** The error every operation may answer: a google.rpc.Status whose details are ErrorDetails. */
function errorResponseOf(registry: Registry, schemas: ProtoSchemas): OpenAPIV3.ResponseObject {
  const status = registry.getMessage(StatusSchema.typeName) ?? missing(StatusSchema.typeName);
  const detail = registry.getMessage(ErrorDetailSchema.typeName) ?? missing(ErrorDetailSchema.typeName);
  const statusRef = schemas.message(status);
  const detailsField = status.fields.find((field) => field.name === "details")!;
  const statusSchema = schemas.collectedSchema(status.typeName)!;
  statusSchema.properties!.details = withDescription(
    { type: "array", items: { allOf: [schemas.single(detailsField), schemas.message(detail)] } },
    commentOf(detailsField),
  );
  return {
    description: "The call failed: its code, message and a zitadel.v1.ErrorDetail. The HTTP status follows the code.",
    content: { [JSON_TYPE]: { schema: statusRef } },
  };
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end === -1 ? text : text.slice(0, end + 1);
}

function described(description: string | undefined): { description?: string } {
  return description ? { description } : {};
}

function missing(name: string): never {
  throw new Error(`the descriptors have no ${name}`);
}
