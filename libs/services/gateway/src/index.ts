export { GatewayModule, configureHttp } from './gateway.module.ts';
export { Problem } from './problem.ts';
