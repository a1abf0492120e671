import { readFileSync } from 'node:fs';
import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { evaluatePolicy } from '../auth/policies';
import {
  MATRIX_ROLES,
  apiCoordinates,
  buildApiSchema,
  loadAccessMatrix,
  parseAccessMatrix,
  readSupergraphSdl,
  type AccessMatrix,
  type MatrixRole,
} from './access-matrix';
import { evaluateRequirement, type AuthzSubject, type OperationType } from './authorize';
import { MATRIX_DOC_PATH, renderAccessMatrixDoc } from './render-access-matrix';
import { readAuthRequirements, requirementOf, type AuthRequirements } from './requirements';

/** A caller holding just this role (its scope name is the role), or no token at all. */
function subjectOf(role: MatrixRole): AuthzSubject {
  return role === 'ANONYMOUS'
    ? { authenticated: false, scopes: new Set() }
    : { authenticated: true, scopes: new Set([role]) };
}

/**
 * Every coordinate the gateway's directives let this subject read through some operation: from each
 * root field it may call, down every field it may read below it (policies see that root field).
 * A field the gateway removes is not followed, so whatever lies only beneath it is unreachable.
 */
function reachableThroughGateway(
  schema: GraphQLSchema,
  requirements: AuthRequirements,
  subject: AuthzSubject,
): Set<string> {
  const reached = new Set<string>();
  const roots: [OperationType, GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  for (const [operationType, rootType] of roots) {
    if (!rootType) continue;
    for (const rootField of Object.keys(rootType.getFields())) {
      const allows = (typeName: string, fieldName: string) =>
        evaluateRequirement(requirementOf(requirements, typeName, fieldName), subject, (policy) =>
          evaluatePolicy(policy, { subject, rootField, operationType }),
        ) === null;
      const visited = new Set<string>();
      const walk = (type: GraphQLObjectType, only?: string) => {
        for (const [fieldName, field] of Object.entries(type.getFields())) {
          if (only !== undefined && fieldName !== only) continue;
          if (!allows(type.name, fieldName)) continue;
          reached.add(`${type.name}.${fieldName}`);
          const next = getNamedType(field.type);
          if (isObjectType(next) && !visited.has(next.name)) {
            visited.add(next.name);
            walk(next);
          }
        }
      };
      walk(rootType, rootField);
    }
  }
  return reached;
}

describe('the authorization matrix', () => {
  const supergraphSdl = readSupergraphSdl();
  const schema = buildApiSchema(supergraphSdl);
  const requirements = readAuthRequirements(supergraphSdl);
  let matrix: AccessMatrix;
  beforeAll(() => {
    matrix = loadAccessMatrix();
  });

  it('has a rule for every field and mutation of the composed API, and none for fields that are gone', () => {
    const api = apiCoordinates(schema);
    const ruled = new Set(matrix.coordinates());
    const withoutRule = api.filter((coordinate) => !ruled.has(coordinate));
    const stale = matrix.coordinates().filter((coordinate) => !api.includes(coordinate));
    expect({ withoutRule, stale }).toEqual({ withoutRule: [], stale: [] });
    // The walk saw the whole API: Query, Mutation and the object types below them.
    expect(api).toEqual(expect.arrayContaining(['Query.me', 'Mutation.login', 'Student.personalId']));
  });

  /** Cells the matrix allows (ALLOWED or OWN) that the gateway never lets that role read. */
  function cellsTheGatewayNeverAllows(candidate: AccessMatrix): { mismatches: string[]; cells: number } {
    const mismatches: string[] = [];
    let cells = 0;
    for (const role of MATRIX_ROLES) {
      const reached = reachableThroughGateway(schema, requirements, subjectOf(role));
      for (const coordinate of candidate.coordinates()) {
        cells += 1;
        const access = candidate.access(coordinate, role);
        if (access !== 'FORBIDDEN' && !reached.has(coordinate)) {
          mismatches.push(`${coordinate} × ${role}: the matrix says ${access}, the gateway never allows it`);
        }
      }
    }
    return { mismatches, cells };
  }

  it("allows no cell that the gateway's directives never let the role reach", () => {
    const { mismatches, cells } = cellsTheGatewayNeverAllows(matrix);
    console.log(`access matrix: ${cells} cells checked against the gateway's directives`);
    expect(mismatches).toEqual([]);
    expect(cells).toBe(apiCoordinates(schema).length * MATRIX_ROLES.length);
  });

  it('catches a cell the directives deny, and one only reachable through a denied field', () => {
    const raw = JSON.parse(readFileSync(require.resolve('./access-matrix.json'), 'utf8')) as {
      types: Record<string, Record<string, unknown>>;
    };
    const types = raw.types;
    // @policy(student.personal) never lets a subject teacher read a personal ID.
    types.Student!.personalId = { allowed: ['SUBJECT_TEACHER'] };
    // TermMarks has no directive, but a system administrator reaches it only through results it may not read.
    types.TermMarks!.average = { allowed: ['SYSTEM_ADMIN'] };
    // Unrestricted, and reachable by an anonymous caller through login.
    types.School!.name = { allowed: ['ANONYMOUS'] };
    const { mismatches } = cellsTheGatewayNeverAllows(parseAccessMatrix(raw));
    expect(mismatches).toEqual([
      'Student.personalId × SUBJECT_TEACHER: the matrix says ALLOWED, the gateway never allows it',
      'TermMarks.average × SYSTEM_ADMIN: the matrix says ALLOWED, the gateway never allows it',
    ]);
  });

  it('lets an anonymous caller only sign in, or open a record book shared with an access code (R11)', () => {
    const rootFields = matrix
      .coordinates()
      .filter((c) => /^(Query|Mutation)\./.test(c) && matrix.access(c, 'ANONYMOUS') !== 'FORBIDDEN');
    expect(rootFields.sort()).toEqual([
      'Mutation.login',
      'Mutation.logout',
      'Mutation.refreshSession',
      'Query.sharedRecordBook',
    ]);
  });

  it("never gives a department analyst a student's personal data or marks (R14)", () => {
    const personalOrMarks = matrix
      .coordinates()
      .filter((c) =>
        /^(Student|SubjectResult|TermMarks|Gradebook|GradebookLine|Guardian|ConductYear)\./.test(c),
      );
    expect(personalOrMarks.length).toBeGreaterThan(50);
    for (const coordinate of personalOrMarks) {
      expect([coordinate, matrix.access(coordinate, 'DEPARTMENT_ANALYST')]).toEqual([
        coordinate,
        'FORBIDDEN',
      ]);
    }
  });

  it('gives a subject teacher no personal data of the students they teach (R9)', () => {
    for (const field of ['personalId', 'dateOfBirth', 'address', 'guardians']) {
      expect(matrix.access(`Student.${field}`, 'SUBJECT_TEACHER')).toBe('FORBIDDEN');
    }
    expect(matrix.access('Student.fullName', 'SUBJECT_TEACHER')).toBe('ALLOWED');
    expect(matrix.access('Student.personalId', 'HOMEROOM_TEACHER')).toBe('OWN');
    expect(matrix.scopeOf('Student.personalId')).toBe('students of the class they lead');
  });

  it('keeps docs/authorization-matrix.md current', () => {
    const current = readFileSync(MATRIX_DOC_PATH, 'utf8');
    // On a mismatch: npm run matrix -w @hocbaso/gateway
    expect(current === renderAccessMatrixDoc(matrix)).toBe(true);
  });
});

describe('parseAccessMatrix', () => {
  const file = (rule: object | string, extra: object = {}) => ({ types: { Query: { me: rule } }, ...extra });

  it('expands groups (nested too) into plain roles; unlisted roles are forbidden', () => {
    const matrix = parseAccessMatrix(
      file(
        { allowed: ['LEADERS'], own: ['FAMILY'], scope: 'their child', why: 'because' },
        {
          groups: {
            BOARD: ['PRINCIPAL', 'VICE_PRINCIPAL'],
            LEADERS: ['BOARD'],
            FAMILY: ['PARENT', 'STUDENT'],
          },
        },
      ),
    );
    expect(matrix.coordinates()).toEqual(['Query.me']);
    expect(matrix.ruleOf('Query.me')).toEqual({
      allowed: ['PRINCIPAL', 'VICE_PRINCIPAL'],
      own: ['STUDENT', 'PARENT'],
      scope: 'their child',
      why: 'because',
    });
    expect(matrix.access('Query.me', 'VICE_PRINCIPAL')).toBe('ALLOWED');
    expect(matrix.access('Query.me', 'PARENT')).toBe('OWN');
    expect(matrix.access('Query.me', 'ANONYMOUS')).toBe('FORBIDDEN');
    expect(matrix.scopeOf('Query.me')).toBe('their child');
    expect(() => matrix.access('Query.nothing', 'PRINCIPAL')).toThrow('no rule for Query.nothing');
  });

  it('resolves a shared rule named by a field', () => {
    const matrix = parseAccessMatrix({
      rules: { staff: { allowed: ['INSPECTOR'] } },
      types: { Query: { me: 'staff' } },
    });
    expect(matrix.access('Query.me', 'INSPECTOR')).toBe('ALLOWED');
    expect(matrix.access('Query.me', 'PRINCIPAL')).toBe('FORBIDDEN');
  });

  it.each([
    ['an unknown role', file({ allowed: ['HEADMASTER'] }), 'unknown role or group "HEADMASTER"'],
    ['a role both allowed and own', file({ allowed: ['PARENT'], own: ['PARENT'], scope: 'x' }), 'both'],
    ['own roles without a scope', file({ own: ['PARENT'] }), 'no scope'],
    ['an unknown shared rule', file('nobody'), 'unknown rule "nobody"'],
    ['a group named like a role', file({}, { groups: { PARENT: ['STUDENT'] } }), "has a role's name"],
    [
      'a group containing itself',
      file({ allowed: ['A'] }, { groups: { A: ['B'], B: ['A'] } }),
      'contains itself',
    ],
    ['an unknown key', file({ allowed: [], readers: [] }), 'readers'],
  ])('refuses %s', (_name, raw, message) => {
    expect(() => parseAccessMatrix(raw)).toThrow(message);
  });
});
