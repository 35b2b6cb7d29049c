export { ConfigError } from './config-error.ts';
export { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from './gateway-limits.ts';
export { DEFAULT_PROPOSAL_SETTINGS, type ProposalSettings } from './proposal-settings.ts';
export { readEnvConfig, DEMO_WORKSPACE, REPO_ROOT, LOG_LEVELS, type EnvConfig, type LogLevel } from './env-config.ts';
export {
  loadWorkspace,
  readYamlFiles,
  formatSourceProblem,
  type WorkspaceDirs,
  type WorkspaceLoaders,
  type SourceFile,
  type SourceProblem,
} from './workspace.ts';
