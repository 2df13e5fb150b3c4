/** The services of the login-policy API, served in every protocol, REST included. */
import { AdminService } from "../../gen/zitadel/admin/v1/admin_pb.js";
import { ManagementService } from "../../gen/zitadel/management/v1/management_pb.js";

export const policyServices = [AdminService, ManagementService] as const;
