export { GatewayModule, configureHttp } from './gateway.module.ts';
export { checkGatewayConfig } from './gateway-config.ts';
export { Problem } from './problem.ts';
