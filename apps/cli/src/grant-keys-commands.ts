// The `countersign grant-keys` and `countersign checkpoint-keys` command groups: make and rotate
// the key files grants and checkpoints are signed with (one form, two rotation rules).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  importCheckpointKeys, importGrantKeys, newCheckpointKeyFile, newGrantKeyFile, rotateCheckpointKeyFile, rotateGrantKeyFile, type GrantKeyFile,
} from '@countersign/runtime';

interface KeyFileKind {
  command: string;
  description: string;
  rotateDescription: string;
  create: (now: Date) => Promise<GrantKeyFile>;
  rotate: (file: GrantKeyFile, now: Date) => Promise<GrantKeyFile>;
  check: (raw: unknown) => Promise<unknown>;
  /** What the rotation message says of the retired keys, and who to restart. */
  rotated: (retired: number) => string;
}

const GRANT_KEYS: KeyFileKind = {
  command: 'grant-keys',
  description: 'the grant key file (COUNTERSIGN_GRANT_KEYS): Ed25519 keys the gateway signs grants with',
  rotateDescription: 'retire the signing key and add a new one; retired keys still verify for a day (the longest grant), then are dropped',
  create: newGrantKeyFile, rotate: rotateGrantKeyFile, check: importGrantKeys,
  rotated: (retired) => `${retired} retired key(s) still verify. Restart the gateways to use it.`,
};

const CHECKPOINT_KEYS: KeyFileKind = {
  command: 'checkpoint-keys',
  description: 'the checkpoint key file (COUNTERSIGN_CHECKPOINT_KEYS): Ed25519 keys the audit projector signs checkpoints with, published at /.well-known/jwks.json',
  rotateDescription: 'retire the signing key and add a new one; retired keys are kept (and published) for good, so old checkpoints stay verifiable',
  create: newCheckpointKeyFile, rotate: rotateCheckpointKeyFile, check: importCheckpointKeys,
  rotated: (retired) => `${retired} retired key(s) kept for old checkpoints. Restart the audit projectors and gateways to use it.`,
};

export function registerGrantKeysCommands(program: Command): void {
  registerKeyFileCommands(program, GRANT_KEYS);
}

export function registerCheckpointKeysCommands(program: Command): void {
  registerKeyFileCommands(program, CHECKPOINT_KEYS);
}

function registerKeyFileCommands(program: Command, kind: KeyFileKind): void {
  const keys = program.command(kind.command).description(kind.description);

  keys
    .command('generate')
    .description(`write a new ${kind.command.replace('-', ' ')} file with one signing key (refuses to overwrite a file)`)
    .requiredOption('--out <file>', 'where to write it (created readable by this user only)')
    .action(async (options: { out: string }) => {
      if (existsSync(options.out)) throw new Error(`--out ${options.out}: the file exists; rotate it with \`countersign ${kind.command} rotate --file ${options.out}\``);
      const file = await kind.create(new Date());
      writeFileSync(options.out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      process.stdout.write(`wrote ${options.out}: signing key ${file.keys[0].kid}\n`);
    });

  keys
    .command('rotate')
    .description(kind.rotateDescription)
    .requiredOption('--file <file>', `the ${kind.command.replace('-', ' ')} file to rotate in place`)
    .action(async (options: { file: string }) => {
      const current = await readKeyFile(options.file, kind);
      const rotated = await kind.rotate(current, new Date());
      await kind.check(rotated);
      // Written beside it and renamed: a crash leaves the old file or the new one, never half of one.
      const temp = `${options.file}.rotating`;
      writeFileSync(temp, `${JSON.stringify(rotated, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, options.file);
      const signing = rotated.keys.at(-1)!.kid;
      process.stdout.write(`rotated ${options.file}: signing key ${signing}; ${kind.rotated(rotated.keys.length - 1)}\n`);
    });
}

async function readKeyFile(path: string, kind: KeyFileKind): Promise<GrantKeyFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`--file ${path}: ${code ? `cannot read it (${code})` : 'is not JSON'}`);
  }
  await kind.check(raw).catch((error: Error) => {
    throw new Error(`--file ${path}: ${error.message}`);
  });
  return raw as GrantKeyFile;
}
