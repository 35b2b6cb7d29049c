import { SingleBar } from 'cli-progress';
import { readEnvConfig } from '@countersign/config';
import { TOPICS } from '@countersign/contracts';
import { CheckpointProjector, Projector } from '@countersign/service-audit-projector';
import { openAdapters, type Adapters } from '@countersign/shell';

type Env = Readonly<Record<string, string | undefined>>;

async function open(env: Env): Promise<Adapters> {
  const config = readEnvConfig(env);
  if (!config.mongoUrl) {
    throw new Error('COUNTERSIGN_MONGO_URL is not set: in-memory read models are rebuilt at every start, there is nothing to rebuild');
  }
  return openAdapters(config, [], true);
}

/** Reads the events topic, projecting the records `keep` selects, with a progress bar on stderr. */
async function replay(adapters: Adapters, projector: Projector, keep: (offset: number) => boolean): Promise<{ events: number; seconds: number }> {
  const total = (await adapters.eventLog.approximateSize?.(TOPICS.events)) ?? 0;
  const bar = new SingleBar({ format: 'projecting [{bar}] {value}/{total} events | {eta_formatted} left | {rate}/s', stream: process.stderr, hideCursor: true });
  const started = Date.now();
  let read = 0;
  bar.start(total, 0, { rate: 0 });
  await adapters.eventLog.readAll(TOPICS.events, async (records) => {
    const chosen = records.filter((r) => keep(Number(r.offset)));
    const letters = await projector.project(chosen);
    if (letters.length > 0) await adapters.eventLog.append(TOPICS.deadLetter, letters);
    read += records.length;
    bar.setTotal(Math.max(total, read));
    bar.update(read, { rate: Math.round(read / Math.max(0.001, (Date.now() - started) / 1000)) });
  });
  bar.stop();
  return { events: read, seconds: (Date.now() - started) / 1000 };
}

/**
 * The signed checkpoints, after the events (dropAll dropped them too): stored unverified (the
 * command loads no checkpoint keys), their chains and heads checked against the events just projected.
 */
async function replayCheckpoints(adapters: Adapters): Promise<void> {
  const checkpoints = new CheckpointProjector({ store: adapters.readModels, now: () => new Date(), detectedBy: 'readmodel-rebuild' });
  await adapters.eventLog.readAll(TOPICS.checkpoints, async (records) => {
    const { letters, alerts } = await checkpoints.projectRecords(records);
    if (letters.length > 0) await adapters.eventLog.append(TOPICS.deadLetter, letters);
    for (const a of alerts) process.stderr.write(`integrity mismatch (${a.kind}) ${a.checkpoint === undefined ? '' : `checkpoint ${a.checkpoint} `}${JSON.stringify(a.streamId ?? '')}: ${a.detail}\n`);
  });
}

function projectorFor(adapters: Adapters): Projector {
  return new Projector({ store: adapters.readModels, now: () => new Date(), warn: (m) => process.stderr.write(`${m}\n`) });
}

export async function rebuild(env: Env): Promise<void> {
  const adapters = await open(env);
  try {
    const projector = projectorFor(adapters);
    await projector.dropAll();
    const { events, seconds } = await replay(adapters, projector, () => true);
    await replayCheckpoints(adapters);
    process.stdout.write(`rebuilt read models from ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s)\n`);
  } finally {
    await adapters.close();
  }
}

export async function projectFrom(env: Env, from: number): Promise<void> {
  const adapters = await open(env);
  try {
    const projector = projectorFor(adapters);
    const { events, seconds } = await replay(adapters, projector, (offset) => offset >= from);
    process.stdout.write(`projected ${projector.projected} new events (of ${events} read, from offset ${from}) in ${seconds.toFixed(1)} s\n`);
  } finally {
    await adapters.close();
  }
}
