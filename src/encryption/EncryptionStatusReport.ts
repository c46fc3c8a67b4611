// The answer of `status` and `encryptionStatus`: for every place the proxy stores salt-key values, how many are
// stored how. Counts and addresses only, never a value.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AtRestCipher } from '../crypto/AtRestCipher';
import { StoredValueClassifier } from './classifyStoredValue';
import { addCounts, emptyCounts, type EncryptionCounts } from './EncryptionCounts';
import type { ReencryptionPlan } from './ReencryptionMode';
import { SALT_KEY_LOCATIONS } from './saltKeyLocations';
import { isPresent, presentColumns, scanLocation, type LocationScan } from './scanLocations';
import type { SaltKeyLocation } from './SaltKeyLocation';

export interface EncryptionStatusReport {
  /** LITELLM_SALT_KEY_PREVIOUS is set: values under it are read (and counted in previousKey). */
  previousKeyConfigured: boolean;
  locations: LocationScan[];
  /** Over every place present. */
  totals: EncryptionCounts;
}

export interface StatusOptions {
  /** Lock every row read, inside the caller's transaction (the first pass of a run). */
  lock?: boolean;
  /** Count what this run would rewrite. */
  plan?: ReencryptionPlan;
  /** Told of each place before it is read, and whether its rows are locked (the command line's progress on stderr). */
  onLocation?: (location: SaltKeyLocation, locked: boolean) => void;
}

export async function readEncryptionStatus(
  em: EntityManager,
  reader: AtRestCipher,
  options: StatusOptions = {},
  locations: readonly SaltKeyLocation[] = SALT_KEY_LOCATIONS,
): Promise<EncryptionStatusReport> {
  const columns = await presentColumns(em, locations.map((location) => location.table));
  // One for every place: the audit trail's snapshots repeat the values of the models and credentials.
  const classifier = new StoredValueClassifier(reader, options.plan?.writer);
  const scans: LocationScan[] = [];
  for (const location of locations) {
    const present = isPresent(location, columns);
    // Only the rows a run rewrites are locked: the places it does not cover are only looked at.
    const lock = (options.lock ?? false) && location.rewriter !== undefined;
    if (present) options.onLocation?.(location, lock);
    scans.push(await scanLocation(em, location, present, classifier, { lock, plan: options.plan }));
  }
  const totals = emptyCounts();
  for (const scan of scans) addCounts(totals, scan.counts);
  return { previousKeyConfigured: reader.readsPreviousKey, locations: scans, totals };
}
