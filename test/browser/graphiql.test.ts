// GraphiQL in real headless Chromium (Debian's, driven by playwright-core, never a downloaded browser): the
// page this server serves runs a query with the key pasted into the headers editor, then a subscription over the
// WebSocket, and nothing it loads comes from anywhere but this server. Without Chromium the browser part is skipped, or fails with CI=true or
// REQUIRE_BROWSER=1 (test/support/chromium.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_INSTALL_COMMAND, chromiumForTests } from '../support/chromium';
import { addModel } from '../support/fixtures';
import { serverForEachFile, TEST_MASTER_KEY } from '../support/testServer';

const CHROMIUM = chromiumForTests();
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = path.resolve(__dirname, '../../test-artifacts/graphiql.png');
const QUERY_EDITOR = '.graphiql-query-editor .monaco-editor';
const HEADERS_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor';
const RESPONSE_PANE = '.graphiql-response';

describe('GraphiQL at GET /graphql', () => {
  const handle = serverForEachFile('pglite');

  (CHROMIUM.available || CHROMIUM.required ? describe : describe.skip)('in a browser', () => {
    let userDataDir: string;
    let context: BrowserContext;
    let page: Page;
    const requestedUrls: string[] = [];
    const webSocketUrls: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      if (!CHROMIUM.available) throw new Error(`no Chromium at ${CHROMIUM.path}, and CI=true or REQUIRE_BROWSER=1 require one: ${CHROMIUM_INSTALL_COMMAND}`);
      userDataDir = mkdtempSync(path.join(os.tmpdir(), 'mag-chromium-'));
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM.path,
        args: CHROMIUM_ARGS,
        headless: true,
        viewport: { width: 1600, height: 900 },
      });
      // Anything not addressed to this server is refused, so a page that needed a CDN would break here.
      await context.route(
        (url) => url.hostname !== '127.0.0.1',
        (route) => route.abort('blockedbyclient'),
      );
      page = context.pages()[0] ?? (await context.newPage());
      page.on('request', (request) => requestedUrls.push(request.url()));
      page.on('websocket', (socket) => webSocketUrls.push(socket.url()));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
    });
    afterAll(async () => {
      await context?.close();
      rmSync(userDataDir, { recursive: true, force: true });
    });

    it('runs { me { role } } with the master key pasted into the headers editor', async () => {
      await page.goto(`${handle.server.url}/graphql`);

      await replaceEditorText(page, QUERY_EDITOR, '{ me { role } }');
      await replaceEditorText(page, HEADERS_EDITOR, `{"Authorization": "Bearer ${TEST_MASTER_KEY}"}`);
      await page.locator('.graphiql-execute-button').click();

      const response = page.locator(RESPONSE_PANE);
      await response.getByText('PROXY_ADMIN').waitFor();
      expect(JSON.parse(textOf(await response.innerText()))).toEqual({ data: { me: { role: 'PROXY_ADMIN' } } });

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    });

    it('runs a subscription over the WebSocket, the key from the headers editor in connection_init', async () => {
      await replaceEditorText(page, QUERY_EDITOR, 'subscription { modelChanged { action modelId } }');
      await page.locator('.graphiql-execute-button').click();
      // Running until stopped: the change below is made once the socket had time to subscribe.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const model = await addModel(handle.server);

      const response = page.locator(RESPONSE_PANE);
      await response.getByText(model.id).waitFor();
      expect(JSON.parse(textOf(await response.innerText()))).toEqual({ data: { modelChanged: { action: 'CREATED', modelId: model.id } } });
      await page.locator('.graphiql-execute-button').click();
      expect(webSocketUrls).toEqual([`${handle.server.url.replace(/^http/, 'ws')}/graphql`]);
    });

    it('loaded everything from this server and nothing from anywhere else', () => {
      expect(requestedUrls.length).toBeGreaterThan(0);
      expect(requestedUrls.filter((url) => new URL(url).hostname !== '127.0.0.1')).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  });

  it('keeps serving GraphQL to a client that GETs /graphql without asking for HTML', async () => {
    const response = await fetch(`${handle.server.url}/graphql?query=${encodeURIComponent('{ me { authenticated } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { authenticated: false } } });
  });

  it('serves the page with a CSP that allows this origin only', async () => {
    const response = await fetch(`${handle.server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await response.text()).not.toMatch(/https?:\/\//);
  });

  it('serves only the files of the bundle, revalidated by ETag', async () => {
    const script = await fetch(`${handle.server.url}/graphiql/graphiql.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    const etag = script.headers.get('etag')!;
    await script.arrayBuffer();
    expect((await fetch(`${handle.server.url}/graphiql/graphiql.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    expect((await fetch(`${handle.server.url}/graphiql/unknown.js`)).status).toBe(404);
    expect((await fetch(`${handle.server.url}/graphiql/%2e%2e%2fpackage.json`)).status).toBe(404);
  });

});

describe('GraphiQL when settings.graphiql is false (GRAPHIQL=false, or NODE_ENV=production)', () => {
  const handle = serverForEachFile('pglite', () => ({ graphiql: false }));

  it('is off', async () => {
    const page = await fetch(`${handle.server.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toMatch(/^text\/html/);
    expect((await fetch(`${handle.server.url}/graphiql/graphiql.js`)).status).toBe(404);
  });
});

/** Clicks into a monaco editor, selects everything and types the text as a user would. */
async function replaceEditorText(page: Page, editorSelector: string, text: string): Promise<void> {
  const editor = page.locator(editorSelector);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
  // Monaco renders on the next animation frame: a loaded machine may show the last keystrokes a little later.
  const rendered = async () => textOf(await editor.locator('.view-lines').innerText());
  for (const deadline = Date.now() + RENDER_WAIT_MS; (await rendered()) !== text && Date.now() < deadline; ) await page.waitForTimeout(50);
  expect(await rendered()).toBe(text);
}

/** How long the editor may take to show what was typed. */
const RENDER_WAIT_MS = 5_000;

/** Monaco renders spaces as non-breaking spaces. */
function textOf(renderedText: string): string {
  return renderedText.replace(/\u00a0/g, ' ');
}
