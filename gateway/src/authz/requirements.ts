import {
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type TypeNode,
} from 'graphql';

/**
 * An OR of ANDs over names, exactly as written in `@requiresScopes(scopes:)` or `@policy(policies:)`:
 * `[["A", "B"], ["C"]]` is satisfied by (A and B) or C.
 */
export type Alternatives = readonly (readonly string[])[];

/** Everything a caller must satisfy to read one field: every listed condition, all at once. */
export interface Requirement {
  readonly authenticated: boolean;
  /** Each entry comes from one directive (field, return type, parent type…); all must hold. */
  readonly scopes: readonly Alternatives[];
  readonly policies: readonly Alternatives[];
}

export interface AuthRequirements {
  /** Effective requirement per schema coordinate `Type.field`; unrestricted fields are absent. */
  readonly fields: ReadonlyMap<string, Requirement>;
  /** Requirements written on types themselves (objects, interfaces, scalars, enums). */
  readonly types: ReadonlyMap<string, Requirement>;
}

/** The names under which the three federation authorization directives appear in a supergraph. */
export interface AuthDirectiveNames {
  authenticated: string;
  requiresScopes: string;
  policy: string;
}

const SPEC_IDENTITIES: Record<keyof AuthDirectiveNames, string> = {
  authenticated: 'https://specs.apollo.dev/authenticated',
  requiresScopes: 'https://specs.apollo.dev/requiresScopes',
  policy: 'https://specs.apollo.dev/policy',
};

export const NO_REQUIREMENT: Requirement = Object.freeze({ authenticated: false, scopes: [], policies: [] });

export function requirementOf(
  requirements: AuthRequirements,
  typeName: string,
  fieldName: string,
): Requirement {
  return requirements.fields.get(`${typeName}.${fieldName}`) ?? NO_REQUIREMENT;
}

export function isUnrestricted(requirement: Requirement): boolean {
  return !requirement.authenticated && requirement.scopes.length === 0 && requirement.policies.length === 0;
}

/**
 * Reads the supergraph's authorization directives into one requirement per field. A field
 * requires what its own declaration says, what its return type says (a type-level directive
 * guards every field returning that type) and what its parent type says (so a field reached
 * through `... on Secret` in an interface or union position is guarded too). An interface field
 * also requires what every implementation's field requires, because the object that answers it
 * at run time may be any of them.
 */
export function readAuthRequirements(supergraphSdl: string): AuthRequirements {
  const document = parse(supergraphSdl, { noLocation: true });
  const names = readAuthDirectiveNames(document);

  const typeLevel = new Map<string, Requirement>();
  const fieldLevel = new Map<
    string,
    { parentType: string; fieldName: string; own: Requirement; returnType: string }
  >();
  // Interface name -> object types implementing it (objects list every interface, even inherited ones).
  const implementations = new Map<string, Set<string>>();
  const interfaceNames = new Set<string>();

  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.OBJECT_TYPE_EXTENSION:
      case Kind.INTERFACE_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_EXTENSION: {
        const typeName = definition.name.value;
        if (
          definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
          definition.kind === Kind.INTERFACE_TYPE_EXTENSION
        ) {
          interfaceNames.add(typeName);
        } else {
          for (const implemented of definition.interfaces ?? []) {
            const implementors = implementations.get(implemented.name.value) ?? new Set<string>();
            implementors.add(typeName);
            implementations.set(implemented.name.value, implementors);
          }
        }
        addTypeLevel(typeLevel, typeName, readDirectives(definition.directives, names));
        for (const field of definition.fields ?? []) {
          const coordinate = `${typeName}.${field.name.value}`;
          const previous = fieldLevel.get(coordinate);
          const own = readDirectives(field.directives, names);
          fieldLevel.set(coordinate, {
            parentType: typeName,
            fieldName: field.name.value,
            own: previous ? mergeRequirements(previous.own, own) : own,
            returnType: namedTypeOf(field.type),
          });
        }
        break;
      }
      // The specs do not allow the directives on unions, but honouring them there only restricts more.
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.SCALAR_TYPE_EXTENSION:
      case Kind.ENUM_TYPE_DEFINITION:
      case Kind.ENUM_TYPE_EXTENSION:
      case Kind.UNION_TYPE_DEFINITION:
      case Kind.UNION_TYPE_EXTENSION:
        addTypeLevel(typeLevel, definition.name.value, readDirectives(definition.directives, names));
        break;
      default:
        break;
    }
  }

  // What a field needs when the concrete parent type is known.
  const concrete = new Map<string, Requirement>();
  for (const [coordinate, field] of fieldLevel) {
    concrete.set(
      coordinate,
      mergeRequirements(
        field.own,
        typeLevel.get(field.returnType) ?? NO_REQUIREMENT,
        typeLevel.get(field.parentType) ?? NO_REQUIREMENT,
      ),
    );
  }

  const fields = new Map<string, Requirement>();
  for (const [coordinate, field] of fieldLevel) {
    let requirement = concrete.get(coordinate) ?? NO_REQUIREMENT;
    if (interfaceNames.has(field.parentType)) {
      for (const implementor of implementations.get(field.parentType) ?? []) {
        requirement = mergeRequirements(
          requirement,
          concrete.get(`${implementor}.${field.fieldName}`) ?? NO_REQUIREMENT,
        );
      }
    }
    if (!isUnrestricted(requirement)) fields.set(coordinate, requirement);
  }

  const types = new Map<string, Requirement>();
  for (const [typeName, requirement] of typeLevel) {
    if (!isUnrestricted(requirement)) types.set(typeName, requirement);
  }
  return { fields, types };
}

