// Fails when a field that exposes team data or secrets has no @auth rule, and pins the rules the SDL declares.
import { isObjectType, print, type ConstDirectiveNode, type GraphQLField, type GraphQLSchema } from 'graphql';
import { buildApiSchema } from '../../../src/app/buildApiSchema';

/** Query and Mutation fields anyone may call: only `me`, which says who is calling. */
const PUBLIC_OPERATIONS = new Set(['Query.me']);

/** Fields of object types that expose secrets or another team's data (checked when the type has them). */
const GUARDED_FIELDS = ['Model.litellmParams', 'Model.credentialName', 'Model.auditLogs', 'AuditLog.changedByApiKey'];

function authDirective(field: GraphQLField<unknown, unknown>): ConstDirectiveNode | undefined {
  return field.astNode?.directives?.find((directive) => directive.name.value === 'auth');
}

function fieldOf(schema: GraphQLSchema, coordinate: string): GraphQLField<unknown, unknown> | undefined {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName);
  return isObjectType(type) ? type.getFields()[fieldName] : undefined;
}

/** The directive as printed into schema.graphql, e.g. `@auth(rule: TEAM_MEMBER)`. */
function printedAuth(field: GraphQLField<unknown, unknown> | undefined): string | undefined {
  const directive = field && authDirective(field);
  return directive && print(directive);
}

describe('the @auth rules in the schema', () => {
  const schema = buildApiSchema();
  const operations = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
    Object.values(type.getFields()).map((field) => ({ coordinate: `${type.name}.${field.name}`, field })),
  );

  it.each(operations.filter(({ coordinate }) => !PUBLIC_OPERATIONS.has(coordinate)))('$coordinate carries an @auth rule', ({ field }) => {
    expect(authDirective(field)).toBeDefined();
  });

  it('`me` is the only operation without a rule', () => {
    const unguarded = operations.filter(({ field }) => !authDirective(field)).map(({ coordinate }) => coordinate);
    expect(unguarded).toEqual([...PUBLIC_OPERATIONS]);
  });

  it.each(GUARDED_FIELDS.filter((coordinate) => fieldOf(schema, coordinate)))('%s carries an @auth rule', (coordinate) => {
    expect(authDirective(fieldOf(schema, coordinate)!)).toBeDefined();
  });

  it('Model.litellmParams exists and is guarded (the field that exposes secrets)', () => {
    expect(fieldOf(schema, 'Model.litellmParams')).toBeDefined();
  });

  it('every @auth directive names at least one role or rule', () => {
    const directives = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()))
      .map(authDirective)
      .filter((directive): directive is ConstDirectiveNode => directive !== undefined);
    expect(directives.length).toBeGreaterThan(0);
    for (const directive of directives) expect(directive.arguments?.length).toBeGreaterThan(0);
  });

  it.each([
    ['Query.model', '@auth(rule: MODEL_VIEWER)'],
    ['Query.models', '@auth(rule: MODEL_VIEWER)'],
    ['Mutation.addModel', '@auth(rule: MODEL_MANAGER)'],
    ['Mutation.updateModel', '@auth(rule: MODEL_MANAGER)'],
    ['Mutation.patchModel', '@auth(rule: MODEL_MANAGER)'],
    ['Mutation.deleteModel', '@auth(rule: MODEL_MANAGER)'],
    ['Mutation.createUser', '@auth(requires: [PROXY_ADMIN])'],
    ['Mutation.createTeam', '@auth(requires: [PROXY_ADMIN])'],
    ['Mutation.generateKey', '@auth(requires: [PROXY_ADMIN])'],
    ['Model.litellmParams', '@auth(rule: TEAM_MEMBER)'],
    ['Model.credentialName', '@auth(rule: TEAM_MEMBER)'],
    ['Mutation.blockModel', '@auth(requires: [PROXY_ADMIN])'],
    ['Mutation.unblockModel', '@auth(requires: [PROXY_ADMIN])'],
    ['Query.credentials', '@auth(requires: [PROXY_ADMIN, PROXY_ADMIN_VIEWER])'],
    ['Mutation.restoreModel', '@auth(rule: MODEL_MANAGER)'],
    ['Query.modelHistory', '@auth(rule: AUDIT_READER)'],
    ['Query.deletedModels', '@auth(rule: AUDIT_READER)'],
  ])('%s is declared %s', (coordinate, expected) => {
    expect(printedAuth(fieldOf(schema, coordinate))).toBe(expected);
  });
});
