/**
 * Text from requesters (resources, parameters, justifications) and approvers (reasons) as chat
 * messages show it. Every channel escapes what its markup would read as markup, and shows the
 * characters that would otherwise change how text reads without showing themselves. The message
 * builder measures text with `displayCost`, an upper bound of what any channel renders, so that a
 * text it lets through is never cut again (silently) by an adapter.
 */

/** Control and format characters (bidi overrides, zero-width, soft hyphen, tags), separators, lone surrogates. */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const HIDDEN_BUT_LINES = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const codePointEscape = (c: string): string => {
  const cp = c.codePointAt(0)!;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
};

/** `a\u202eb` reads `a\u202eb`: invisible characters become escapes. Multi-line text keeps `\n` and tabs. */
export function visible(text: string, multiline = false): string {
  return text.replace(multiline ? HIDDEN_BUT_LINES : HIDDEN, codePointEscape);
}

/** Slack's mrkdwn gives `&`, `<` and `>` meaning (mentions, links, dates): escape them. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Requester text for Slack mrkdwn: visible, escaped. */
export function slackText(text: string, multiline = false): string {
  return escapeMrkdwn(visible(text, multiline));
}

/** ``` cannot be escaped inside a Slack code block: a zero-width space breaks it. */
export function slackCode(text: string): string {
  return slackText(text, true).replace(/```/g, '`\u200b``');
}

/**
 * Adaptive Card text blocks and facts render a Markdown subset (bold, italic, lists, links), with
 * CommonMark backslash escapes: escape what could start markup, and list markers at line starts.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]()<>#~|{}!]/g, (c) => `\\${c}`)
    .replace(/^([ \t]*)([-+]|\d+\.)(?=\s|$)/gm, (_m, space: string, marker: string) => `${space}${marker.replace(/([-+.])$/, '\\$1')}`);
}

/** Requester text for a Teams card: visible, escaped. */
export function teamsText(text: string, multiline = false): string {
  return escapeTeamsMarkdown(visible(text, multiline));
}

/** The most characters any channel renders `text` as, once escaped. */
export function displayCost(text: string, multiline = false): number {
  return Math.max(slackCode(text).length, teamsText(text, multiline).length);
}

/**
 * `text` cut so that it renders in at most `max` characters on every channel, ending in "…" when
 * cut (`cut` says so). Never splits a character made of two code units.
 */
export function fitText(text: string, max: number, multiline = false): { text: string; cut: boolean } {
  if (displayCost(text, multiline) <= max) return { text, cut: false };
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (displayCost(`${chars.slice(0, mid).join('')}…`, multiline) <= max) lo = mid;
    else hi = mid - 1;
  }
  return { text: `${chars.slice(0, lo).join('')}…`, cut: true };
}

/** Names (principals, groups) in a line: at most `max`, each cut to 100 rendered characters, then "and N more". */
export function namesShown(names: readonly string[], render: (name: string) => string, max = 5): string {
  const shown = names.slice(0, max).map((n) => render(fitText(n, 100).text)).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** The first 12 hex digits of a hash: enough to compare by eye; messages show the whole hash too. */
export const shortHash = (hash: string): string => hash.slice(0, 12);

/**
 * What a Slack vote button carries: `<actionId>:<paramsHash>`. The gateway splits at the last `:`
 * (the hash is 64 lowercase hex digits) and passes the hash on, so the router refuses a vote for
 * other parameters. Buttons of older messages carry the action id alone.
 */
export const voteValue = (actionId: string, paramsHash: string): string => `${actionId}:${paramsHash}`;
