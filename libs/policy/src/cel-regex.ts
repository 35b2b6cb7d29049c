import type { ASTNode } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { boundedMemo } from './bounded-memo.ts';
import { callOf, childrenOf, nodesOf } from './cel-ast.ts';

/**
 * `matches` under RE2, as CEL specifies it. The CEL library runs `matches` with JavaScript's
 * backtracking RegExp (one published `^([A-Z]+-?)+[0-9]+$` froze the process for 20 s on 31
 * characters) and its built-in functions cannot be replaced. So every pattern must be a string
 * literal, checked with RE2's syntax when the policy loads (no backreferences, no lookaround),
 * and each `x.matches(p)` is rewritten, in the expression's text, to `x.re2Matches(p)`: a function
 * registered here that runs the linear-time engine (re2js). Text outside the calls is kept as
 * written, so everything else parses and checks exactly as before.
 */
export const RE2_FUNCTION = 're2Matches';
export const RE2_SIGNATURE = `string.${RE2_FUNCTION}(string): bool`;

/** The compiled pattern (patterns are literals checked at load: the cache holds only those). */
export const re2: (pattern: string) => RE2JS = boundedMemo(5_000, (pattern) => RE2JS.compile(pattern));

/** `s.re2Matches(p)`: true when the pattern matches any part of the text, as CEL's `matches`. */
export const re2Matches = (text: string, pattern: string): boolean => re2(pattern).test(text);

export type Rewrite = { ok: true; text: string; patterns: Map<string, number> } | { ok: false; error: string };

/** The expression with every `matches` call running under RE2, or why it cannot be. */
export function rewriteMatches(expression: string, root: ASTNode): Rewrite {
  const patterns = new Map<string, number>();
  for (const node of nodesOf(root)) {
    const call = callOf(node);
    if (call?.name === RE2_FUNCTION) return { ok: false, error: `may not call ${RE2_FUNCTION}(): use matches()` };
    if (call?.name !== 'matches') continue;
    const pattern = call.operands[1];
    if (!call.receiver || call.operands.length !== 2) return { ok: false, error: 'calls matches() in a form CEL does not define: write text.matches("pattern")' };
    if (pattern.op !== 'value' || typeof pattern.args !== 'string') {
      return { ok: false, error: 'uses matches() with a pattern that is not a string literal: patterns must be literals, so they are checked when the policy loads' };
    }
    try {
      patterns.set(pattern.args, re2(pattern.args).programSize());
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, error: `has the pattern ${JSON.stringify(pattern.args)}, which is not RE2 (CEL's regular expressions: no backreferences or lookaround): ${why}` };
    }
  }
  if (patterns.size === 0) return { ok: true, text: expression, patterns };
  const text = emit(expression, root);
  return text === undefined ? { ok: false, error: 'uses matches() in a way the policy cannot prepare for RE2; write text.matches("pattern")' } : { ok: true, text, patterns };
}

/** The text of the expression with `.matches(` renamed in each call, or undefined if the ranges do not nest. */
function emit(source: string, root: ASTNode): string | undefined {
  const node = (n: ASTNode): string | undefined => {
    let out = '';
    let cursor = n.range.start;
    const call = callOf(n);
    const renaming = call?.name === 'matches';
    for (const child of childrenOf(n).sort((a, b) => a.range.start - b.range.start)) {
      if (child.range.start < cursor || child.range.end > n.range.end) return undefined;
      let gap = source.slice(cursor, child.range.start);
      if (renaming && child === call.operands[1]) {
        const renamed = /^([\s)]*\.\s*)matches(\s*\(\s*)$/.exec(gap);
        if (!renamed) return undefined;
        gap = `${renamed[1]}${RE2_FUNCTION}${renamed[2]}`;
      }
      const inner = node(child);
      if (inner === undefined) return undefined;
      out += gap + inner;
      cursor = child.range.end;
    }
    return out + source.slice(cursor, n.range.end);
  };
  const body = node(root);
  return body === undefined ? undefined : source.slice(0, root.range.start) + body + source.slice(root.range.end);
}
