import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isIsoDate } from '../domain/calendar';

/** A calendar date, `YYYY-MM-DD`, kept as that string (no time zone can shift it). */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  serialize: (value) => {
    if (typeof value === 'string' && isIsoDate(value)) return value;
    throw new GraphQLError('Date must be a YYYY-MM-DD string');
  },
  parseValue: (value) => parseIsoDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date must be a YYYY-MM-DD string');
    return parseIsoDate(ast.value);
  },
});

function parseIsoDate(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value))
    throw new GraphQLError('Date must be a real calendar date written YYYY-MM-DD, e.g. 2010-03-15');
  return value;
}
