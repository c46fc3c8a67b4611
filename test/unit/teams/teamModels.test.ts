import { publicNameOf, TEAM_PUBLIC_NAME_KEY, teamModelStoredName } from '../../../src/teams/teamModels';

const UUID_V4 = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

describe('teamModelStoredName', () => {
  it('is model_name_<team_id>_<uuid>, as the proxy names team models', () => {
    expect(teamModelStoredName('team-1', '00000000-0000-4000-8000-000000000000')).toBe('model_name_team-1_00000000-0000-4000-8000-000000000000');
  });

  it('draws a new uuid v4 each time when none is given', () => {
    const first = teamModelStoredName('team-1');
    expect(first).toMatch(new RegExp(`^model_name_team-1_${UUID_V4}$`));
    expect(teamModelStoredName('team-1')).not.toBe(first);
  });
});

describe('publicNameOf', () => {
  it('is team_public_model_name for a team model', () => {
    expect(publicNameOf('model_name_team-1_uuid', { [TEAM_PUBLIC_NAME_KEY]: 'gpt-4o' })).toBe('gpt-4o');
  });

  it.each([[undefined], [null], [{}], [{ [TEAM_PUBLIC_NAME_KEY]: '' }], [{ [TEAM_PUBLIC_NAME_KEY]: 3 }]])(
    'falls back to the stored name for model_info %p',
    (modelInfo) => {
      expect(publicNameOf('gpt-4o', modelInfo as Record<string, unknown> | null | undefined)).toBe('gpt-4o');
    },
  );
});
