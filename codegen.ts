// GraphQL Code Generator: typed documents for the dashboard operations in examples/, built from the
// committed schema.graphql. Output goes to examples/generated/ (gitignored; `npm run codegen` rebuilds it).
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/operations.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'examples/generated/': {
      preset: 'client',
      // The operations select fields directly; no fragments to mask.
      presetConfig: { fragmentMasking: false },
      config: {
        // Every custom scalar must be mapped, so a new one fails codegen instead of becoming `any`.
        strictScalars: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        useTypeImports: true,
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
