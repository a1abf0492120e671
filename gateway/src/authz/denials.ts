import { ERROR_CATALOGUE } from '@hocbaso/errors';
import {
  getNullableType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLInterfaceType,
  type GraphQLList,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { AUTHZ_TYPENAME_KEY, type DenialReason, type DeniedField } from './authorize';

export type ResponsePath = (string | number)[];

/** The error reported for each removed field instance, shaped like a formatted GraphQL error. */
export interface DenialError {
  message: string;
  path: ResponsePath;
  extensions: { code: DenialReason };
}

export interface ExecutionResultLike<E = unknown> {
  data?: Record<string, unknown> | null;
  errors?: readonly E[];
}

export interface PatchedResult<E = unknown> {
  data: Record<string, unknown> | null | undefined;
  errors: readonly (E | DenialError)[] | undefined;
}

/** A denied field at one concrete place in the response. */
interface DeniedInstance {
  path: ResponsePath;
  /** Declared type of each position `path[0..i]`: a field's type, or a list's item type for an index. */
  types: GraphQLOutputType[];
  reason: DenialReason;
}

/**
 * Puts `null` (and one error) wherever a removed field would have been in the response, as if its
 * resolver had failed. A non-null field's null propagates to the nearest nullable position, as
 * GraphQL execution would. The input result is not modified.
 */
export function applyDenials<E = unknown>(
  result: ExecutionResultLike<E>,
  denied: readonly DeniedField[],
  schema: GraphQLSchema,
): PatchedResult<E> {
  if (denied.length === 0 || !result.data) return { data: result.data, errors: result.errors };
  const patched = patchDenials(result, denied, schema);
  return { data: patched.data ? withoutAuthzTypenames(patched.data) : patched.data, errors: patched.errors };
}

/** Removes the `__typename` selections the rewrite added (the client did not ask for them). */
function withoutAuthzTypenames<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutAuthzTypenames(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key !== AUTHZ_TYPENAME_KEY) copy[key] = withoutAuthzTypenames(item);
  }
  return copy as T;
}

function patchDenials<E>(
  result: ExecutionResultLike<E>,
  denied: readonly DeniedField[],
  schema: GraphQLSchema,
): PatchedResult<E> {
  if (!result.data) return { data: result.data, errors: result.errors };

  // Collected on the untouched data, so that each instance is found before any null is written.
  const instances = new Map<string, DeniedInstance>();
  for (const denial of denied) {
    if (!denial.inResponse) continue;
    for (const instance of deniedInstances(result.data, denial, schema)) {
      const key = JSON.stringify(instance.path);
      if (!instances.has(key)) instances.set(key, instance);
    }
  }
  if (instances.size === 0) return { data: result.data, errors: result.errors };

  let data: Record<string, unknown> | null = structuredClone(result.data);
  const errors: (E | DenialError)[] = [...(result.errors ?? [])];
  for (const instance of instances.values()) {
    errors.push({
      message: ERROR_CATALOGUE[instance.reason].vi,
      path: instance.path,
      extensions: { code: instance.reason },
    });
    if (data) data = nullAtNearestNullable(data, instance);
  }
  return { data, errors };
}

function deniedInstances(
  data: Record<string, unknown>,
  denial: DeniedField,
  schema: GraphQLSchema,
): DeniedInstance[] {
  const found: DeniedInstance[] = [];
  const last = denial.steps.length - 1;

  const visitObject = (
    object: Record<string, unknown>,
    index: number,
    path: ResponsePath,
    types: GraphQLOutputType[],
  ) => {
    const step = denial.steps[index];
    if (!step) return;
    const parentType = runtimeParentType(object, step.parentType, schema);
    const field = parentType?.getFields()[step.fieldName];
    if (!field) return; // an object of another type in an abstract position
    const fieldPath = [...path, step.responseKey];
    const fieldTypes = [...types, field.type];
    if (index === last) found.push({ path: fieldPath, types: fieldTypes, reason: denial.reason });
    else visitValue(object[step.responseKey], field.type, index + 1, fieldPath, fieldTypes);
  };

  const visitValue = (
    value: unknown,
    type: GraphQLOutputType,
    nextIndex: number,
    path: ResponsePath,
    types: GraphQLOutputType[],
  ) => {
    if (value === null || value === undefined) return; // nothing to hide below a null
    const nullableType = getNullableType(type);
    if (isListType(nullableType)) {
      if (!Array.isArray(value)) return;
      const itemType = (nullableType as GraphQLList<GraphQLOutputType>).ofType;
      value.forEach((item, i) => visitValue(item, itemType, nextIndex, [...path, i], [...types, itemType]));
    } else if (isPlainObject(value)) {
      visitObject(value, nextIndex, path, types);
    }
  };

  visitObject(data, 0, [], []);
  return found;
}

/**
 * The type whose field definition applies to `object`: its run-time type when `__typename` was
 * fetched, otherwise the static type. Undefined when the object is not of `staticTypeName`.
 */
function runtimeParentType(
  object: Record<string, unknown>,
  staticTypeName: string,
  schema: GraphQLSchema,
): GraphQLObjectType | GraphQLInterfaceType | undefined {
  const staticType = schema.getType(staticTypeName);
  if (!isObjectType(staticType) && !isInterfaceType(staticType)) return undefined;
  const typename = object[AUTHZ_TYPENAME_KEY] ?? object.__typename;
  const runtimeType = typeof typename === 'string' ? schema.getType(typename) : undefined;
  // No `__typename` (or an alias squatting on the key): only the static type is known.
  if (!isObjectType(runtimeType)) return staticType;
  if (isObjectType(staticType)) return runtimeType === staticType ? runtimeType : undefined;
  return schema.isSubType(staticType, runtimeType) ? runtimeType : undefined;
}

/** Returns the new data: null when the propagation reaches the root. */
function nullAtNearestNullable(
  data: Record<string, unknown>,
  instance: DeniedInstance,
): Record<string, unknown> | null {
  for (let depth = instance.path.length - 1; depth >= 0; depth -= 1) {
    const type = instance.types[depth];
    if (type && isNonNullType(type)) continue;
    setNull(data, instance.path.slice(0, depth + 1));
    return data;
  }
  return null;
}

function setNull(data: Record<string, unknown>, path: ResponsePath): void {
  let container: unknown = data;
  for (const key of path.slice(0, -1)) {
    // An ancestor already nulled by an earlier denial: nothing left to hide.
    if (!isContainer(container)) return;
    container = (container as Record<string | number, unknown>)[key];
  }
  const lastKey = path[path.length - 1];
  if (lastKey === undefined || !isContainer(container)) return;
  (container as Record<string | number, unknown>)[lastKey] = null;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return isContainer(value) && !Array.isArray(value);
}
