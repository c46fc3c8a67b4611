import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printApiSchema } from '../../../src/app/buildApiSchema';

it('the committed schema.graphql is what the code builds (run `npm run schema:emit` after a schema change)', () => {
  const committed = readFileSync(path.join(__dirname, '../../../schema.graphql'), 'utf8');
  expect(committed).toBe(printApiSchema());
});
