import fc from 'fast-check';

/**
 * fast-check arbitraries for hostile chat requests: payloads shaped like Slack's and Teams' with
 * any field replaced by something worse, JSON texts that are hostile in shape, and broken
 * credentials. Used by test/e2e/chat-fuzz.e2e.spec.ts.
 */

const LONE_SURROGATE = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');

/** Text, sometimes ill-formed (a lone surrogate spliced in), sometimes markup, controls or too long. */
export const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), LONE_SURROGATE, fc.string({ maxLength: 10 })).map(([a, b, c]) => a + b + c),
  fc.constantFrom('', '   ', '<!channel>', '<https://evil.example|click>', '*bold* _it_', '\u202eevil', '\n\r\t\u0000', '"}]', '%ED%A0%80', 'x'.repeat(3001), 'é'.repeat(2000)),
);

const scalar = fc.oneof(hostileText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
/** Any value where a string was expected. */
export const hostileValue = fc.oneof(scalar, fc.jsonValue({ maxDepth: 3 }), fc.array(scalar, { maxLength: 3 }), fc.dictionary(hostileText, scalar, { maxKeys: 3 }));

/** A deny reason: text, often ill-formed or too long, sometimes not text at all. */
const reason = fc.oneof({ weight: 3, arbitrary: hostileText }, { weight: 1, arbitrary: hostileValue });

/** Usually the well-formed value, sometimes a hostile one: deep enough to reach the vote path often. */
const mostly = <T>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: hostileValue });

/** JSON text hostile in shape: deep, duplicate keys, huge, not JSON, not an object. */
export const hostileJsonText = fc.oneof(
  fc.integer({ min: 30, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 30, max: 3000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.tuple(fc.constantFrom('type', 'user', 'actions', 'value', 'view'), hostileValue).map(([k, v]) => `{"${k}":1,"${k}":${JSON.stringify(v) ?? 'null'}}`),
  fc.integer({ min: 1, max: 200_000 }).map((n) => JSON.stringify({ type: 'block_actions', pad: 'x'.repeat(n) })),
  fc.array(fc.constant(0), { minLength: 900, maxLength: 12_000 }).map((a) => JSON.stringify({ items: a })),
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('{"a":"\\ud800"}', '{"\\udc00":1}', 'null', '[]', '"x"', '{', '{"a":1,}', '{"a":1 /* x */}', '\ufeff{}', '{"__proto__":{"x":1}}'),
);

/** A Slack interaction payload: our buttons and modal, with any field hostile. */
export function slackPayload(o: { actionIds: string[]; hashes: string[]; responseUrl: string }) {
  const value = fc.tuple(fc.constantFrom(...o.actionIds), fc.oneof(fc.constant(''), fc.constantFrom(...o.hashes).map((h) => `:${h}`), hostileText.map((t) => `:${t}`)))
    .map(([id, tail]) => id + tail);
  const meta = fc.record({ actionId: mostly(fc.constantFrom(...o.actionIds)), paramsHash: mostly(fc.constantFrom(...o.hashes)), responseUrl: fc.constant(o.responseUrl) }, { requiredKeys: [] })
    .map((m) => JSON.stringify(m));
  return fc.record({
    type: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('block_actions', 'view_submission') }, fc.constant('shortcut'), hostileValue),
    user: mostly(fc.record({ id: mostly(fc.constantFrom('U0BOB', 'U0ALICE', 'U0NOBODY')), team_id: mostly(fc.constantFrom('T0COUNTER', 'T0ELSEWHERE')) }, { requiredKeys: [] })),
    team: mostly(fc.record({ id: fc.constantFrom('T0COUNTER', 'T0ELSEWHERE') })),
    trigger_id: mostly(fc.constant('trigger-1')),
    response_url: mostly(fc.constant(o.responseUrl)),
    actions: mostly(fc.array(fc.record({
      action_id: fc.constantFrom('countersign_approve', 'countersign_deny', 'other'),
      value: mostly(value),
      action_ts: mostly(fc.integer({ min: 1, max: 1e9 }).map((n) => `1700000000.${n}`)),
    }, { requiredKeys: [] }), { maxLength: 3 })),
    view: fc.record({
      id: mostly(fc.uuid().map((u) => `V${u.replace(/-/g, '')}`)),
      callback_id: fc.constantFrom('countersign_deny_reason', 'other'),
      private_metadata: mostly(meta),
      state: mostly(fc.record({ values: fc.record({ countersign_reason: fc.record({ reason: fc.record({ value: reason }) }) }) })),
    }, { requiredKeys: [] }),
  }, { requiredKeys: ['type'] });
}

/** A Bot Framework activity: card actions on our cards, with any field hostile. */
export function teamsActivity(o: { actionIds: string[]; hashes: string[]; serviceUrl: string }) {
  return fc.record({
    type: fc.oneof({ weight: 8, arbitrary: fc.constant('invoke') }, fc.constantFrom('message', 'conversationUpdate'), hostileValue),
    name: mostly(fc.constant('adaptiveCard/action')),
    id: mostly(fc.uuid().map((u) => `f:${u}`)),
    serviceUrl: mostly(fc.constant(o.serviceUrl)),
    from: mostly(fc.record({ id: mostly(fc.constant('29:fuzz')), aadObjectId: mostly(fc.constantFrom('aad-bob-0002', 'aad-alice-0001', 'aad-nobody')) }, { requiredKeys: [] })),
    value: fc.record({
      action: mostly(fc.record({
        type: fc.constant('Action.Execute'),
        verb: mostly(fc.constantFrom('countersign.approve', 'countersign.deny')),
        data: fc.record({ actionId: mostly(fc.constantFrom(...o.actionIds)), paramsHash: mostly(fc.constantFrom(...o.hashes)), reason }, { requiredKeys: [] }),
      }, { requiredKeys: [] })),
    }),
  }, { requiredKeys: ['type'] });
}

/** Header values a client can send at all (fetch refuses control characters). */
export const headerText = fc.string({ unit: 'binary-ascii', maxLength: 120 }).map((s) => s.replace(/[^\x20-\x7e]/g, '').trim());
