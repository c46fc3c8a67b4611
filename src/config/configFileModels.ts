// Reads the proxy's config file: the model deployments of model_list and the general_settings this API
// follows (encryption_algorithm), resolving os.environ/NAME values.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseDocument, visit, type YAMLMap } from 'yaml';
import { parseEncryptionAlgorithm, type EncryptionAlgorithm } from '../crypto/AtRestCipher';
import { ConfigFileError } from '../errors/ConfigFileError';
import { CONFIG_ENCRYPTION_ALGORITHM_SETTING, unknownAlgorithm } from './settings';

export interface ConfigModel {
  id: string;
  modelName: string;
  litellmParams: Record<string, unknown>;
  modelInfo: Record<string, unknown>;
}

/** What this API reads from one config file. */
export interface ConfigFile {
  models: ConfigModel[];
  /** general_settings.encryption_algorithm, when the file sets it. */
  encryptionAlgorithm?: EncryptionAlgorithm;
}

const ENV_REFERENCE_PREFIX = 'os.environ/';

type JsonObject = Record<string, unknown>;

/** What each check needs to read the document and point at a line of it. */
interface ConfigSource {
  path: string;
  document: Document.Parsed;
  lines: LineCounter;
  env: NodeJS.ProcessEnv;
}

export function loadConfigFileModels(path: string, env: NodeJS.ProcessEnv = process.env): ConfigModel[] {
  return loadConfigFile(path, env).models;
}

/** The file is read and parsed once for everything this API takes from it. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): ConfigFile {
  const lines = new LineCounter();
  // merge: the proxy reads its config with PyYAML, which honours `<<` merge keys.
  const document = parseDocument(readConfigFile(path), { lineCounter: lines, merge: true });
  const [syntaxError] = document.errors;
  if (syntaxError) {
    const line = syntaxError.linePos?.[0].line ?? 1;
    const problem = syntaxError.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw ConfigFileError.atLine(path, line, `YAML syntax error: ${problem}`);
  }
  const source: ConfigSource = { path, document, lines, env };
  const root = document.contents;
  if (isNullNode(root)) return { models: [] };
  if (!isMap(root)) throw errorAt(source, root, 'the top level must be a mapping');
  return { models: readModelList(source, root), encryptionAlgorithm: readEncryptionAlgorithm(source, root) };
}

function readModelList(source: ConfigSource, root: YAMLMap): ConfigModel[] {
  const modelList = resolveAlias(source, root.get('model_list', true));
  if (isNullNode(modelList)) return [];
  if (!isSeq(modelList)) throw errorAt(source, modelList, 'model_list must be a list');
  const models = modelList.items.map((item, index) => readModel(source, resolveAlias(source, item), index + 1));
  assertUniqueIds(source, models);
  return models.map(({ model }) => model);
}

function readEncryptionAlgorithm(source: ConfigSource, root: YAMLMap): EncryptionAlgorithm | undefined {
  const settingsNode = resolveAlias(source, root.get('general_settings', true));
  if (isNullNode(settingsNode)) return undefined;
  if (!isMap(settingsNode)) throw errorAt(source, settingsNode, 'general_settings must be a mapping');
  const generalSettings = settingsNode.toJS(source.document) as JsonObject; // aliases and merge keys applied
  const written = generalSettings.encryption_algorithm;
  if (written === null || written === undefined) return undefined;
  const where = settingsNode.get('encryption_algorithm', true) ?? settingsNode;
  // The proxy resolves os.environ/NAME anywhere in its config, general_settings included.
  const value = resolveEnvReferences(source, settingsNode, CONFIG_ENCRYPTION_ALGORITHM_SETTING, written);
  const algorithm = typeof value === 'string' ? parseEncryptionAlgorithm(value) : undefined;
  if (!algorithm) throw errorAt(source, where, `${CONFIG_ENCRYPTION_ALGORITHM_SETTING}: ${unknownAlgorithm(value)}`);
  return algorithm;
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw ConfigFileError.notFound(path);
    throw ConfigFileError.unreadable(path, error instanceof Error ? error.message : String(error));
  }
}

function readModel(source: ConfigSource, entryNode: unknown, entryNumber: number): { model: ConfigModel; line: number } {
  if (!isMap(entryNode)) throw errorAt(source, entryNode, `model_list entry ${entryNumber} must be a mapping`);
  const entry = entryNode.toJS(source.document) as JsonObject; // aliases and merge keys applied
  const failAtKey = (key: string, problem: string): ConfigFileError =>
    errorAt(source, entryNode.get(key, true) ?? entryNode, problem);

  const modelName = entry.model_name;
  if (typeof modelName !== 'string' || modelName.trim() === '') {
    throw failAtKey('model_name', `model_list entry ${entryNumber}: model_name must be a non-empty string`);
  }
  const described = `model "${modelName}" (model_list entry ${entryNumber})`;
  const unresolvedParams = entry.litellm_params;
  if (!isJsonObject(unresolvedParams)) {
    throw failAtKey('litellm_params', `${described}: litellm_params ${unresolvedParams == null ? 'is missing' : 'must be a mapping'}`);
  }
  if (typeof unresolvedParams.model !== 'string' || unresolvedParams.model === '') {
    throw failAtKey('litellm_params', `${described}: litellm_params.model is required`);
  }
  const unresolvedInfo = entry.model_info ?? {};
  if (!isJsonObject(unresolvedInfo)) throw failAtKey('model_info', `${described}: model_info must be a mapping`);
  const configuredId = unresolvedInfo.id;
  if (configuredId != null && (typeof configuredId !== 'string' || configuredId === '')) {
    throw failAtKey('model_info', `${described}: model_info.id must be a non-empty string`);
  }

  const resolve = (value: JsonObject): JsonObject => resolveEnvReferences(source, entryNode, described, value) as JsonObject;
  const model: ConfigModel = {
    id: configuredId ?? stableModelId(modelName, unresolvedParams),
    modelName,
    litellmParams: resolve(unresolvedParams),
    modelInfo: resolve(unresolvedInfo),
  };
  return { model, line: lineOf(source, entryNode) };
}

/**
 * The id of a config model without model_info.id: sha256 hex of the canonical JSON of
 * [model_name, litellm_params as written]. Hashing the unresolved `os.environ/NAME` references
 * keeps the id stable when a secret is rotated in the environment.
 */
