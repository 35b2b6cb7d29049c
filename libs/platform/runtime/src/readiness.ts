/** Services register why they are not ready yet; /readyz answers 200 when nothing is pending. */
export interface Readiness {
  /** Marks `name` as not ready; returns the function that marks it ready. */
  pending(name: string): () => void;
  notReady(): string[];
  /** Publishes a fact about the running process on /healthz (e.g. the policy version in use). */
  report(key: string, value: unknown): void;
  details(): Record<string, unknown>;
}

export function createReadiness(): Readiness {
  const waiting = new Set<string>();
  const facts = new Map<string, unknown>();
  return {
    pending(name) {
      waiting.add(name);
      return () => waiting.delete(name);
    },
    notReady: () => [...waiting],
    report: (key, value) => void facts.set(key, value),
    details: () => Object.fromEntries(facts),
  };
}
