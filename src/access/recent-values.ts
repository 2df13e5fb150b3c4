/**
 * Values derived from inputs seen lately, at most `capacity` of them, the oldest first out.
 * For derivations every call makes, from inputs a client sends again and again (its token,
 * its organization): the value is derived once, and found the next time.
 */
export class RecentValues<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  of(input: string, derive: () => V): V {
    let value = this.values.get(input);
    if (value === undefined) {
      if (this.values.size >= this.capacity) this.values.delete(this.values.keys().next().value!);
      this.values.set(input, (value = derive()));
    }
    return value;
  }
}
