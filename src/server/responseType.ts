// The content type a GraphQL answer is sent in, chosen from the request's Accept header exactly as Apollo chooses it
// (the same negotiator, the same types in the same order: its MEDIA_TYPES). Chosen before anything runs: Apollo itself
// chooses after executing, so a mutation sent with `Accept: text/html` was committed and then answered 406.
import Negotiator from 'negotiator';
import { LRUCache } from 'lru-cache';

/** Apollo's single-result types, the first preferred on a tie. */
export const RESPONSE_TYPES = [
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
  'application/json; callbackSpec=1.0; charset=utf-8',
] as const;

/** The message Apollo answers a 406 with. */
export const NOT_ACCEPTABLE_MESSAGE = `An 'accept' header was provided for this request which does not accept ${RESPONSE_TYPES[0]} or ${RESPONSE_TYPES[1]}`;

/** Accept headers remembered with their answer: clients send a handful, and negotiating costs more than a look-up. */
const chosen = new LRUCache<string, { type: string | null }>({ max: 100 });

/** The content type for this Accept header; null when it accepts none of them (406). */
export function responseTypeFor(accept: string | undefined): string | null {
  if (!accept) return RESPONSE_TYPES[0];
  let known = chosen.get(accept);
  if (!known) chosen.set(accept, (known = { type: new Negotiator({ headers: { accept } }).mediaType([...RESPONSE_TYPES]) ?? null }));
  return known.type;
}
