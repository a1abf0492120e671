export * from './envelope';
export * from './identity';
export * from './registry';
export * from './students';
export * from './academics';
export * from './conduct';
export * from './signatures';
export * from './archive';
