export { ConfigSchema, type Config, type ConfigInput } from './schema.ts';
export { loadConfig, parseConfig, deepMerge, ConfigError, ENV_KEYS, type LoadOptions } from './load.ts';
