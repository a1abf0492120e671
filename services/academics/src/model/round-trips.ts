/**
 * Counts the database round trips the repositories make (one per query or write they send).
 * The per-request DataLoaders must keep a class-wide read at a constant count whatever the class
 * size; the round-trip test asserts that with this counter. The outbox relay's polling does not go
 * through the repositories, and the roster consumer has a counter of its own: neither is counted
 * with the requests.
 */
export class RoundTripCounter {
  private total = 0;
  private readonly byOperation = new Map<string, number>();

  count(operation: string): void {
    this.total += 1;
    this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1);
  }

  get value(): number {
    return this.total;
  }

  /** Per operation (e.g. `gradebooks.findForStudents`), for diagnostics. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.byOperation);
  }

  reset(): void {
    this.total = 0;
    this.byOperation.clear();
  }
}
