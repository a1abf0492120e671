import { ERROR_CATALOGUE } from '@hocbaso/errors';
import {
  buildSchema,
  Kind,
  parse,
  validate,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { costLimitCheck, estimateOperationCost } from './operation-cost';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    class(id: ID!): Class
    classes(first: Int): [Class!]!
    auditTrail(limit: Int = 5): [Entry!]!
    grid: [[Cell]]
    tags: [String!]!
    search(term: String!): [Found!]!
  }
  type Mutation {
    recordGradebook(classId: ID!): Class!
  }
  type Class {
    name: String
    students: [Student!]!
  }
  type Student {
    id: ID!
    fullName: String
    results: [Result!]!
  }
  type Result {
    subject: String
    average: Float
  }
  type Entry {
    seq: Int
  }
  type Cell {
    value: Int
  }
  union Found = Class | Student
`);

function cost(query: string, variables: Record<string, unknown> = {}, listSize = 10): number {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return estimateOperationCost(schema, operation, (name) => fragments.get(name), { listSize, variables });
}

describe('estimateOperationCost', () => {
  it('costs 1 a field, and __typename nothing', () => {
    expect(cost('{ class(id: "1") { name } }')).toBe(2);
    expect(cost('{ class(id: "1") { __typename name } }')).toBe(2);
  });

  it('multiplies what is selected under a list by the assumed list size', () => {
    // class 1 + name 1 + students (1 + 10 × (id + fullName))
    expect(cost('{ class(id: "1") { name students { id fullName } } }')).toBe(1 + 1 + (1 + 10 * 2));
    // Every class, each with its students, each with their results: 10 × 10 × 10 results.
    expect(cost('{ classes { students { results { subject } } } }')).toBe(1 + 10 * (1 + 10 * (1 + 10 * 1)));
    expect(cost('{ classes { students { results { subject } } } }', {}, 50)).toBe(
      1 + 50 * (1 + 50 * (1 + 50 * 1)),
    );
  });

  it('takes the list size from a first/limit argument: literal, variable, variable default, schema default', () => {
    expect(cost('{ classes(first: 2) { name } }')).toBe(1 + 2 * 1);
    expect(cost('query($n: Int) { classes(first: $n) { name } }', { n: 3 })).toBe(1 + 3 * 1);
    expect(cost('query($n: Int = 4) { classes(first: $n) { name } }')).toBe(1 + 4 * 1);
    expect(cost('{ auditTrail { seq } }')).toBe(1 + 5 * 1);
    expect(cost('{ auditTrail(limit: 200) { seq } }')).toBe(1 + 200 * 1);
  });

  it('multiplies once per list level, and a list of scalars costs its field only', () => {
    expect(cost('{ grid { value } }')).toBe(1 + 10 * 10 * 1);
    expect(cost('{ tags }')).toBe(1);
  });

  it('adds every type condition under an abstract type', () => {
    expect(cost('{ search(term: "a") { ... on Class { name } ... on Student { id fullName } } }')).toBe(
      1 + 10 * 3,
    );
  });

  it('counts a fragment wherever it is spread, computing it once', () => {
    const query = `
      { class(id: "1") { students { ...A } } }
      fragment A on Student { ...B ...B }
      fragment B on Student { ...C ...C }
      fragment C on Student { id }`;
    expect(cost(query)).toBe(1 + (1 + 10 * 4));

    // Thirty levels of doubling would be 2^30 fields to walk: estimated at once all the same.
    const levels = Array.from(
      { length: 30 },
      (_, i) => `fragment F${i} on Student { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const started = Date.now();
    expect(cost(`{ class(id: "1") { students { ...F0 } } }\n${levels}\nfragment F30 on Student { id }`)).toBe(
      1 + (1 + 10 * 2 ** 30),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('costs mutations the same way', () => {
    expect(cost('mutation { recordGradebook(classId: "1") { students { id } } }')).toBe(1 + (1 + 10 * 1));
  });
});

describe('costLimitCheck', () => {
  const check = (query: string, max: number) => {
    const document = parse(query);
    const operation = document.definitions[0] as OperationDefinitionNode;
    return costLimitCheck(
      max,
      10,
    )({
      schema,
      document,
      operation,
      getFragment: () => undefined,
      variables: {},
      context: {},
    });
  };

  it('lets an operation at the limit through and refuses one above it with QUERY_TOO_COSTLY', () => {
    const query = '{ class(id: "1") { students { id } } }'; // 1 + 1 + 10
    expect(check(query, 12)).toBeUndefined();
    const error = check(query, 11);
    expect(error?.message).toBe(
      `${ERROR_CATALOGUE.QUERY_TOO_COSTLY.vi} Chi phí ước tính 12 vượt quá giới hạn 11.`,
    );
    expect(error?.extensions).toMatchObject({
      code: 'QUERY_TOO_COSTLY',
      details: { limit: 'cost', max: 11, actual: 12 },
    });
  });
});
