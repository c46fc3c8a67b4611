// graphql-scalars' DateTime, answering with the ISO 8601 string itself instead of a Date. The wire format is
// the same (JSON.stringify writes a Date as its toISOString), but a Date left in the result is converted
// through its toJSON while the response is stringified, for every date of every row.
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { isoTimestamp } from '../../database/utcTimestamps';

export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize(value: unknown): string {
    return isoTimestamp(DateTimeResolver.serialize(value) as Date);
  },
});
