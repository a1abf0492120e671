import { ERROR_CATALOGUE } from '@hocbaso/errors';
import {
  Kind,
  parse,
  specifiedRules,
  validate,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import {
  aliasLimitRule,
  depthLimitRule,
  measureOperation,
  rootFieldLimitRule,
  selectionLimitRule,
} from './limits';
import { platformSupergraph } from './__fixtures__/supergraph';

const { apiSchema } = platformSupergraph();

/** Only the limit rule's errors, after checking the document is otherwise valid. */
function limitErrors(rule: ValidationRule, query: string) {
  const document = parse(query);
  expect(validate(apiSchema, document)).toEqual([]);
  return validate(apiSchema, document, [rule]);
}

function measure(query: string) {
  const document = parse(query);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  if (!operation) throw new Error('no operation');
  return measureOperation(operation, (name) => fragments.get(name));
}

describe('depthLimitRule', () => {
  const depthThree = '{ me { roles { role } } }';

  it('accepts an operation at the limit and rejects one over it', () => {
    expect(limitErrors(depthLimitRule(3), depthThree)).toEqual([]);

    const errors = limitErrors(depthLimitRule(2), depthThree);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(`${ERROR_CATALOGUE.QUERY_TOO_COMPLEX.vi} Độ sâu 3 vượt quá giới hạn 2.`);
    expect(errors[0]?.extensions).toEqual({
      code: 'QUERY_TOO_COMPLEX',
      details: { limit: 'depth', max: 2, actual: 3 },
    });
  });

  it('counts through named and inline fragments', () => {
    const query = `
      { me { ...Person } }
      fragment Person on Account { ... on Account { roles { ...Role } } }
      fragment Role on RoleAssignment { role }
    `;

    expect(limitErrors(depthLimitRule(3), query)).toEqual([]);
    expect(limitErrors(depthLimitRule(2), query)).toHaveLength(1);
  });

  it('limits introspection too', () => {
    const query = '{ __schema { types { fields { type { ofType { name } } } } } }';

    expect(limitErrors(depthLimitRule(6), query)).toEqual([]);
    expect(limitErrors(depthLimitRule(5), query)).toHaveLength(1);
  });

  it('survives fragment cycles, which the standard rules report', () => {
    const document = parse(`
      { me { ...A } }
      fragment A on Account { roles { id } ...B }
      fragment B on Account { id ...A }
    `);

    const errors = validate(apiSchema, document, [...specifiedRules, depthLimitRule(10)]);
    expect(errors.map((error) => error.message)).toContain(
      'Cannot spread fragment "A" within itself via "B".',
    );
    expect(errors.some((error) => error.extensions.code === 'QUERY_TOO_COMPLEX')).toBe(false);
  });

  it('checks each operation of a document', () => {
    const errors = limitErrors(depthLimitRule(1), 'query Shallow { publicInfo } query Deep { me { id } }');

    expect(errors).toHaveLength(1);
    expect(errors[0]?.nodes?.[0]).toMatchObject({ name: { value: 'Deep' } });
  });
});

describe('aliasLimitRule', () => {
  const threeAliases = '{ a: me { id } b: me { id } me { c: username } }';

  it('accepts an operation at the limit and rejects one over it', () => {
    expect(limitErrors(aliasLimitRule(3), threeAliases)).toEqual([]);

    const errors = limitErrors(aliasLimitRule(2), threeAliases);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      details: { limit: 'aliases', max: 2, actual: 3 },
    });
  });

  it('counts the aliases of a fragment at each use', () => {
    const query = `
      { a: me { ...Names } b: me { ...Names } }
      fragment Names on Account { n1: username n2: username }
    `;

    expect(limitErrors(aliasLimitRule(6), query)).toEqual([]);
    expect(limitErrors(aliasLimitRule(5), query)[0]?.extensions).toMatchObject({ details: { actual: 6 } });
  });
});

describe('rootFieldLimitRule', () => {
  it('counts root fields, including those in root fragments', () => {
    const query = '{ publicInfo ...Roots } fragment Roots on Query { me { id } schools { id } }';

    expect(limitErrors(rootFieldLimitRule(3), query)).toEqual([]);
    expect(limitErrors(rootFieldLimitRule(2), query)[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      details: { limit: 'rootFields', max: 2, actual: 3 },
    });
  });
});

describe('selectionLimitRule', () => {
  it('counts fields with fragments expanded', () => {
    const query = '{ a: me { ...Card } b: me { ...Card } } fragment Card on Account { id username }';

    expect(limitErrors(selectionLimitRule(6), query)).toEqual([]);
    expect(limitErrors(selectionLimitRule(5), query)).toHaveLength(1);
  });

  it('measures an exponential fragment expansion without expanding it', () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === levels - 1
        ? `fragment F${level} on Query { publicInfo }`
        : `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`,
    );
    const query = `{ ...F0 } ${fragments.join('\n')}`;

    const started = Date.now();
    expect(measure(query).selections).toBe(2 ** (levels - 1));
    expect(limitErrors(selectionLimitRule(10_000), query)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('measureOperation', () => {
  it('measures depth, aliases, selections and root fields together', () => {
    expect(measure('{ x: me { id roles { role } } publicInfo }')).toEqual({
      depth: 3,
      aliases: 1,
      selections: 5,
      rootFields: 2,
    });
  });
});
