import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, LineCounter } from 'yaml';
import { ConfigError, DEMO_WORKSPACE, loadWorkspace, type SourceFile, type SourceProblem, type WorkspaceLoaders } from './index.ts';

// A platform lib may not import the domain loaders, so these tests pass stand-ins with the same
// contract: they parse YAML and report syntax errors with file and line, like the real ones.
type Result<K extends string> = ({ ok: true } & { [key in K]: string[] }) | { ok: false; errors: SourceProblem[] };
function yamlLoader<K extends string>(key: K): (files: SourceFile[]) => Result<K> {
  return (files) => {
    const errors = files.flatMap((f) => {
      const lines = new LineCounter();
      const doc = parseDocument(f.text, { lineCounter: lines, prettyErrors: false });
      return doc.errors.map((e) => ({ file: f.path, line: lines.linePos(e.pos[0]).line, pointer: '', message: 'YAML syntax error' }));
    });
    return errors.length > 0 ? { ok: false, errors } : ({ ok: true, [key]: files.map((f) => f.path) } as Result<K>);
  };
}
const loaders: WorkspaceLoaders<string[], string[]> = { loadDirectory: yamlLoader('directory'), loadPolicySet: yamlLoader('policy') };

const root = mkdtempSync(join(tmpdir(), 'countersign-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

function workspace(name: string, principals: Record<string, string>, policies: Record<string, string>) {
  const dirs = { principalsDir: join(root, name, 'principals'), policiesDir: join(root, name, 'policies') };
  for (const [dir, files] of [[dirs.principalsDir, principals], [dirs.policiesDir, policies]] as const) {
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  }
  return dirs;
}

describe('loadWorkspace', () => {
  it('finds the demo workspace files on disk', () => {
    const { directory, policy } = loadWorkspace(DEMO_WORKSPACE, loaders);
    assert.deepEqual(directory, [join(DEMO_WORKSPACE.principalsDir, 'demo.yaml')]);
    assert.deepEqual(policy, [join(DEMO_WORKSPACE.policiesDir, 'demo.yaml')]);
  });

  it('reads every *.yaml and *.yml file, sorted by name, and nothing else', () => {
    const dirs = workspace('sorted', { 'b.yml': 'a: 1\n', 'a.yaml': 'a: 1\n', 'notes.txt': 'not yaml: [' }, { 'p.yaml': 'a: 1\n' });
    const { directory } = loadWorkspace(dirs, loaders);
    assert.deepEqual(directory, [join(dirs.principalsDir, 'a.yaml'), join(dirs.principalsDir, 'b.yml')]);
  });

  it('follows symlinked files, as Kubernetes mounts ConfigMaps', () => {
    const dirs = workspace('linked', { 'real.yaml': 'a: 1\n' }, { 'p.yaml': 'a: 1\n' });
    const data = join(root, 'linked', '..data');
    mkdirSync(data);
    writeFileSync(join(data, 'people.yaml'), 'a: 1\n');
    symlinkSync(join(data, 'people.yaml'), join(dirs.principalsDir, 'people.yaml'));
    symlinkSync(join(root, 'nowhere.yaml'), join(dirs.principalsDir, 'dangling.yaml'));
    const { directory } = loadWorkspace(dirs, loaders);
    assert.deepEqual(directory, ['people.yaml', 'real.yaml'].map((f) => join(dirs.principalsDir, f)));
  });

  it('names the file and line of a broken file, for both directories at once', () => {
    // given a principals file broken on line 3 and a policy file broken on line 2 (repeated keys)
    const dirs = workspace('broken', { 'ok.yaml': 'a: 1\n', 'people.yaml': 'a: 1\nb: 2\na: 3\n' }, { 'rules.yaml': 'x: 1\nx: 2\n' });
    // when the workspace is loaded, then one ConfigError names both, one per line
    assert.throws(
      () => loadWorkspace(dirs, loaders),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        const lines = e.message.split('\n');
        assert.ok(lines.some((l) => l.startsWith(`${join(dirs.principalsDir, 'people.yaml')}:3: YAML syntax error`)), e.message);
        assert.ok(lines.some((l) => l.startsWith(`${join(dirs.policiesDir, 'rules.yaml')}:2: YAML syntax error`)), e.message);
        assert.ok(!e.message.includes('ok.yaml'));
        return true;
      },
    );
  });

  it('refuses a missing directory and an empty one', () => {
    const dirs = { principalsDir: join(root, 'nowhere'), policiesDir: join(root, 'empty') };
    mkdirSync(dirs.policiesDir);
    assert.throws(
      () => loadWorkspace(dirs, loaders),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message === `${dirs.principalsDir}: cannot read the directory (ENOENT)\n${dirs.policiesDir}: has no *.yaml or *.yml file`,
    );
  });
});