/**
 * Finds the local names of the three directives from the schema's `@link`s: a link may rename the
 * spec (`as: "scopes"` makes it `@scopes`) or import its directive under another name.
 */
export function readAuthDirectiveNames(document: DocumentNode): AuthDirectiveNames {
  const names: AuthDirectiveNames = {
    authenticated: 'authenticated',
    requiresScopes: 'requiresScopes',
    policy: 'policy',
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== 'link') continue;
      const args = argumentsOf(directive);
      if (typeof args.url !== 'string') continue;
      const identity = args.url.replace(/\/v\d+\.\d+\/?$/, '');
      for (const spec of Object.keys(SPEC_IDENTITIES) as (keyof AuthDirectiveNames)[]) {
        if (identity !== SPEC_IDENTITIES[spec]) continue;
        names[spec] = localDirectiveName(spec, args.as, args.import);
      }
    }
  }
  return names;
}

function localDirectiveName(specName: string, as: unknown, imports: unknown): string {
  let name = typeof as === 'string' ? as : specName;
  for (const imported of Array.isArray(imports) ? imports : []) {
    if (imported === `@${specName}`) name = specName;
    if (isRecord(imported) && imported.name === `@${specName}`) {
      const alias = typeof imported.as === 'string' ? imported.as : `@${specName}`;
      name = alias.replace(/^@/, '');
    }
  }
  return name;
}

function readDirectives(
  directives: readonly ConstDirectiveNode[] | undefined,
  names: AuthDirectiveNames,
): Requirement {
  let authenticated = false;
  const scopes: Alternatives[] = [];
  const policies: Alternatives[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name === names.authenticated) authenticated = true;
    else if (name === names.requiresScopes) scopes.push(alternativesArgument(directive, 'scopes'));
    else if (name === names.policy) policies.push(alternativesArgument(directive, 'policies'));
  }
  return { authenticated, scopes, policies };
}

/** A malformed argument fails loudly: silently reading it as "no requirement" would open the field. */
function alternativesArgument(directive: ConstDirectiveNode, argumentName: string): Alternatives {
  const value = argumentsOf(directive)[argumentName];
  const valid =
    Array.isArray(value) &&
    value.every((all) => Array.isArray(all) && all.every((name: unknown) => typeof name === 'string'));
  if (!valid) {
    throw new Error(`@${directive.name.value}(${argumentName}:) must be a list of lists of strings`);
  }
  return value as string[][];
}

function argumentsOf(directive: ConstDirectiveNode): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const argument of directive.arguments ?? []) {
    args[argument.name.value] = valueFromASTUntyped(argument.value);
  }
  return args;
}

function addTypeLevel(typeLevel: Map<string, Requirement>, typeName: string, requirement: Requirement): void {
  const previous = typeLevel.get(typeName);
  typeLevel.set(typeName, previous ? mergeRequirements(previous, requirement) : requirement);
}

/** AND of requirements; identical alternatives are kept once. */
export function mergeRequirements(...requirements: Requirement[]): Requirement {
  return {
    authenticated: requirements.some((requirement) => requirement.authenticated),
    scopes: uniqueAlternatives(requirements.flatMap((requirement) => requirement.scopes)),
    policies: uniqueAlternatives(requirements.flatMap((requirement) => requirement.policies)),
  };
}

function uniqueAlternatives(list: readonly Alternatives[]): Alternatives[] {
  const seen = new Map<string, Alternatives>();
  for (const alternatives of list) seen.set(JSON.stringify(alternatives), alternatives);
  return [...seen.values()];
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
