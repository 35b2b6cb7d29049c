/** Services register why they are not ready yet; /readyz answers 200 when nothing is pending. */
export interface Readiness {
  /** Marks `name` as not ready; returns the function that marks it ready. */
  pending(name: string): () => void;
  notReady(): string[];
}

export function createReadiness(): Readiness {
  const waiting = new Set<string>();
  return {
    pending(name) {
      waiting.add(name);
      return () => waiting.delete(name);
    },
    notReady: () => [...waiting],
  };
}
