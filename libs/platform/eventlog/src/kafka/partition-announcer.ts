/**
 * Turns kafkajs group joins into the port's `onPartitionsAssigned` / `onPartitionsRevoked` calls.
 * kafkajs has no rebalance listener; it reports each completed join (GROUP_JOIN, with this
 * member's assignment) before it fetches for the new generation, and batches are delivered only
 * after `ready(partition)`, so a partition is always announced before its first record.
 *
 * A partition kept across a rebalance by the same member id needs no new announcement: kafkajs
 * finishes the batch in flight before it rejoins (eager protocol), and a member that misses a
 * generation is expelled and comes back with a new id. So a new member id (after expulsion, a
 * crash or a restart) revokes everything first, and announces the whole assignment again.
 * All hook calls run one at a time, in order.
 */
export interface PartitionHooks {
  onPartitionsAssigned?: (partitions: number[]) => Promise<void>;
  onPartitionsRevoked?: (partitions: number[]) => Promise<void>;
}

export class PartitionAnnouncer {
  private readonly announced = new Set<number>();
  private memberId: string | undefined;
  private hasJoined = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly hooks: PartitionHooks,
    private readonly describe: string,
    private readonly log: (msg: string) => void,
  ) {}

  /** A join completed: `partitions` are this member's now. */
  joined(memberId: string, partitions: readonly number[]): void {
    const fresh = memberId !== this.memberId;
    const first = !this.hasJoined;
    this.memberId = memberId;
    this.hasJoined = true;
    const assignment = [...partitions].sort((a, b) => a - b);
    this.enqueue(async () => {
      const lost = [...this.announced].filter((p) => fresh || !assignment.includes(p));
      await this.revoke(lost);
      const gained = assignment.filter((p) => !this.announced.has(p));
      // The first join is announced even when empty, so a subscriber can tell it is live.
      if (gained.length > 0 || first) await this.assign(gained).catch((error) => this.fail('Assigned', gained, error, ' (their records wait until it succeeds)'));
    });
  }

  /** The member left the group (crash, close): whatever it held is no longer its own. */
  left(): void {
    this.memberId = undefined;
    this.enqueue(() => this.revoke([...this.announced]));
  }

  /**
   * Resolves once `partition` has been announced, announcing it now if an earlier attempt
   * failed; rejects if the hook fails (the batch is then retried later).
   */
  ready(partition: number): Promise<void> {
    return this.enqueue(async () => {
      if (!this.announced.has(partition)) await this.assign([partition]);
    });
  }

  isAnnounced(partition: number): boolean {
    return this.announced.has(partition);
  }

  /** Resolves when every hook call queued so far has finished. */
  settled(): Promise<void> {
    return this.enqueue(async () => undefined);
  }

  private async assign(partitions: number[]): Promise<void> {
    await this.hooks.onPartitionsAssigned?.(partitions);
    for (const p of partitions) this.announced.add(p);
  }

  private async revoke(partitions: number[]): Promise<void> {
    if (partitions.length === 0) return;
    for (const p of partitions) this.announced.delete(p);
    await this.hooks.onPartitionsRevoked?.(partitions).catch((error) => this.fail('Revoked', partitions, error, ''));
  }

  private fail(hook: 'Assigned' | 'Revoked', partitions: number[], error: unknown, consequence: string): void {
    this.log(`event log: ${this.describe}: onPartitions${hook}([${partitions.join(', ')}]) failed${consequence}: ` +
      `${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
