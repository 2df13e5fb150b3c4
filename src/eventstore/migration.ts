/**
 * A schema step. Each engine keeps its steps in order; a step, once released, never
 * changes: a new one is added instead. Applied steps are recorded in `schema_migrations`.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
