import { Double, Int32, Long } from 'bson';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../errors.js';
import { compileJsonSchema } from './compileJsonSchema.js';

const ok = (schema: unknown, doc: object) => compileJsonSchema(schema).matches(doc);
const rules = (schema: unknown, doc: object) => compileJsonSchema(schema).explain(doc).schemaRulesNotSatisfied;

function parseError(schema: unknown): { codeName: string; message: string } {
  try {
    compileJsonSchema(schema);
  } catch (e) {
    if (e instanceof CommandError) return { codeName: e.codeName, message: e.message };
    throw e;
  }
  throw new Error('schema compiled');
}

describe('compileJsonSchema: matching', () => {
  it('checks types with bsonType (BSON aliases, number) and type (JSON types)', () => {
    expect(ok({ properties: { a: { bsonType: 'int' } } }, { a: new Int32(1) })).toBe(true);
    expect(ok({ properties: { a: { bsonType: 'int' } } }, { a: new Double(1) })).toBe(false);
    expect(ok({ properties: { a: { bsonType: ['long', 'string'] } } }, { a: Long.fromNumber(2) })).toBe(true);
    expect(ok({ properties: { a: { bsonType: 'number' } } }, { a: 1.5 })).toBe(true);
    expect(ok({ properties: { a: { type: 'boolean' } } }, { a: true })).toBe(true);
    expect(ok({ properties: { a: { type: ['null', 'string'] } } }, { a: 3 })).toBe(false);
    expect(ok({ bsonType: 'object' }, {})).toBe(true);
  });

  it('applies type-specific keywords only to values of their type', () => {
    const schema = { properties: { a: { minimum: 2, maxLength: 2, minItems: 1, minProperties: 1 } } };
    expect(ok(schema, { a: 'abc' })).toBe(false);
    expect(ok(schema, { a: 'ab' })).toBe(true);
    expect(ok(schema, { a: 1 })).toBe(false);
    expect(ok(schema, { a: [] })).toBe(false);
    expect(ok(schema, { a: {} })).toBe(false);
    expect(ok(schema, { a: null })).toBe(true);
    expect(ok(schema, {})).toBe(true);
  });

  it('handles numbers: minimum/maximum (exclusive), multipleOf, across numeric types', () => {
    const s = {
      properties: { n: { minimum: 0, exclusiveMinimum: true, maximum: Long.fromNumber(10), multipleOf: 2.5 } },
    };
    expect(ok(s, { n: 0 })).toBe(false);
    expect(ok(s, { n: 2.5 })).toBe(true);
    expect(ok(s, { n: Long.fromNumber(10) })).toBe(true);
    expect(ok(s, { n: 12.5 })).toBe(false);
    expect(ok(s, { n: 3 })).toBe(false);
  });

  it('counts string length in code points and matches patterns unanchored', () => {
    expect(ok({ properties: { s: { maxLength: 2 } } }, { s: '😀😀' })).toBe(true);
    expect(ok({ properties: { s: { minLength: 3 } } }, { s: '😀😀' })).toBe(false);
    expect(ok({ properties: { s: { pattern: '@mongodb\\.com$' } } }, { s: 'x@mongodb.com' })).toBe(true);
    expect(ok({ properties: { s: { pattern: '^[a-z]+$' } } }, { s: 'Mongo' })).toBe(false);
  });

  it('handles arrays: items (one schema, positional + additionalItems), lengths, uniqueItems', () => {
    expect(ok({ properties: { a: { items: { bsonType: 'string' } } } }, { a: ['x', 'y'] })).toBe(true);
    expect(ok({ properties: { a: { items: { bsonType: 'string' } } } }, { a: ['x', 1] })).toBe(false);
    const positional = {
      properties: { a: { items: [{ type: 'string' }, { type: 'number' }], additionalItems: false } },
    };
    expect(ok(positional, { a: ['x', 1] })).toBe(true);
    expect(ok(positional, { a: ['x'] })).toBe(true);
    expect(ok(positional, { a: ['x', 1, 2] })).toBe(false);
    expect(ok({ properties: { a: { items: [{}], additionalItems: { type: 'string' } } } }, { a: [1, 'b'] })).toBe(true);
    expect(ok({ properties: { a: { items: [{}], additionalItems: { type: 'string' } } } }, { a: [1, 2] })).toBe(false);
    expect(ok({ properties: { a: { uniqueItems: true } } }, { a: [1, 2, new Double(1)] })).toBe(false);
    expect(ok({ properties: { a: { uniqueItems: true } } }, { a: [{ x: 1 }, { x: 2 }] })).toBe(true);
    expect(ok({ properties: { a: { maxItems: 1 } } }, { a: [1, 2] })).toBe(false);
  });

  it('handles objects: required, nested properties, additional/pattern properties, property counts, dependencies', () => {
    const s = {
      required: ['a'],
      properties: { a: { bsonType: 'object', required: ['b'], properties: { b: { enum: [1, 'x', null] } } } },
    };
    expect(ok(s, { a: { b: 'x' } })).toBe(true);
    expect(ok(s, { a: { b: 2 } })).toBe(false);
    expect(ok(s, { a: {} })).toBe(false);
    expect(ok(s, {})).toBe(false);
    const allowed = {
      properties: { _id: {} },
      patternProperties: { '^x_': { type: 'number' } },
      additionalProperties: false,
    };
    expect(ok(allowed, { _id: 1, x_a: 1 })).toBe(true);
    expect(ok(allowed, { _id: 1, x_a: 'no' })).toBe(false);
    expect(ok(allowed, { _id: 1, y: 1 })).toBe(false);
    expect(ok({ additionalProperties: { type: 'string' }, properties: { n: {} } }, { n: 1, s: 's' })).toBe(true);
    expect(ok({ additionalProperties: { type: 'string' } }, { s: 1 })).toBe(false);
    expect(ok({ minProperties: 2, maxProperties: 3 }, { a: 1 })).toBe(false);
    expect(ok({ minProperties: 2, maxProperties: 3 }, { a: 1, b: 2 })).toBe(true);
    const deps = { dependencies: { card: ['billing'], gift: { required: ['to'] } } };
    expect(ok(deps, { card: 1, billing: 2 })).toBe(true);
    expect(ok(deps, { card: 1 })).toBe(false);
    expect(ok(deps, { gift: 1 })).toBe(false);
    expect(ok(deps, { gift: 1, to: 'x' })).toBe(true);
    expect(ok(deps, {})).toBe(true);
  });

  it('handles allOf, anyOf, oneOf and not', () => {
    const p = (s: object) => ({ properties: { v: s } });
    expect(ok(p({ allOf: [{ minimum: 1 }, { maximum: 3 }] }), { v: 2 })).toBe(true);
    expect(ok(p({ allOf: [{ minimum: 1 }, { maximum: 3 }] }), { v: 4 })).toBe(false);
    expect(ok(p({ anyOf: [{ type: 'string' }, { minimum: 3 }] }), { v: 4 })).toBe(true);
    expect(ok(p({ anyOf: [{ type: 'string' }, { minimum: 3 }] }), { v: 2 })).toBe(false);
    expect(ok(p({ oneOf: [{ minimum: 1 }, { minimum: 3 }] }), { v: 2 })).toBe(true);
    expect(ok(p({ oneOf: [{ minimum: 1 }, { minimum: 3 }] }), { v: 4 })).toBe(false);
    expect(ok(p({ not: { type: 'string' } }), { v: 4 })).toBe(true);
    expect(ok(p({ not: { type: 'string' } }), { v: 's' })).toBe(false);
  });
});

