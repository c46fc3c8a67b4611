import {
  graphql,
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLInputType,
} from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { DateTimeScalar } from '../../../src/graphql/scalars/DateTime';
import { createErrorFormatter, withoutEchoedValues } from '../../../src/server/formatError';

const SECRET = 'sk-live-SECRET-0123456789';

describe('errors never repeat the input value they refuse', () => {
  it.each([
    `Variable "$input" got invalid value { api_key: "${SECRET}" } at "input.modelName"; String cannot represent a non string value: { api_key: "${SECRET}" }`,
    `Variable "$input" got invalid value "${SECRET}" at "input.litellmParams"; Expected type "JSON".`,
    `Variable "$id" got invalid value ["${SECRET}"]; ID cannot represent value: ["${SECRET}"]`,
    `Expected value of type "String!", found { api_key: "${SECRET}" }.`,
    `String cannot represent a non string value: { api_key: "${SECRET}" }`,
  ])('%s', (message) => {
    const cleaned = withoutEchoedValues({ message, extensions: { code: 'BAD_USER_INPUT' } }).message;
    expect(cleaned).not.toContain(SECRET);
    expect(cleaned.length).toBeGreaterThan(10);
  });

  it('keeps the variable and the path so the caller knows what to fix', () => {
    const { message } = withoutEchoedValues({
      message: `Variable "$input" got invalid value { a: 1 } at "input.modelName"; String cannot represent a non string value: { a: 1 }`,
    });
    expect(message).toBe('Variable "$input" got an invalid value at "input.modelName"; String cannot represent a non string value.');
  });

  it('leaves messages that echo nothing as they are', () => {
    const error = { message: 'Field "nope" is not defined by type "AddModelInput".' };
    expect(withoutEchoedValues(error)).toBe(error);
  });
});

describe('coercion errors of every input type never echo the value, as a literal or as a variable', () => {
  const AuditAction = new GraphQLEnumType({ name: 'AuditAction', values: { CREATED: {}, UPDATED: {}, DELETED: {} } });
  const INPUT_TYPES: Record<string, GraphQLInputType> = {
    ID: GraphQLID,
    Int: GraphQLInt,
    Float: GraphQLFloat,
    Boolean: GraphQLBoolean,
    String: GraphQLString,
    DateTime: DateTimeScalar,
    JSON: GraphQLJSON,
    AuditAction,
  };
  const Filter = new GraphQLInputObjectType({ name: 'Filter', fields: { since: { type: DateTimeScalar }, action: { type: AuditAction }, first: { type: GraphQLInt }, ids: { type: new GraphQLList(GraphQLID) } } });
  const fields: Record<string, { type: typeof GraphQLString; args: { value: { type: GraphQLInputType } }; resolve: () => string }> = {};
  for (const [name, type] of Object.entries({ ...INPUT_TYPES, Filter, IntList: new GraphQLList(GraphQLInt) })) {
    fields[`with${name}`] = { type: GraphQLString, args: { value: { type } }, resolve: () => 'ok' };
  }
  const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields }) });
  const formatError = createErrorFormatter({ error: () => undefined }, false);
  const LONG_NUMBER = 98765432109876e6; // beyond Int and exactly a double

  /** What the client reads of a refused request: its errors as the server's formatter leaves them. */
  async function clientMessages(source: string, variableValues?: Record<string, unknown>): Promise<string[]> {
    const messages = await formattedErrors(source, variableValues);
    expect(messages.length).toBeGreaterThan(0);
    return messages;
  }

  const literalValues = [`"${SECRET}"`, `{ api_key: "${SECRET}" }`, `["${SECRET}"]`, SECRET.replace(/-/g, '_'), String(LONG_NUMBER)];
  const typeNames = [...Object.keys(INPUT_TYPES), 'IntList'];
  const literalCases = typeNames.flatMap((type) => literalValues.map((literal) => [type, literal] as const));

  /** The formatted messages of every error a request got (none when the value was valid for the type). */
  async function formattedErrors(source: string, variableValues?: Record<string, unknown>): Promise<string[]> {
    const { errors = [] } = await graphql({ schema, source, variableValues });
    return errors.map((error) => formatError({ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }, error).message);
  }

  it.each(literalCases)('a %s argument given the literal %s', async (type, literal) => {
    for (const message of await formattedErrors(`{ with${type}(value: ${literal}) }`)) {
      expect(message).not.toContain('SECRET');
      expect(message).not.toContain('98765432109876');
    }
  });

  const variableValues: unknown[] = [SECRET, { api_key: SECRET }, [SECRET], LONG_NUMBER, true, 1.5];
  const variableCases = typeNames.flatMap((type) => variableValues.map((value) => [type, JSON.stringify(value), value] as const));

  it.each(variableCases)('a %s variable given %s', async (type, _shown, value) => {
    const variableType = type === 'IntList' ? '[Int]' : type;
    for (const message of await formattedErrors(`query ($value: ${variableType}) { with${type}(value: $value) }`, { value })) {
      expect(message).not.toContain('SECRET');
      expect(message).not.toContain('98765432109876');
      expect(message).toMatch(/^Variable "\$value" got an invalid value/);
    }
  });

  it('the cases above do reach a refusal for each type that cannot hold them (the checks run on real messages)', async () => {
    const refusedTypes = new Set<string>();
    for (const type of typeNames) {
      for (const literal of literalValues) if ((await formattedErrors(`{ with${type}(value: ${literal}) }`)).length > 0) refusedTypes.add(type);
    }
    expect([...refusedTypes].sort()).toEqual([...typeNames].sort());
  });

  it('fields of an input object keep their path: the caller knows which field to fix', async () => {
    const messages = await Promise.all(
      ['since', 'action', 'first'].map(async (field) => (await clientMessages('query ($f: Filter) { withFilter(value: $f) }', { f: { [field]: SECRET } }))[0]),
    );
    expect(messages).toEqual([
      'Variable "$f" got an invalid value at "f.since"; DateTime cannot represent an invalid date-time-string.',
      'Variable "$f" got an invalid value at "f.action"; The value does not exist in "AuditAction" enum.',
      'Variable "$f" got an invalid value at "f.first"; Int cannot represent non-integer value.',
    ]);
  });

  it('a bad DateTime or enum literal still says what is wrong', async () => {
    expect(await clientMessages(`{ withDateTime(value: "${SECRET}") }`)).toEqual(['DateTime cannot represent an invalid date-time-string.']);
    expect(await clientMessages(`{ withDateTime(value: 12) }`)).toEqual(['DateTime cannot represent non string or Date type.']);
    expect(await clientMessages(`{ withAuditAction(value: sk_SECRET_0123456789) }`)).toEqual(['The value does not exist in "AuditAction" enum.']);
    expect(await clientMessages(`{ withAuditAction(value: "${SECRET}") }`)).toEqual(['Enum "AuditAction" cannot represent non-enum value.']);
  });

  it('the DateTime and enum cases the issue names', () => {
    for (const message of [`DateTime cannot represent an invalid date-time-string ${SECRET}.`, `Value "${SECRET}" does not exist in "AuditAction" enum.`]) {
      expect(withoutEchoedValues({ message }).message).not.toContain(SECRET);
    }
  });
});