function stableModelId(modelName: string, unresolvedParams: JsonObject): string {
  return createHash('sha256').update(canonicalJson([modelName, unresolvedParams]), 'utf8').digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isJsonObject(value)) {
    const members = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function resolveEnvReferences(source: ConfigSource, entryNode: Node, described: string, value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith(ENV_REFERENCE_PREFIX)) {
    const variable = value.slice(ENV_REFERENCE_PREFIX.length);
    const resolved = source.env[variable];
    if (resolved === undefined) {
      const where = findScalar(entryNode, value) ?? entryNode;
      throw errorAt(source, where, `${described}: ${value} is unresolved: environment variable ${variable} is not set`);
    }
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item) => resolveEnvReferences(source, entryNode, described, item));
  if (isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveEnvReferences(source, entryNode, described, item)]),
    );
  }
  return value;
}

function assertUniqueIds(source: ConfigSource, models: { model: ConfigModel; line: number }[]): void {
  const firstLineById = new Map<string, number>();
  for (const { model, line } of models) {
    const firstLine = firstLineById.get(model.id);
    if (firstLine !== undefined) {
      const problem = `duplicate model id "${model.id}" (first at line ${firstLine}); give each model its own model_info.id`;
      throw ConfigFileError.atLine(source.path, line, problem);
    }
    firstLineById.set(model.id, line);
  }
}

function findScalar(root: Node, value: string): Node | undefined {
  let found: Node | undefined;
  visit(root, {
    Scalar(_key, node) {
      if (node.value !== value) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

function resolveAlias(source: ConfigSource, node: unknown): unknown {
  return isAlias(node) ? node.resolve(source.document) : node;
}

function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function errorAt(source: ConfigSource, node: unknown, problem: string): ConfigFileError {
  return ConfigFileError.atLine(source.path, lineOf(source, node), problem);
}

function lineOf(source: ConfigSource, node: unknown): number {
  const offset = (node as Node | undefined)?.range?.[0];
  return offset === undefined ? 1 : source.lines.linePos(offset).line;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
