// All of the SQL on LiteLLM_CredentialsTable. No statement here selects credential_values: the values never leave the
// database through this API.
import type { EntityManager } from '@mikro-orm/postgresql';
import { readRows } from '../database/readRows';
import { sql, table } from '../database/sql';
import { TABLES } from '../database/tables';
import { readUtcTimestamp } from '../database/utcTimestamps';

/** A stored credential without its values; credential_info as the driver reads it (maybe a JSON-encoded string). */
export interface StoredCredential {
  credentialId: string;
  credentialName: string;
  credentialInfo: unknown;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

interface StoredCredentialRow {
  credential_id: string;
  credential_name: string;
  credential_info: unknown;
  created_at: unknown;
  created_by: string;
  updated_at: unknown;
  updated_by: string;
}

const CREDENTIALS = table(TABLES.credentials);

export class CredentialRepository {
  constructor(private readonly em: EntityManager) {}

  /** Every stored credential, by name. */
  async list(): Promise<StoredCredential[]> {
    const rows = await readRows<StoredCredentialRow>(
      this.em,
      sql`SELECT credential_id, credential_name, credential_info, created_at, created_by, updated_at, updated_by FROM ${CREDENTIALS} ORDER BY credential_name`,
    );
    return rows.map(storedCredentialOf);
  }

  /** Whether a credential of this name exists, read in `em`'s transaction when it has one. */
  async exists(em: EntityManager, name: string): Promise<boolean> {
    const rows = await readRows(em, sql`SELECT 1 FROM ${CREDENTIALS} WHERE credential_name = ${name}`);
    return rows.length > 0;
  }
}

function storedCredentialOf(row: StoredCredentialRow): StoredCredential {
  return {
    credentialId: row.credential_id,
    credentialName: row.credential_name,
    credentialInfo: row.credential_info,
    createdAt: readUtcTimestamp(row.created_at),
    createdBy: row.created_by,
    updatedAt: readUtcTimestamp(row.updated_at),
    updatedBy: row.updated_by,
  };
}
