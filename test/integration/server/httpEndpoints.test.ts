import { testDatabaseKinds } from '../../support/testDatabases';
import { postGraphql, serverForEachFile, TEST_MASTER_KEY } from '../../support/testServer';

describe.each(testDatabaseKinds())('the HTTP server on %s', (kind) => {
  const handle = serverForEachFile(kind);

  it('answers /healthz while the process is up', async () => {
    const response = await fetch(`${handle.server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz when the database answers', async () => {
    const response = await fetch(`${handle.server.url}/readyz`);
    expect(response.status).toBe(200);
  });

  it('answers `me` for an anonymous caller with authenticated: false', async () => {
    const response = await handle.server.graphql('{ me { authenticated role userId } }', undefined, null);
    expect(response.data).toEqual({ me: { authenticated: false, role: null, userId: null } });
  });

  it('recognises the master key as proxy_admin default_user_id', async () => {
    const response = await postGraphql(handle.server.url, '{ me { authenticated role userId } }', undefined, TEST_MASTER_KEY);
    expect(response.data).toEqual({ me: { authenticated: true, role: 'PROXY_ADMIN', userId: 'default_user_id' } });
  });

  it('refuses a body that is not JSON with 400 and a clear message', async () => {
    const response = await fetch(`${handle.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toContain('not valid JSON');
  });

  it('answers 404 outside its routes', async () => {
    expect((await fetch(`${handle.server.url}/nope`)).status).toBe(404);
  });
});
