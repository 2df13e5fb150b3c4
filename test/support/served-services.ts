/** Every service the server serves, in the order reflection lists them. */
export const SERVED_SERVICES = [
  "zitadel.admin.v1.AdminService",
  "zitadel.management.v1.ManagementService",
  "lps.v1.PolicyReachService",
  "lps.v1.LoginPolicyWatchService",
  "zitadel.settings.v2.SettingsService",
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
];
