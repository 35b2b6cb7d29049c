/**
 * Resource paths are matched by policy globs segment by segment (`prod/**`), so one resource must
 * have exactly one spelling: otherwise `prod/./orders`, `/prod/orders` or `prod%2Forders` would
 * name the production orders to a human but slip past a `prod/**` rule. A path that is not in its
 * canonical form is refused (never rewritten behind the requester's back); the problem says what
 * is wrong and, when there is one, the canonical spelling to send instead.
 *
 * The canonical form: NFC-normalised text; optionally a URI-like scheme prefix (`s3://`,
 * `arn:…` is just text); then one or more segments separated by single `/`, none empty, none `.`
 * or `..`; no leading or trailing `/`; no backslash; no control or invisible format characters;
 * no percent-encoded `/`, `\`, `.` or `%` (an encoded separator is a separator in disguise).
 */
export type ResourceCheck = { ok: true; resource: string } | { ok: false; problem: string; canonical?: string };

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//;
/** C0/C1 controls, DEL, and format characters that render as nothing (zero-width, bidi controls). */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;
const ENCODED_SEPARATOR = /%(2f|5c|2e|25)/i;
export const MAX_RESOURCE_LENGTH = 1024;

export function checkResource(resource: string): ResourceCheck {
  if (resource.length === 0) return { ok: false, problem: 'is empty' };
  if (resource.length > MAX_RESOURCE_LENGTH) return { ok: false, problem: `is longer than ${MAX_RESOURCE_LENGTH} characters` };
  if (!resource.isWellFormed()) return { ok: false, problem: 'is not well-formed Unicode' };
  if (INVISIBLE.test(resource)) return { ok: false, problem: 'contains a control or invisible character' };
  if (resource.includes('\\')) return { ok: false, problem: 'contains a backslash; separate segments with "/"' };
  if (ENCODED_SEPARATOR.test(resource)) {
    return { ok: false, problem: 'contains a percent-encoded "/", "\\", "." or "%"; write path separators and dots as themselves' };
  }
  const canonical = canonicalSpelling(resource);
  if (canonical === undefined) return { ok: false, problem: 'climbs above its first segment with ".."' };
  if (canonical === '') return { ok: false, problem: 'has no segment other than "/", "." or ".."' };
  if (canonical !== resource) return { ok: false, problem: `is not in canonical form: send "${canonical}"`, canonical };
  return { ok: true, resource };
}

/** The one spelling of a path, or undefined when `..` climbs above the root. */
function canonicalSpelling(resource: string): string | undefined {
  const text = resource.normalize('NFC');
  const scheme = SCHEME.exec(text);
  const rest = scheme ? text.slice(scheme[0].length) : text;
  const segments: string[] = [];
  for (const segment of rest.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  if (segments.length === 0) return '';
  return `${scheme ? scheme[0] : ''}${segments.join('/')}`;
}
