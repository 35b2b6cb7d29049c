// The `countersign grant-keys` command group: make and rotate the key file grants are signed with.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { importGrantKeys, newGrantKeyFile, rotateGrantKeyFile, type GrantKeyFile } from '@countersign/runtime';

export function registerGrantKeysCommands(program: Command): void {
  const keys = program.command('grant-keys').description('the grant key file (COUNTERSIGN_GRANT_KEYS): Ed25519 keys the gateway signs grants with');

  keys
    .command('generate')
    .description('write a new grant key file with one signing key (refuses to overwrite a file)')
    .requiredOption('--out <file>', 'where to write it (created readable by this user only)')
    .action(async (options: { out: string }) => {
      if (existsSync(options.out)) throw new Error(`--out ${options.out}: the file exists; rotate it with \`countersign grant-keys rotate --file ${options.out}\``);
      const file = await newGrantKeyFile(new Date());
      writeFileSync(options.out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      process.stdout.write(`wrote ${options.out}: signing key ${file.keys[0].kid}\n`);
    });

  keys
    .command('rotate')
    .description('retire the signing key and add a new one; retired keys still verify for a day (the longest grant), then are dropped')
    .requiredOption('--file <file>', 'the grant key file to rotate in place')
    .action(async (options: { file: string }) => {
      const current = await readKeyFile(options.file);
      const rotated = await rotateGrantKeyFile(current, new Date());
      await importGrantKeys(rotated);
      // Written beside it and renamed: a crash leaves the old file or the new one, never half of one.
      const temp = `${options.file}.rotating`;
      writeFileSync(temp, `${JSON.stringify(rotated, null, 2)}\n`, { mode: 0o600 });
      renameSync(temp, options.file);
      const signing = rotated.keys.at(-1)!.kid;
      process.stdout.write(`rotated ${options.file}: signing key ${signing}; ${rotated.keys.length - 1} retired key(s) still verify. Restart the gateways to use it.\n`);
    });
}

async function readKeyFile(path: string): Promise<GrantKeyFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`--file ${path}: ${code ? `cannot read it (${code})` : 'is not JSON'}`);
  }
  await importGrantKeys(raw).catch((error: Error) => {
    throw new Error(`--file ${path}: ${error.message}`);
  });
  return raw as GrantKeyFile;
}
