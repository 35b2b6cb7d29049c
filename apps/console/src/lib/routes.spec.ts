import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionPath, routeOf } from './routes.ts';

describe('console routes', () => {
  it('given each page path, when routed, then its page is chosen', () => {
    assert.deepEqual(routeOf('/console'), { page: 'inbox' });
    assert.deepEqual(routeOf('/console/'), { page: 'inbox' });
    assert.deepEqual(routeOf('/console/audit'), { page: 'audit' });
    assert.deepEqual(routeOf('/console/policies'), { page: 'policies' });
    assert.deepEqual(routeOf('/console/settings/'), { page: 'settings' });
    assert.deepEqual(routeOf('/console/elsewhere'), { page: 'not-found' });
  });

  it('given an action id, when its path is built and routed, then the same id comes back', () => {
    for (const id of ['01a2-7f3e', 'a b/c', '%zz']) assert.deepEqual(routeOf(actionPath(id)), { page: 'action', id });
    assert.deepEqual(routeOf('/console/actions/%E0%A4%A'), { page: 'not-found' });
  });
});
