// The team a model belongs to, decided from its model_info exactly as SQL's model_admin_graphql_model_team decides
// it (src/database/schema/sqlFunctions.ts): a team_id that is a non-empty string names the team; none (or null) means
// no team; anything else, or a model_info that is not a JSON object, means the team cannot be determined, and such a
// model is for proxy admins and viewers only.
import { UNDETERMINED_TEAM, type OwnerTeam } from '../access/TeamScope';
import { SQL_FUNCTIONS } from '../database/schema/sqlFunctions';
import { trusted, type SqlFragment } from '../database/sql';
import { decodeStoredJson, isJsonObject, storedJsonObject, UNDECODABLE } from '../database/types/storedJson';

export function ownerTeamOfModelInfo(modelInfo: unknown): OwnerTeam {
  const info = storedJsonObject(modelInfo);
  if (info === undefined) return null;
  if (info === UNDECODABLE) return UNDETERMINED_TEAM;
  const teamId = info.team_id;
  if (teamId === undefined || teamId === null) return null;
  return typeof teamId === 'string' && teamId !== '' ? teamId : UNDETERMINED_TEAM;
}

/** The owning team of the model an audit snapshot (the whole row, maybe JSON-encoded) shows. */
export function ownerTeamOfSnapshot(snapshot: unknown): OwnerTeam {
  if (snapshot === null || snapshot === undefined) return null;
  const row = decodeStoredJson(snapshot);
  return isJsonObject(row) ? ownerTeamOfModelInfo(row.model_info) : UNDETERMINED_TEAM;
}

/** ownerTeamOfModelInfo over a column (or expression) of ours holding a model_info. */
export function ownerTeamSql(modelInfoColumn: string): SqlFragment {
  return trusted(`${SQL_FUNCTIONS.modelOwnerTeam}(${modelInfoColumn})`);
}

/** ownerTeamOfSnapshot over an audit snapshot column. */
export function snapshotOwnerTeamSql(snapshotColumn: string): SqlFragment {
  return trusted(`${SQL_FUNCTIONS.snapshotOwnerTeam}(${snapshotColumn})`);
}
