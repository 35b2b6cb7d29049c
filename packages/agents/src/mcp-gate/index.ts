export { McpGate, type McpGateOptions } from './gate.ts';
export { loadGateConfig, parseGateConfig, GateConfigError, DEFAULT_PENDING_BOUND_MS, type GateConfig, type ToolMapping as GateToolMapping } from './config.ts';
export { toolActionName, defaultResource, renderResource, nameSegment } from './naming.ts';
export { WAIT_TOOL } from './messages.ts';
