import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFileModels } from '../../../src/config/configFileModels';
import { ConfigFileError } from '../../../src/errors/ConfigFileError';

let directory: string;
let fileCount = 0;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'config-file-models-'));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Writes the lines as a config file; line N of the file is the N-th argument. */
function configFile(...lines: string[]): string {
  fileCount += 1;
  const path = join(directory, `config-${fileCount}.yaml`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function loadError(path: string, env: NodeJS.ProcessEnv = {}): ConfigFileError {
  try {
    loadConfigFileModels(path, env);
  } catch (error: unknown) {
    if (error instanceof ConfigFileError) return error;
    throw error;
  }
  throw new Error('expected a ConfigFileError');
}

function expectErrorAtLine(path: string, line: number, problem: RegExp, env: NodeJS.ProcessEnv = {}): void {
  const error = loadError(path, env);
  expect(error.line).toBe(line);
  expect(error.message).toContain(`config file ${path} line ${line}: `);
  expect(error.message).toMatch(problem);
}

describe('loadConfigFileModels', () => {
  it('reads each model_list entry as a config model', () => {
    const path = configFile(
      'model_list:',
      '  - model_name: gpt-4o',
      '    litellm_params:',
      '      model: openai/gpt-4o',
      '      rpm: 60',
      '    model_info:',
      '      id: config-gpt-4o',
      '      mode: chat',
    );
    expect(loadConfigFileModels(path, {})).toEqual([
      {
        id: 'config-gpt-4o',
        modelName: 'gpt-4o',
        litellmParams: { model: 'openai/gpt-4o', rpm: 60 },
        modelInfo: { id: 'config-gpt-4o', mode: 'chat' },
      },
    ]);
  });

  it('os.environ/NAME values are resolved from the environment, at any depth', () => {
    const path = configFile(
      'model_list:',
      '  - model_name: claude',
      '    litellm_params:',
      '      model: anthropic/claude',
      '      api_key: os.environ/ANTHROPIC_API_KEY',
      '      extra_headers: { x-team: os.environ/TEAM }',
      '      fallbacks: [os.environ/FALLBACK]',
      '    model_info:',
      '      owner: os.environ/TEAM',
    );
    const env = { ANTHROPIC_API_KEY: 'sk-ant-1', TEAM: 'blue', FALLBACK: 'gpt-4o' };
    const [model] = loadConfigFileModels(path, env);
    expect(model.litellmParams).toEqual({
      model: 'anthropic/claude',
      api_key: 'sk-ant-1',
      extra_headers: { 'x-team': 'blue' },
      fallbacks: ['gpt-4o'],
    });
    expect(model.modelInfo).toEqual({ owner: 'blue' });
  });

  it('without model_info.id the id is sha256 of model_name and the canonical, unresolved litellm_params', () => {
    const path = configFile('model_list:', '  - model_name: m', '    litellm_params: { rpm: 1, model: x, api_key: os.environ/K }');
    const canonical = '["m",{"api_key":"os.environ/K","model":"x","rpm":1}]';
    const [model] = loadConfigFileModels(path, { K: 'secret' });
    expect(model.id).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(model.modelInfo).toEqual({});
  });

  it('the hashed id survives a secret rotation and ignores key order', () => {
    const path = configFile('model_list:', '  - model_name: m', '    litellm_params: { model: x, api_key: os.environ/K }');
    const reordered = configFile('model_list:', '  - model_name: m', '    litellm_params: { api_key: os.environ/K, model: x }');
    const [before] = loadConfigFileModels(path, { K: 'old' });
    const [after] = loadConfigFileModels(reordered, { K: 'new' });
    expect(after.id).toBe(before.id);
  });

  it('the hashed id changes with the model name or the params', () => {
    const path = configFile(
      'model_list:',
      '  - model_name: a',
      '    litellm_params: { model: x }',
      '  - model_name: b',
      '    litellm_params: { model: x }',
      '  - model_name: a',
      '    litellm_params: { model: y }',
    );
    expect(new Set(loadConfigFileModels(path, {}).map((model) => model.id)).size).toBe(3);
  });

  it('anchors, aliases and << merge keys work as in the proxy', () => {
    const path = configFile(
      'shared: &azure',
      '  api_base: https://example.openai.azure.com',
      '  api_version: "2024-06-01"',
      'model_list:',
      '  - model_name: gpt-4o',
      '    litellm_params:',
      '      <<: *azure',
      '      model: azure/gpt-4o',
    );
    expect(loadConfigFileModels(path, {})[0].litellmParams).toEqual({
      api_base: 'https://example.openai.azure.com',
      api_version: '2024-06-01',
      model: 'azure/gpt-4o',
    });
  });

  it.each([
    ['an empty file', ['']],
    ['a file with no model_list', ['general_settings:', '  master_key: sk-1234']],
    ['an empty model_list', ['model_list:']],
  ])('%s gives no models', (_case, lines) => {
    expect(loadConfigFileModels(configFile(...lines), {})).toEqual([]);
  });
});

describe('loadConfigFileModels errors name the file, the line and what is wrong', () => {
  it('a missing file', () => {
    const path = join(directory, 'absent.yaml');
    expect(() => loadConfigFileModels(path, {})).toThrow(new RegExp(`^config file ${path} not found$`));
    expect(loadError(path)).toBeInstanceOf(ConfigFileError);
  });

  it('a YAML syntax error', () => {
    const path = configFile('model_list:', '  - model_name: a', '    litellm_params: model: x');
    expectErrorAtLine(path, 3, /YAML syntax error: Nested mappings are not allowed in compact mappings$/);
  });

  it('a key given twice in one mapping', () => {
    expectErrorAtLine(configFile('model_list: []', 'model_list: []'), 2, /YAML syntax error: Map keys must be unique/);
  });

  it('a top level that is not a mapping', () => {
    expectErrorAtLine(configFile('- model_name: a'), 1, /top level must be a mapping/);
  });

  it('a model_list that is not a list', () => {
    expectErrorAtLine(configFile('litellm_settings: {}', 'model_list:', '  model_name: a'), 3, /model_list must be a list/);
  });

  it('an entry that is not a mapping', () => {
    expectErrorAtLine(configFile('model_list:', '  - model_name: a', '    litellm_params: { model: x }', '  - just a string'), 4, /entry 2 must be a mapping/);
  });

  it('an entry without model_name', () => {
    expectErrorAtLine(configFile('model_list:', '  - litellm_params:', '      model: x'), 2, /entry 1: model_name must be a non-empty string/);
  });

  it('an entry whose model_name is not a non-empty string', () => {
    expectErrorAtLine(configFile('model_list:', '  - litellm_params: { model: x }', '    model_name: ""'), 3, /model_name must be a non-empty string/);
  });

  it('an entry without litellm_params', () => {
    expectErrorAtLine(configFile('model_list:', '  - model_name: a', '    model_info: {}'), 2, /model "a" \(model_list entry 1\): litellm_params is missing/);
  });

  it('litellm_params that is not a mapping', () => {
    expectErrorAtLine(configFile('model_list:', '  - model_name: a', '    litellm_params: openai/gpt-4o'), 3, /litellm_params must be a mapping/);
  });

  it('litellm_params without model', () => {
    expectErrorAtLine(configFile('model_list:', '  - model_name: a', '    litellm_params:', '      rpm: 1'), 4, /litellm_params\.model is required/);
  });

  it('model_info that is not a mapping', () => {
    expectErrorAtLine(configFile('model_list:', '  - model_name: a', '    litellm_params: { model: x }', '    model_info: [1]'), 4, /model_info must be a mapping/);
  });

  it('a model_info.id that is not a non-empty string', () => {
    expectErrorAtLine(configFile('model_list:', '  - model_name: a', '    litellm_params: { model: x }', '    model_info: { id: 7 }'), 4, /model_info\.id must be a non-empty string/);
  });

  it('an os.environ/NAME whose variable is not set', () => {
    const path = configFile('model_list:', '  - model_name: a', '    litellm_params:', '      model: x', '      api_key: os.environ/MISSING_KEY');
    expectErrorAtLine(path, 5, /os\.environ\/MISSING_KEY is unresolved: environment variable MISSING_KEY is not set/);
  });

  it('two models with one id', () => {
    const path = configFile(
      'model_list:',
      '  - model_name: a',
      '    litellm_params: { model: x }',
      '    model_info: { id: same }',
      '  - model_name: b',
      '    litellm_params: { model: y }',
      '    model_info: { id: same }',
    );
    expectErrorAtLine(path, 5, /duplicate model id "same" \(first at line 2\)/);
  });
});
