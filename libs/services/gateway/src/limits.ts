/** The gateway's limits (`GatewayLimits` from @countersign/config), provided by GatewayModule.register. */
export const GATEWAY_LIMITS = Symbol('GATEWAY_LIMITS');
