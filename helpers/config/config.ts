// The configuration's public face: the schema of every variable, its parsers, the target's configuration, client options and the once-per-process loader.
export { BOOL_FALSE, BOOL_TRUE, parseBool, pemProblem, type Env, type SaslMechanism } from './parsers';
export { CONFIG_VARS, DB_VARS, FLOWGATE_VARS, OPTIONAL_DBS, type ConfigVar, type DbName, type FlowgateSettings, type FlowgateVar, type Scope, type VarSpec } from './schema';
export { checkFlowgateVars, rawValue } from './read';
export { chromiumExecutable, defaultEndpoint, DEFAULTS, generateRunId, parseTargetConfig, type TargetConfig } from './target-config';
export { kafkaClientConfig, pgClientConfig, redisOptions, type KafkaClientConfig, type PgClientConfig, type RedisClientOptions } from './clients';
export { loadConfig, loadEnvFile, resetConfig, runSettings, type LoadedConfig } from './load';
