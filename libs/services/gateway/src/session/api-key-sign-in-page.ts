import { escapeHtml } from './sign-in-pages.ts';

/**
 * The API-key sign-in page's headers: no script or style at all, no framing (clickjacking), and the
 * form may post only to this gateway. Never cached: it may show an error about the last attempt.
 */
export const FORM_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // Not no-referrer: under it a browser sends `Origin: null` with the form's post, which the
  // login-CSRF check must refuse. same-origin sends no referrer to any other site either.
  'Referrer-Policy': 'same-origin',
} as const;

/**
 * The sign-in form for a gateway without an identity provider (docs/sign-in.md): one password-type
 * field and a button, posting to /auth/api-key with where to go afterwards. Everything put into the
 * page is escaped; the key typed is never put back into it.
 */
export function renderApiKeyForm(page: { returnTo: string; error?: string }): string {
  const error = page.error ? `<p role="alert" id="sign-in-error">${escapeHtml(page.error)}</p>` : '';
  const described = page.error ? ' aria-describedby="sign-in-error"' : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · Countersign</title></head>
<body><main><h1>Sign in to Countersign</h1>
<p>This gateway has no identity provider: sign in with your own API key (a person’s, not an agent’s).</p>${error}
<form method="post" action="/auth/api-key">
<input type="hidden" name="returnTo" value="${escapeHtml(page.returnTo)}">
<p><label for="apiKey">API key</label><br><input id="apiKey" name="apiKey" type="password" required maxlength="512" autocomplete="current-password" autofocus${described}></p>
<p><button type="submit">Sign in</button></p>
</form></main></body></html>`;
}
