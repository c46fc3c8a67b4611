// The README's list of the places the proxy keeps salt-key values says what src/encryption/saltKeyLocations.ts does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SaltKeyLocation } from '../../../src/encryption/SaltKeyLocation';
import { COVERED_LOCATIONS, SALT_KEY_LOCATIONS } from '../../../src/encryption/saltKeyLocations';

const readme = readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Where the proxy keeps salt-key values'), readme.indexOf('### How values are stored'));
const rows = section.split('\n').filter((line) => line.startsWith('| `LiteLLM_'));

/**
 * The README row naming a place: its table, its column either as `table.column` or as `.column` after the table,
 * and the config row's name for a place that is one config row.
 */
function rowOf(location: SaltKeyLocation): string | undefined {
  const { table, column } = location;
  const configRow = /'(\w+)'/.exec(location.rows?.description ?? '')?.[1];
  return rows.find(
    (row) =>
      (row.includes(`\`${table}.${column}\``) || (row.includes(`\`${table}.`) && row.includes(`\`.${column}\``))) && (!configRow || row.includes(`\`${configRow}\``)),
  );
}

describe('the README section on the encryption lifecycle', () => {
  it.each(SALT_KEY_LOCATIONS.map((location) => [`${location.table}.${location.column}${location.rows ? ` (${location.rows.description})` : ''}`, location] as const))(
    'lists %s, as covered or not as the code says',
    (_name, location) => {
      const row = rowOf(location);
      expect(row).toBeDefined();
      expect(row!.trim().split('|').at(-2)!.trim().startsWith('yes')).toBe(COVERED_LOCATIONS.includes(location));
    },
  );
});
