/** Services register why they are not ready yet; /readyz answers 200 when nothing is pending. */
export interface Readiness {
  /** Marks `name` as not ready; returns the function that marks it ready. */
  pending(name: string): () => void;
  notReady(): string[];
  /** Marks `name` unhealthy for `reason` (a stuck or lagging consumer), or healthy again with undefined. */
  problem(name: string, reason: string | undefined): void;
  /** The current problems, by name. */
  problems(): Record<string, string>;
  /** Publishes a fact about the running process on /healthz (e.g. the policy version in use). */
  report(key: string, value: unknown): void;
  details(): Record<string, unknown>;
}

export function createReadiness(): Readiness {
  const waiting = new Set<string>();
  const facts = new Map<string, unknown>();
  const problems = new Map<string, string>();
  return {
    pending(name) {
      waiting.add(name);
      return () => waiting.delete(name);
    },
    notReady: () => [...waiting],
    problem: (name, reason) => void (reason === undefined ? problems.delete(name) : problems.set(name, reason)),
    problems: () => Object.fromEntries(problems),
    report: (key, value) => void facts.set(key, value),
    details: () => Object.fromEntries(facts),
  };
}
