/**
 * Permissions for what operators read beside the API: no RPC declares them, so they are
 * named here, and a role table (LPS_ROLES_FILE) may grant them as it grants declared ones.
 * Their "iam." prefix makes them instance permissions: only instance roles grant them.
 */

/** Reading the Prometheus metrics at GET /metrics (when LPS_METRICS=token). */
export const METRICS_READ = "iam.metrics.read";

export const OPERATOR_PERMISSIONS: readonly string[] = [METRICS_READ];
