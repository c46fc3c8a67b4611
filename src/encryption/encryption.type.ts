// The GraphQL shape of the encryption status: counts and addresses, never a value.
import { Field, Int, ObjectType } from 'type-graphql';
import type { EncryptionCounts } from './EncryptionCounts';
import type { EncryptionStatusReport } from './EncryptionStatusReport';
import type { StoredValueAddress } from './SaltKeyLocation';
import type { LocationScan } from './scanLocations';

@ObjectType('EncryptionCounts', { description: 'How many salt-key values of a place are stored how.' })
export class EncryptionCountsNode implements EncryptionCounts {
  @Field(() => Int, { description: 'AES-256-GCM, HKDF key (`v3:gcm:`): what current proxies write.' })
  v3Gcm!: number;

  @Field(() => Int, { description: 'AES-256-GCM, sha256 key (`v2:gcm:`).' })
  v2Gcm!: number;

  @Field(() => Int, { description: 'NaCl secretbox, either base64 alphabet: what older proxies write.' })
  nacl!: number;

  @Field(() => Int, { description: 'Secret-bearing keys stored in clear.' })
  plaintext!: number;

  @Field(() => Int, { description: 'Shaped like a ciphertext, opening under neither configured salt key.' })
  undecryptable!: number;

  @Field(() => Int, { description: 'Values of keys that bear no secret, stored as they are.' })
  clear!: number;

  @Field(() => Int, { description: 'Of v3Gcm, v2Gcm and nacl: those that open only under LITELLM_SALT_KEY_PREVIOUS.' })
  previousKey!: number;
}

@ObjectType('StoredValueAddress', { description: 'Where a stored value is: its table, column, row and key. Never the value.' })
export class StoredValueAddressNode implements StoredValueAddress {
  @Field()
  table!: string;

  @Field()
  column!: string;

  @Field()
  rowId!: string;

  @Field({ description: 'The key inside the column (`api_key`, `litellm_params.api_key`); empty for the whole column.' })
  key!: string;
}

@ObjectType('EncryptionLocationStatus', { description: 'One place where the proxy stores values encrypted with its salt key.' })
export class EncryptionLocationStatusNode {
  @Field()
  table!: string;

  @Field()
  column!: string;

  @Field(() => String, { nullable: true, description: 'Which rows of the table, when not all of them.' })
  rowsWhere!: string | null;

  @Field({ description: 'What the proxy keeps there.' })
  holds!: string;

  @Field({ description: '`npm run encryption -- migrate` and `rotate` rewrite it; a rotation refuses while a place they do not cover holds a value under the salt key.' })
  covered!: boolean;

  @Field({ description: 'The table and column exist in this database.' })
  present!: boolean;

  @Field(() => Int)
  rowCount!: number;

  @Field(() => EncryptionCountsNode)
  counts!: EncryptionCountsNode;

  @Field(() => Int, { description: 'Rows whose column is not the JSON object the place holds.' })
  unreadableRowCount!: number;

  @Field(() => [StoredValueAddressNode], { description: 'The unreadable rows (the first 1000).' })
  unreadableRows!: StoredValueAddressNode[];

  @Field(() => [StoredValueAddressNode], { description: 'The undecryptable values (the first 1000).' })
  undecryptableValues!: StoredValueAddressNode[];
}

@ObjectType('EncryptionStatus', { description: 'How the salt-key values are stored, place by place. Counts only, never a value.' })
export class EncryptionStatusNode {
  @Field({ description: 'LITELLM_SALT_KEY_PREVIOUS is set, so values under it are read.' })
  previousKeyConfigured!: boolean;

  @Field(() => Int, { description: 'Values that still need LITELLM_SALT_KEY_PREVIOUS to be read: 0 means it can be removed.' })
  needPreviousKey!: number;

  @Field(() => EncryptionCountsNode, { description: 'Over every place present.' })
  totals!: EncryptionCountsNode;

  @Field(() => [EncryptionLocationStatusNode])
  locations!: EncryptionLocationStatusNode[];
}

export function encryptionStatusNode(report: EncryptionStatusReport): EncryptionStatusNode {
  return {
    previousKeyConfigured: report.previousKeyConfigured,
    needPreviousKey: report.totals.previousKey,
    totals: report.totals,
    locations: report.locations.map(locationStatusNode),
  };
}

function locationStatusNode(scan: LocationScan): EncryptionLocationStatusNode {
  const { location } = scan;
  return {
    table: location.table,
    column: location.column,
    rowsWhere: location.rows?.description ?? null,
    holds: location.holds,
    covered: location.rewriter !== undefined,
    present: scan.present,
    rowCount: scan.rows,
    counts: scan.counts,
    unreadableRowCount: scan.unreadableRowCount,
    unreadableRows: scan.unreadableRows,
    undecryptableValues: scan.undecryptable,
  };
}
