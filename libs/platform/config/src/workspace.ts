import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatSourceError, type SourceError } from '@countersign/config-documents';
import { ConfigError } from './config-error.ts';

export interface WorkspaceDirs {
  principalsDir: string;
  policiesDir: string;
}

/** One file of a workspace directory; `path` is as read from disk (the dir joined with the name). */
export interface SourceFile {
  path: string;
  text: string;
}

/** A problem a loader found in a file, located by line and JSON pointer. */
export type SourceProblem = SourceError;

type Loaded<K extends string, T> = ({ ok: true } & { [key in K]: T }) | { ok: false; errors: readonly SourceProblem[] };

/**
 * The domain loaders. They are passed in because a platform lib may not depend on domain libs:
 * callers pass `{ loadDirectory, loadPolicySet }` from @countersign/identity and @countersign/policy.
 */
export interface WorkspaceLoaders<D, P> {
  loadDirectory(files: SourceFile[]): Loaded<'directory', D>;
  loadPolicySet(files: SourceFile[]): Loaded<'policy', P>;
}

/**
 * Reads every `*.yaml` / `*.yml` file of both directories (sorted by name) and loads them.
 * Throws a ConfigError naming every problem of both, one per line: `file:line: pointer message`.
 */
export function loadWorkspace<D, P>(dirs: WorkspaceDirs, loaders: WorkspaceLoaders<D, P>): { directory: D; policy: P } {
  const problems: string[] = [];
  const principals = readYamlFiles(dirs.principalsDir, problems);
  const policies = readYamlFiles(dirs.policiesDir, problems);
  const directory = principals && loaders.loadDirectory(principals);
  const policy = policies && loaders.loadPolicySet(policies);
  if (directory && !directory.ok) problems.push(...directory.errors.map(formatSourceProblem));
  if (policy && !policy.ok) problems.push(...policy.errors.map(formatSourceProblem));
  if (problems.length > 0 || !directory?.ok || !policy?.ok) throw new ConfigError(problems);
  return { directory: directory.directory, policy: policy.policy };
}

/** `config/policies/x.yaml:12: /spec/rules/0/effect must be one of allow, deny, require_approval` */
export const formatSourceProblem: (p: SourceProblem) => string = formatSourceError;

/** The YAML files of a directory, sorted by name; undefined (and a problem noted) when there are none. */
export function readYamlFiles(dir: string, problems: string[]): SourceFile[] | undefined {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      // Kubernetes mounts ConfigMap files as symlinks: follow them to regular files.
      .filter((e) => /\.ya?ml$/.test(e.name) && (e.isFile() || (e.isSymbolicLink() && statSync(join(dir, e.name), { throwIfNoEntry: false })?.isFile() === true)))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    problems.push(`${dir}: cannot read the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return undefined;
  }
  if (names.length === 0) {
    problems.push(`${dir}: has no *.yaml or *.yml file`);
    return undefined;
  }
  const files: SourceFile[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      files.push({ path, text: readFileSync(path, 'utf8') });
    } catch (e) {
      problems.push(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return files.length === names.length ? files : undefined;
}
