import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_TYPES } from '../commands.ts';
import { EVENT_TYPES } from '../events.ts';
import { createAjv } from '../validation.ts';
import { COMMAND_DATA_SCHEMAS, commandEnvelopeSchema } from './command-schemas.ts';
import { EVENT_DATA_SCHEMAS, eventEnvelopeSchema } from './event-schemas.ts';

// The validators compile their schemas on first use (validation.ts): a schema strict ajv refuses
// would otherwise surface only when a process first meets that type. Here every one compiles.
describe('the event and command schemas', () => {
  it('given strict ajv, when every envelope and every type\'s data schema is compiled, then none is refused', () => {
    const ajv = createAjv();
    const schemas: Array<[string, object]> = [
      ['event envelope', eventEnvelopeSchema],
      ['command envelope', commandEnvelopeSchema],
      ...EVENT_TYPES.map((t): [string, object] => [`event ${t}`, EVENT_DATA_SCHEMAS[t]]),
      ...COMMAND_TYPES.map((t): [string, object] => [`command ${t}`, COMMAND_DATA_SCHEMAS[t]]),
    ];
    for (const [name, schema] of schemas) {
      assert.ok(schema, `${name} has a schema`);
      assert.doesNotThrow(() => ajv.compile(schema), name);
    }
    assert.ok(schemas.length > 20);
  });
});
