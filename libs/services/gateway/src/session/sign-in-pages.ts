import type { CallbackRefusal } from './console-sessions.ts';

/** Text for HTML: every character that could open markup or an attribute is an entity. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);

/** No scripts, no styles from elsewhere, no framing: the page is text and one link. */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

/** The status and text of a refused sign-in, for a person reading it. */
export function refusalPage(refusal: CallbackRefusal): { status: number; title: string; body: string } {
  switch (refusal.reason) {
    case 'unknown-user':
      return { status: 403, title: 'You are not set up in Countersign', body: 'Your sign-in worked, but no Countersign principal is linked to your account (by its OpenID subject, or by a verified email address). Ask a Countersign administrator to add you to the principals files.' };
    case 'ambiguous-email':
      return { status: 403, title: 'Your account matches several principals', body: 'Your verified email address belongs to more than one Countersign principal. Ask a Countersign administrator to link your account (identities: oidc:<subject>) to the right one.' };
    case 'agent':
      return { status: 403, title: 'Agents cannot sign in', body: `The account maps to the agent principal ${refusal.principal}. Agents use API keys; only people sign in to the console.` };
    case 'groups-revoked':
      return { status: 403, title: 'Your group membership has changed', body: `Your identity provider no longer gives you the group(s) behind ${refusal.groups.join(', ')}, which the Countersign directory still lists for ${refusal.principal}. Sign-in is refused until an administrator updates the principals files.` };
    case 'no-login':
      return { status: 400, title: 'Sign-in was not started here', body: 'This browser has no sign-in under way (cookies blocked, or the link was opened elsewhere). Start again from the console.' };
    case 'login-expired':
      return { status: 400, title: 'This sign-in has expired or was used already', body: 'Each sign-in can complete once, within 10 minutes. Start again from the console.' };
    case 'verification-failed':
      return { status: 400, title: 'The identity provider’s answer could not be verified', body: 'The sign-in response did not pass verification (state, PKCE, nonce, signature, issuer or audience). Start again; if it keeps happening, tell an administrator.' };
    case 'idp-error':
      return { status: refusal.error === 'access_denied' ? 403 : 400, title: 'The identity provider refused the sign-in', body: `It answered ${refusal.error}${refusal.description ? `: ${refusal.description}` : ''}.` };
  }
}

/** A small HTML page: the title, the text (both escaped) and a link to start again. */
export function renderPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Countersign</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(body)}</p><p><a href="/auth/login?returnTo=%2Fconsole">Sign in again</a></p></main></body></html>`;
}
