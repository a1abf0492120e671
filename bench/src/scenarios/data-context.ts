import type { Api } from '../data/api';
import type { DatasetManifest, Datasets } from '../data/dataset';
import type { DatasetSize } from '../data/province';
import type { IdentityAdmin } from '../platform/identity-admin';
import type { PlatformStack } from '../platform/stack';
import type { GraphQLClient } from '../runner/graphql-client';
import type { ProcessWatcher } from '../runner/proc-stats';
import type { BenchOptions } from './context';

/**
 * What the part-B scenarios get: the platform running on the kept datasets (province data), the
 * generated sizes, identity's bootstrap powers for the run's accounts, and the measuring tools.
 */
export interface DataContext {
  options: BenchOptions;
  stack: PlatformStack;
  datasets: Datasets;
  manifests: Partial<Record<DatasetSize, DatasetManifest>>;
  admin: IdentityAdmin;
  api: Api;
  client: GraphQLClient;
  watcher: ProcessWatcher;
  gatewayUrl: string;
  log(line: string): void;
}
