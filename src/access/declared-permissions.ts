/**
 * The permission each RPC requires, read once from the `zitadel.v1.auth_option` the proto
 * declares: there is no second list in code. A policy method that declares none refuses
 * to start the server rather than serve unprotected. Its `check_field_name`, if any, names
 * the request field that says which organization the permission is needed on.
 */
import { getOption, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { auth_option } from "../../gen/zitadel/v1/options_pb.js";

export class DeclaredPermissions {
  private readonly byMethod = new Map<DescMethod, string>();
  private readonly orgFields = new Map<DescMethod, string>();

  constructor(services: readonly DescService[]) {
    for (const service of services) {
      for (const method of service.methods) {
        const { permission, checkFieldName } = getOption(method, auth_option);
        if (!permission) throw new Error(`${service.typeName}.${method.name} declares no auth_option permission`);
        this.byMethod.set(method, permission);
        if (checkFieldName) this.orgFields.set(method, checkFieldName);
      }
    }
  }

  /** The request field (a dotted path, "ctx.org_id") naming the organization, if the method has one. */
  orgFieldOf(method: DescMethod): string | undefined {
    return this.orgFields.get(method);
  }

  /** Every permission some method declares. */
  all(): ReadonlySet<string> {
    return new Set(this.byMethod.values());
  }

  of(method: DescMethod): string {
    const permission = this.byMethod.get(method);
    if (!permission) throw new Error(`${method.parent.typeName}.${method.name} is not a protected method`);
    return permission;
  }
}

/** Reading the event log, which spans every organization (ZITADEL's name for it). */
export const EVENTS_READ = "events.read";

/** Instance-wide permissions ("iam.*", and reading the whole event log) are granted by instance roles only. */
export function isInstancePermission(permission: string): boolean {
  return permission.startsWith("iam.") || permission === EVENTS_READ;
}
