import {
  getArgumentValues,
  isCompositeType,
  getNamedType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type FieldNode,
} from 'graphql';

/**
 * Root fields that read students' personal data (Nghị định 13/2023: name, birth, ID number,
 * family, results): a student, a roster, a class, a record book, a gradebook, an export, a share.
 * Each use counts once per field (so twenty aliased `student` fields count twenty). Besides these,
 * any operation selecting a field guarded by the `student.personal` policy counts at least once.
 * Coordinates not (yet) in the schema are simply never met.
 */
export const PERSONAL_DATA_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'Query.student',
  'Query.students',
  'Query.studentByPersonalId',
  'Query.class',
  'Query.classes',
  'Query.recordBook',
  'Query.gradebook',
  'Query.gradebookFile',
  'Query.exportByCode',
  'Query.recordShares',
  'Query.sharedRecordBook',
  'Mutation.exportRecordBook',
  'Mutation.issueTransferPackage',
]);

export const PERSONAL_DATA_POLICY = 'student.personal';

/** Root fields that try a password or a refresh token: each is one attempt. */
export const SESSION_ROOT_FIELDS: ReadonlySet<string> = new Set([
  'Mutation.login',
  'Mutation.refreshSession',
]);

/** What an operation spends against the rate limits. */
export interface RateLimitedUse {
  /** `login` and `refreshSession` fields. */
  sessionAttempts: number;
  /** The username of each `login` field, normalised as identity compares them. */
  usernames: string[];
  /** Reads of students' personal data. */
  personalReads: number;
}

/** As identity compares usernames (NFC, trimmed, lower case); bounded so a key stays small. */
export function normalizeUsername(raw: string): string {
  return raw.normalize('NFC').trim().toLowerCase().slice(0, 128);
}

export function rateLimitedUse(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
  variables: Readonly<Record<string, unknown>>,
  isPersonalField: (coordinate: string) => boolean,
): RateLimitedUse {
  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const use: RateLimitedUse = { sessionAttempts: 0, usernames: [], personalReads: 0 };
  if (!root) return use;

  const rootFields = collectRootFields(operation.selectionSet, getFragment);
  for (const node of rootFields) {
    const coordinate = `${root.name}.${node.name.value}`;
    if (SESSION_ROOT_FIELDS.has(coordinate)) {
      use.sessionAttempts += 1;
      if (node.name.value === 'login') use.usernames.push(usernameOf(root, node, variables));
    }
    if (PERSONAL_DATA_ROOT_FIELDS.has(coordinate)) use.personalReads += 1;
  }
  if (
    use.personalReads === 0 &&
    selectsPersonalField(schema, root, operation.selectionSet, getFragment, isPersonalField)
  ) {
    use.personalReads = 1;
  }
  return use;
}

/** The root type's fields as executed: through fragments, each field node once per occurrence. */
function collectRootFields(
  selectionSet: SelectionSetNode,
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
  active = new Set<string>(),
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      fields.push(...collectRootFields(selection.selectionSet, getFragment, active));
    else {
      const fragment = getFragment(selection.name.value);
      if (!fragment || active.has(fragment.name.value)) continue;
      active.add(fragment.name.value);
      fields.push(...collectRootFields(fragment.selectionSet, getFragment, active));
      active.delete(fragment.name.value);
    }
  }
  return fields;
}

function usernameOf(
  root: GraphQLObjectType,
  node: FieldNode,
  variables: Readonly<Record<string, unknown>>,
): string {
  const field = root.getFields()[node.name.value];
  try {
    const args = field ? getArgumentValues(field, node, variables) : {};
    const input = args.input as { username?: unknown } | undefined;
    return typeof input?.username === 'string' ? normalizeUsername(input.username) : '';
  } catch {
    return ''; // variables that do not coerce: execution refuses them, the address limit still counts
  }
}

/** Whether any field selected anywhere (fragments included, each costed once) is personal data. */
function selectsPersonalField(
  schema: GraphQLSchema,
  root: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  getFragment: (name: string) => FragmentDefinitionNode | null | undefined,
  isPersonalField: (coordinate: string) => boolean,
): boolean {
  const seen = new Set<string>();
  const visit = (parent: GraphQLCompositeType, set: SelectionSetNode): boolean => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (isPersonalField(`${parent.name}.${selection.name.value}`)) return true;
        const field = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        const below = field ? getNamedType(field.type) : undefined;
        if (selection.selectionSet && below && isCompositeType(below) && visit(below, selection.selectionSet))
          return true;
        continue;
      }
      const typeName =
        selection.kind === Kind.INLINE_FRAGMENT
          ? selection.typeCondition?.name.value
          : getFragment(selection.name.value)?.typeCondition.name.value;
      const type = typeName ? schema.getType(typeName) : parent;
      if (!type || !isCompositeType(type)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (visit(type, selection.selectionSet)) return true;
        continue;
      }
      const fragment = getFragment(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      if (visit(type, fragment.selectionSet)) return true;
    }
    return false;
  };
  return visit(root, selectionSet);
}
