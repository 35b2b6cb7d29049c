import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_HEADERS, renderApiKeyForm } from './api-key-sign-in-page.ts';

describe('renderApiKeyForm', () => {
  it('given a returnTo and an error, then a labelled password field, a hidden returnTo and the error, all escaped', () => {
    const html = renderApiKeyForm({ returnTo: '/console/"><script>x</script>', error: '<b>no</b>' });
    assert.match(html, /<label for="apiKey">API key<\/label>/);
    assert.match(html, /<input id="apiKey" name="apiKey" type="password"/);
    assert.match(html, /<form method="post" action="\/auth\/api-key">/);
    assert.match(html, /<button type="submit">Sign in<\/button>/);
    assert.ok(!html.includes('<script>') && !html.includes('<b>'));
    assert.match(html, /value="\/console\/&#34;&#62;&#60;script&#62;/);
  });

  it('has no inline script or style, and a CSP that allows neither and posts only here', () => {
    const html = renderApiKeyForm({ returnTo: '/console' });
    assert.ok(!/<script|<style| style=| on[a-z]+=/i.test(html));
    assert.match(FORM_HEADERS['Content-Security-Policy'], /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    // Under no-referrer a browser posts the form with `Origin: null`, which the login-CSRF check refuses.
    assert.equal(FORM_HEADERS['Referrer-Policy'], 'same-origin');
  });
});
