// The thin IO side of `countersign policy`: read the named files, run the command, print, set the status.
import { readFileSync, statSync } from 'node:fs';
import { readYamlFiles } from '@countersign/config';
import { evalPolicy, testPolicies, validatePolicies, type CommandResult, type TextFile } from './policy-commands.ts';

// A file or directory that cannot be read throws: main prints it as `countersign: …`, status 1.

/** A directory stands for its *.yaml / *.yml files (sorted by name); anything else is one file. */
export function readSources(paths: readonly string[]): TextFile[] {
  const problems: string[] = [];
  const files: TextFile[] = [];
  for (const path of paths) {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) files.push(...(readYamlFiles(path, problems) ?? []));
    else files.push(readText(path));
  }
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return files;
}

function readText(path: string): TextFile {
  try {
    // "-" is stdin (file descriptor 0), for `--input -`.
    return { path, text: readFileSync(path === '-' ? 0 : path, 'utf8') };
  } catch (e) {
    throw new Error(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function emit(result: CommandResult): void {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

export function runValidate(paths: string[]): void {
  emit(validatePolicies(readSources(paths)));
}

export function runEval(options: { policies: string; input: string; principals?: string }): void {
  emit(
    evalPolicy({
      policies: readSources([options.policies]),
      input: readText(options.input),
      ...(options.principals !== undefined ? { principals: readSources([options.principals]) } : {}),
    }),
  );
}

export function runTest(casesFiles: string[], options: { policies: string; principals?: string }): void {
  emit(
    testPolicies({
      policies: readSources([options.policies]),
      cases: casesFiles.map(readText),
      ...(options.principals !== undefined ? { principals: readSources([options.principals]) } : {}),
    }),
  );
}
