import type { ValidateFunction } from 'ajv';
import { describeSchemaErrors } from './schema-errors.ts';
import { parseYamlSource, type SourceError, type YamlSource } from './yaml-source.ts';

export interface SourceText {
  path: string;
  text: string;
}

export interface ValidatedDocument<T> {
  source: YamlSource;
  document: T;
}

/**
 * Parses and schema-checks a set of YAML files, taken in path order so results never depend on
 * how a directory was listed. Every problem of every file is collected; valid files come back
 * with their documents for the caller's own cross-file checks. `files` is the input in that order.
 */
export function readValidatedDocuments<T>(files: readonly SourceText[], validate: ValidateFunction, hints: Record<string, string>) {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const errors: SourceError[] = [];
  const documents: ValidatedDocument<T>[] = [];
  for (const file of sorted) {
    const parsed = parseYamlSource(file.path, file.text);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const { source } = parsed;
    if (!validate(source.value)) {
      errors.push(...describeSchemaErrors(validate.errors, source.value, hints).map((p) => errorAt(source, p.pointer, p.message)));
      continue;
    }
    documents.push({ source, document: source.value as T });
  }
  return { files: sorted, order: sorted.map((f) => f.path), errors, documents };
}

/** An error at a field of a source file, with the line the field was written on. */
export function errorAt(source: YamlSource, pointer: string, message: string): SourceError {
  return { file: source.file, line: source.lineOf(pointer), pointer, message };
}

/** `config/policies/x.yaml:12: /spec/rules/0/effect must be one of allow, deny, require_approval` */
export function formatSourceError(e: SourceError): string {
  return `${location(e)}: ${e.pointer ? `${e.pointer} ` : ''}${e.message}`;
}

/** `file:line`, or just the file when the line is unknown. */
export function location(e: { file: string; line?: number }): string {
  return e.line === undefined ? e.file : `${e.file}:${e.line}`;
}

/** Errors in file order, then line order, keeping the order found within a line. */
export function sortErrors<E extends SourceError>(errors: readonly E[], fileOrder: readonly string[]): E[] {
  const rank = new Map(fileOrder.map((f, i) => [f, i]));
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (rank.get(a.e.file) ?? 0) - (rank.get(b.e.file) ?? 0) || (a.e.line ?? 0) - (b.e.line ?? 0) || a.i - b.i)
    .map(({ e }) => e);
}
