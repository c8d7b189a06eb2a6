/** Tokens with a revoke in flight: a second revoke of the same token is refused until the first ends. */
export class RevokesInFlight {
  private readonly ids = new Set<string>();
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    this.ids.add(id);
  }
  delete(id: string): void {
    this.ids.delete(id);
  }
}
