// How a tool call becomes a Countersign action: `mcp.<server>.<tool>` on a resource rendered from
// the call's arguments (docs/agents.md "Naming actions").

/** Action names must match this (the API's rule), at most 128 characters. */
const ACTION_NAME = /^[a-z0-9][a-z0-9_.-]*$/;

/** One name segment: lowercased, anything outside `[a-z0-9_.-]` replaced by `_`. */
export function nameSegment(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_.-]/g, '_');
}

/** `mcp.<server>.<tool>`, each part made safe; throws when the result is not a valid action name. */
export function toolActionName(server: string, tool: string): string {
  const name = `mcp.${nameSegment(server)}.${nameSegment(tool)}`;
  checkActionName(name);
  return name;
}

export function checkActionName(name: string): void {
  if (!ACTION_NAME.test(name) || name.length > 128) {
    throw new Error(`action name ${JSON.stringify(name)} is not valid (expected ^[a-z0-9][a-z0-9_.-]*$, at most 128 characters)`);
  }
}

/** The default resource of a tool: `mcp/<server>/<tool>`. */
export function defaultResource(server: string, tool: string): string {
  return `mcp/${nameSegment(server)}/${nameSegment(tool)}`;
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/** The argument names a template refers to, e.g. `repos/{owner}/{repo}` → owner, repo. */
export function templateFields(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/**
 * Renders `repos/{owner}/{repo}` with the call's arguments. A placeholder must name an argument
 * that is a non-empty string, a number or a boolean: anything else is refused rather than guessed
 * (the resource decides which rule applies, so a resource made up by the gate would be unsafe).
 * The result is sent as it is: Countersign refuses a resource that is not in canonical form.
 */
export function renderResource(template: string, args: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_, field: string) => {
    const value = Object.hasOwn(args, field) ? args[field] : undefined;
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'boolean') return String(value);
    throw new Error(`the resource template ${JSON.stringify(template)} needs the argument "${field}" as a non-empty string or a number${value === undefined ? ', and the call has none' : ''}`);
  });
}
