import { updateAction } from '../../../src/audit/AuditSubscriber';

const row = { model_id: 'm', model_name: 'gpt', litellm_params: { model: 'openai/gpt-4o' }, blocked: false, updated_at: '2026-01-01T00:00:00.000Z', updated_by: 'a' };

describe('updateAction: what the audit trail calls an update', () => {
  it('is `blocked` / `unblocked` when blocked is all that changed besides updated_at and updated_by', () => {
    const blocked = { ...row, blocked: true, updated_at: '2026-01-02T00:00:00.000Z', updated_by: 'b' };
    expect(updateAction(row, blocked)).toBe('blocked');
    expect(updateAction(blocked, row)).toBe('unblocked');
    expect(updateAction(row, { ...row, blocked: true })).toBe('blocked');
  });

  it('is `updated` when anything else changed too, or blocked did not change', () => {
    expect(updateAction(row, { ...row, blocked: true, model_name: 'renamed' })).toBe('updated');
    expect(updateAction(row, { ...row, litellm_params: { model: 'openai/gpt-4o', rpm: 1 } })).toBe('updated');
    expect(updateAction(row, { ...row, updated_by: 'b' })).toBe('updated');
  });

  it('is `updated` for a row without a blocked column (an older proxy’s, or another table)', () => {
    const { blocked: _blocked, ...olderRow } = row;
    expect(updateAction(olderRow, { ...olderRow, model_name: 'x' })).toBe('updated');
  });
});
