/**
 * A two-way mapping between a protobuf enum and a domain union, so that the domain never
 * sees enum numbers and unknown numbers are caught at the edge.
 */
import type { DescEnum } from "@bufbuild/protobuf";

export interface EnumMapping<P extends number, D extends string> {
  toDomain(value: P): D | undefined;
  toProto(value: D): P;
  /** The proto names a request may use, for error messages. */
  readonly names: readonly string[];
}

export function enumMapping<P extends number, D extends string>(
  schema: DescEnum,
  pairs: readonly (readonly [P, D])[],
): EnumMapping<P, D> {
  const toDomain = new Map<number, D>(pairs);
  const toProto = new Map<D, P>(pairs.map(([p, d]) => [d, p]));
  return {
    toDomain: (value) => toDomain.get(value),
    toProto: (value) => toProto.get(value)!,
    names: pairs.map(([p]) => schema.value[p]!.name),
  };
}
