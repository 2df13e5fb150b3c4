/**
 * The schema step that writes the first count of organizations and of their custom policies
 * (see projections/policy-reach-projection.ts) into a database from before it, as the events
 * so far reduce to it, counted from the documents already there: none before the first
 * organization. Every push keeps it from there on. The same on both engines but for the
 * function that builds a JSON object; names as the projections store them, since a step
 * never changes once released.
 */
export function policyReachCountSql(jsonObject: "json_object" | "json_build_object"): string {
  return `
    INSERT INTO projection_documents (projection, key, state)
    SELECT 'policy_reach', 'organizations', ${jsonObject}(
      'organizations', (SELECT count(*) FROM projection_documents WHERE projection = 'orgs'),
      'custom', (SELECT count(*) FROM projection_documents WHERE projection = 'login_policies' AND state ->> 'ownerType' = 'org')
    )
    WHERE EXISTS (SELECT 1 FROM projection_documents WHERE projection = 'orgs');
  `;
}
