// Small factories that build test data through the API, the way a client would.
import { randomUUID } from 'node:crypto';
import type { TestServer } from './testServer';

export const MODEL_FIELDS = 'id modelName publicModelName source teamId litellmParams modelInfo createdBy updatedBy createdAt updatedAt';

export interface AddModelOptions {
  modelName?: string;
  litellmParams?: Record<string, unknown>;
  modelInfo?: Record<string, unknown>;
  /** Defaults to the master key. */
  key?: string;
}

export async function addModel(server: TestServer, options: AddModelOptions = {}) {
  const response = await server.graphql<{ addModel: Record<string, any> }>(
    `mutation Add($input: AddModelInput!) { addModel(input: $input) { ${MODEL_FIELDS} } }`,
    {
      input: {
        modelName: options.modelName ?? `model-${randomUUID().slice(0, 8)}`,
        litellmParams: options.litellmParams ?? { model: 'openai/gpt-4o', api_key: 'sk-live-0123456789abcdef' },
        modelInfo: options.modelInfo,
      },
    },
    options.key,
  );
  if (response.errors) throw new Error(`addModel failed: ${JSON.stringify(response.errors)}`);
  return response.data!.addModel;
}

export async function createUser(server: TestServer, role = 'INTERNAL_USER', userId = `user-${randomUUID().slice(0, 8)}`) {
  const response = await server.graphql<{ createUser: { id: string } }>(
    'mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }',
    { input: { userId, userRole: role, userEmail: `${userId}@example.com` } },
  );
  if (response.errors) throw new Error(`createUser failed: ${JSON.stringify(response.errors)}`);
  return response.data!.createUser.id;
}

export async function createTeam(server: TestServer, members: { userId: string; role: 'ADMIN' | 'USER' }[], teamId = `team-${randomUUID().slice(0, 8)}`) {
  const response = await server.graphql<{ createTeam: { id: string } }>(
    'mutation ($input: CreateTeamInput!) { createTeam(input: $input) { id } }',
    { input: { teamId, teamAlias: `alias of ${teamId}`, members } },
  );
  if (response.errors) throw new Error(`createTeam failed: ${JSON.stringify(response.errors)}`);
  return response.data!.createTeam.id;
}

export async function generateKey(server: TestServer, userId: string, teamId?: string, expires?: string) {
  const response = await server.graphql<{ generateKey: { key: string; token: string } }>(
    'mutation ($input: GenerateKeyInput!) { generateKey(input: $input) { key token } }',
    { input: { userId, teamId, expires } },
  );
  if (response.errors) throw new Error(`generateKey failed: ${JSON.stringify(response.errors)}`);
  return response.data!.generateKey;
}

/** A team with an admin and a plain member, each with a key of that team. */
export async function teamWithKeys(server: TestServer) {
  const adminId = await createUser(server);
  const memberId = await createUser(server);
  const teamId = await createTeam(server, [
    { userId: adminId, role: 'ADMIN' },
    { userId: memberId, role: 'USER' },
  ]);
  return {
    teamId,
    adminId,
    memberId,
    adminKey: (await generateKey(server, adminId, teamId)).key,
    memberKey: (await generateKey(server, memberId, teamId)).key,
  };
}

/** A key of a user with the given role and no team. */
export async function keyWithRole(server: TestServer, role: string) {
  const userId = await createUser(server, role);
  return { userId, key: (await generateKey(server, userId)).key };
}