describe('compileJsonSchema: errors as mongod reports them', () => {
  it('explains the docs example (students): properties before required, nested details, descriptions', () => {
    const schema = {
      bsonType: 'object',
      required: ['name', 'year', 'major', 'address'],
      properties: {
        name: { bsonType: 'string', description: 'must be a string and is required' },
        year: { bsonType: 'int', minimum: 2017, maximum: 3017 },
        major: { enum: ['Math', 'English', null], description: 'can only be one of the enum values' },
        address: {
          bsonType: 'object',
          required: ['city'],
          properties: { street: { bsonType: 'string', description: 'street' } },
        },
      },
    };
    const doc = {
      year: new Int32(2020),
      major: 'Software Engineering',
      address: { city: 'NYC', street: new Int32(5) },
    };
    expect(compileJsonSchema(schema).explain(doc)).toEqual({
      operatorName: '$jsonSchema',
      schemaRulesNotSatisfied: [
        {
          operatorName: 'properties',
          propertiesNotSatisfied: [
            {
              propertyName: 'major',
              description: 'can only be one of the enum values',
              details: [
                {
                  operatorName: 'enum',
                  specifiedAs: { enum: ['Math', 'English', null] },
                  reason: 'value was not found in enum',
                  consideredValue: 'Software Engineering',
                },
              ],
            },
            {
              propertyName: 'address',
              details: [
                {
                  operatorName: 'properties',
                  propertiesNotSatisfied: [
                    {
                      propertyName: 'street',
                      description: 'street',
                      details: [
                        {
                          operatorName: 'bsonType',
                          specifiedAs: { bsonType: 'string' },
                          reason: 'type did not match',
                          consideredValue: new Int32(5),
                          consideredType: 'int',
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
        {
          operatorName: 'required',
          specifiedAs: { required: ['name', 'year', 'major', 'address'] },
          missingProperties: ['name'],
        },
      ],
    });
  });

  it('reports each keyword with its reason and values', () => {
    const one = (schema: object, doc: object) => rules(schema, doc)[0];
    expect(
      one({ properties: { v: { uniqueItems: true } } }, { v: ['two', 'two'] }).propertiesNotSatisfied[0].details,
    ).toEqual([
      {
        operatorName: 'uniqueItems',
        specifiedAs: { uniqueItems: true },
        reason: 'found a duplicate item',
        consideredValue: ['two', 'two'],
        duplicatedValue: 'two',
      },
    ]);
    expect(
      one({ properties: { v: { items: { type: 'string' } } } }, { v: [1] }).propertiesNotSatisfied[0].details[0],
    ).toEqual({
      operatorName: 'items',
      reason: 'At least one item did not match the sub-schema',
      itemIndex: 0,
      details: [
        {
          operatorName: 'type',
          specifiedAs: { type: 'string' },
          reason: 'type did not match',
          consideredValue: 1,
          consideredType: 'int',
        },
      ],
    });
    expect(one({ additionalProperties: false, properties: { _id: {} } }, { _id: 1, x: 1, y: 2 })).toEqual({
      operatorName: 'additionalProperties',
      specifiedAs: { additionalProperties: false },
      additionalProperties: ['x', 'y'],
    });
    expect(one({ minProperties: 2 }, { a: 1 })).toEqual({
      operatorName: 'minProperties',
      specifiedAs: { minProperties: 2 },
      reason: 'specified number of properties was not satisfied',
      numberOfProperties: 1,
    });
    expect(
      one({ properties: { s: { minLength: 3 } } }, { s: 'ab' }).propertiesNotSatisfied[0].details[0],
    ).toMatchObject({
      operatorName: 'minLength',
      reason: 'specified string length was not satisfied',
      consideredValue: 'ab',
    });
    expect(one({ properties: { n: { minimum: 3 } } }, { n: 1 }).propertiesNotSatisfied[0].details[0]).toEqual({
      operatorName: 'minimum',
      specifiedAs: { minimum: 3 },
      reason: 'comparison failed',
      consideredValue: 1,
    });
    expect(
      one({ properties: { n: { maximum: 3, exclusiveMaximum: true } } }, { n: 3 }).propertiesNotSatisfied[0].details[0]
        .specifiedAs,
    ).toEqual({ maximum: 3, exclusiveMaximum: true });
    expect(
      one({ properties: { n: { maximum: 3, exclusiveMaximum: false } } }, { n: 4 }).propertiesNotSatisfied[0].details[0]
        .specifiedAs,
    ).toEqual({ maximum: 3 });
    expect(one({ oneOf: [{ minProperties: 1 }, { required: ['a'] }] }, { a: 1 })).toEqual({
      operatorName: 'oneOf',
      reason: 'more than one subschema matched',
      matchingSchemaIndexes: [0, 1],
    });
    expect(one({ anyOf: [{ required: ['a'] }, { title: 'b', required: ['b'] }] }, {})).toEqual({
      operatorName: 'anyOf',
      schemasNotSatisfied: [
        {
          index: 0,
          details: [{ operatorName: 'required', specifiedAs: { required: ['a'] }, missingProperties: ['a'] }],
        },
        {
          index: 1,
          title: 'b',
          details: [{ operatorName: 'required', specifiedAs: { required: ['b'] }, missingProperties: ['b'] }],
        },
      ],
    });
    expect(one({ not: { required: ['a'] } }, { a: 1 })).toEqual({
      operatorName: 'not',
      reason: 'child expression matched',
    });
    expect(one({ dependencies: { a: ['b'] } }, { a: 1 })).toEqual({
      operatorName: 'dependencies',
      failingDependencies: [{ conditionalProperty: 'a', missingProperties: ['b'] }],
    });
    expect(compileJsonSchema({ title: 'T', required: ['a'] }).explain({}).title).toBe('T');
    const arrays = {
      properties: { a: { items: [{ type: 'string' }, { type: 'number' }], additionalItems: false, maxItems: 2 } },
    };
    expect(one(arrays, { a: [1, 'x', 3] }).propertiesNotSatisfied[0].details).toEqual([
      {
        operatorName: 'maxItems',
        specifiedAs: { maxItems: 2 },
        reason: 'array did not match specified length',
        consideredValue: [1, 'x', 3],
        numberOfItems: 3,
      },
      {
        operatorName: 'items',
        details: [
          { itemIndex: 0, details: [expect.objectContaining({ operatorName: 'type', consideredValue: 1 })] },
          { itemIndex: 1, details: [expect.objectContaining({ operatorName: 'type', consideredValue: 'x' })] },
        ],
      },
      {
        operatorName: 'additionalItems',
        specifiedAs: { additionalItems: false },
        reason: 'found additional items',
        additionalItems: [3],
      },
    ]);
    expect(
      one({ properties: { a: { items: [{}], additionalItems: { title: 't', type: 'string' } } } }, { a: [0, 's', 2] })
        .propertiesNotSatisfied[0].details[0],
    ).toMatchObject({
      operatorName: 'additionalItems',
      title: 't',
      reason: 'At least one additional item did not match the sub-schema',
      itemIndex: 2,
    });
    // Scalar keywords are reported before the logical ones and the type, in mongod's order.
    expect(
      one(
        { properties: { s: { enum: ['abcd'], bsonType: 'int', maxLength: 2, pattern: '^x' } } },
        { s: 'abc' },
      ).propertiesNotSatisfied[0].details.map((d: { operatorName: string }) => d.operatorName),
    ).toEqual(['pattern', 'maxLength', 'enum', 'bsonType']);
    // A root type without 'object' matches no document.
    expect(ok({ bsonType: 'string' }, {})).toBe(false);
    expect(compileJsonSchema({ bsonType: 'string' }).explain({})).toEqual({
      operatorName: '$jsonSchema',
      specifiedAs: { $jsonSchema: { bsonType: 'string' } },
      reason: 'expression always evaluates to false',
    });
  });

  it('refuses malformed schemas, unknown and unsupported keywords', () => {
    expect(parseError({ foo: 1 })).toEqual({ codeName: 'FailedToParse', message: 'Unknown $jsonSchema keyword: foo' });
    expect(parseError({ format: 'email' })).toEqual({
      codeName: 'FailedToParse',
      message: "$jsonSchema keyword 'format' is not currently supported",
    });
    expect(parseError({ type: 'integer' }).codeName).toBe('FailedToParse');
    expect(parseError({ type: 'object', bsonType: 'object' }).codeName).toBe('FailedToParse');
    expect(parseError({ bsonType: 'nope' }).codeName).toBe('BadValue');
    expect(parseError({ bsonType: ['int', 'int'] }).codeName).toBe('FailedToParse');
    expect(parseError({ bsonType: [1] }).codeName).toBe('TypeMismatch');
    expect(parseError({ minimum: 'x' }).codeName).toBe('TypeMismatch');
    expect(parseError({ exclusiveMinimum: true }).codeName).toBe('FailedToParse');
    expect(parseError({ minLength: -1 }).codeName).toBe('FailedToParse');
    expect(parseError({ required: [] }).codeName).toBe('FailedToParse');
    expect(parseError({ required: ['a', 'a'] }).codeName).toBe('FailedToParse');
    expect(parseError({ enum: 'x' }).codeName).toBe('TypeMismatch');
    expect(parseError({ properties: { a: 1 } }).codeName).toBe('TypeMismatch');
    expect(parseError({ anyOf: [] }).codeName).toBe('FailedToParse');
    expect(parseError({ multipleOf: 0 }).codeName).toBe('FailedToParse');
    expect(parseError({ pattern: '(' }).codeName).toBe('BadValue');
    expect(parseError('x').codeName).toBe('TypeMismatch');
  });
});
