/**
 * The permission each RPC requires, read once from the `zitadel.v1.auth_option` the proto
 * declares: there is no second list in code. A policy method that declares none refuses
 * to start the server rather than serve unprotected.
 */
import { getOption, type DescMethod, type DescService } from "@bufbuild/protobuf";
import { auth_option } from "../../gen/zitadel/v1/options_pb.js";

export class DeclaredPermissions {
  private readonly byMethod = new Map<DescMethod, string>();

  constructor(services: readonly DescService[]) {
    for (const service of services) {
      for (const method of service.methods) {
        const { permission } = getOption(method, auth_option);
        if (!permission) throw new Error(`${service.typeName}.${method.name} declares no auth_option permission`);
        this.byMethod.set(method, permission);
      }
    }
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

/** Instance-wide permissions ("iam.*") are granted by instance roles only. */
export function isInstancePermission(permission: string): boolean {
  return permission.startsWith("iam.");
}
