// `npm run schema:emit`: writes schema.graphql (with its directives) for codegen clients and review.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printApiSchema } from './buildApiSchema';

const target = path.resolve(process.argv[2] ?? 'schema.graphql');
writeFileSync(target, printApiSchema());
process.stdout.write(`wrote ${target}\n`);
