export * from './requirements';
export * from './authorize';
export * from './denials';
export * from './limits';
export * from './access-matrix';
