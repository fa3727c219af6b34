export * from './client-vpn-endpoint-types';
export * from './client-vpn-endpoint';
export * from './ingress-authorization';
export * from './client-vpn-route';
export * from './client-vpn-target-network-association';
export * from './client-vpn-settings-handler';
export * from './client-vpn-errors';
