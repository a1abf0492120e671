/**
 * What the deployment files must run: the six subgraphs and the gateway, each with the
 * configuration schema it parses at start-up. The tests read the required variables from these
 * schemas, so a variable a service starts to require fails the deployment checks until every
 * compose file and manifest sets it.
 */
import type { z } from 'zod';
import { academicsConfigSchema } from '../../services/academics/src/env';
import { archiveConfigSchema } from '../../services/archive/src/env';
import { conductConfigSchema } from '../../services/conduct/src/env';
import { identityConfigSchema } from '../../services/identity/src/env';
import { signaturesConfigSchema } from '../../services/signatures/src/env';
import { studentsConfigSchema } from '../../services/students/src/env';
import { gatewayEnvironment } from '../../gateway/src/env';

export interface Deployable {
  /** The compose service, the Kubernetes Deployment and the Dockerfile's SERVICE argument. */
  name: string;
  /** The workspace folder, relative to the repository's root. */
  workspace: string;
  /** The variable that sets the listening port, and its default. */
  portVariable: string;
  port: number;
  /** The variable that sets the listening address (must be 0.0.0.0 in a container). */
  hostVariable: string;
  schema: z.ZodObject;
}

const subgraph = (name: string, schema: z.ZodObject, port: number): Deployable => ({
  name,
  workspace: `services/${name}`,
  portVariable: `${name.toUpperCase()}_PORT`,
  port,
  hostVariable: `${name.toUpperCase()}_HOST`,
  schema,
});

export const SUBGRAPH_DEPLOYABLES: readonly Deployable[] = [
  subgraph('identity', identityConfigSchema, 4001),
  subgraph('students', studentsConfigSchema, 4002),
  subgraph('academics', academicsConfigSchema, 4003),
  subgraph('conduct', conductConfigSchema, 4004),
  subgraph('signatures', signaturesConfigSchema, 4005),
  subgraph('archive', archiveConfigSchema, 4006),
];

export const GATEWAY_DEPLOYABLE: Deployable = {
  name: 'gateway',
  workspace: 'gateway',
  portVariable: 'GATEWAY_PORT',
  port: 4000,
  hostVariable: 'GATEWAY_HOST',
  schema: gatewayEnvironment,
};

export const DEPLOYABLES: readonly Deployable[] = [...SUBGRAPH_DEPLOYABLES, GATEWAY_DEPLOYABLE];

/** Variables without a default: the service refuses to start when one is missing. */
export function requiredVariables(deployable: Deployable): string[] {
  return Object.entries(deployable.schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}
