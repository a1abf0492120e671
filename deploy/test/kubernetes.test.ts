/**
 * The Kubernetes manifests (deploy/kubernetes) checked without a cluster: every document against
 * its kind's Kubernetes 1.27 schema (kubernetes-models) and, because those schemas accept fields
 * they do not declare, against the declared fields too; then the rules the platform needs. Expected
 * values come from deployables.ts (each service's configuration schema) and from the rules, never
 * from the manifests, so that a manifest drifting from a service fails here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { IService } from 'kubernetes-models/v1/Service';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments, parse } from 'yaml';
import type { z } from 'zod';
import {
  DEPLOYABLES,
  GATEWAY_DEPLOYABLE,
  SUBGRAPH_DEPLOYABLES,
  requiredVariables,
  type Deployable,
} from './deployables';

const MANIFESTS_DIR = path.resolve(__dirname, '../kubernetes');
const README = path.resolve(__dirname, '../README.md');
const NAMESPACE = 'hocbaso';

/** Highest resident memory measured under load (academics, docs/benchmarks.md). */
const MEASURED_PEAK_MIB = 340;
/** A limit below peak × 1.5 leaves too little for a heavier day than the benchmark's. */
const MEMORY_HEADROOM = 1.5;
/** MongoDB's port: the URI itself is a Secret, so the policy is checked against the default. */
const MONGODB_PORT = 27017;
/** Variables holding credentials: only ever from a Secret (TOKEN_ISSUER and the TTLs are not). */
const SECRET_VARIABLE = /(^|_)(SECRET|PASSWORD)(_|$)|_TOKEN$|^MONGODB_URI$/;
/** Set for the runtime rather than the service's own configuration. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS', 'NODE_ENV']);
/** Ranges that are never "outside the cluster": private, carrier-grade NAT, link-local (metadata). */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

// ---------------------------------------------------------------------------------------------
// Loading

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface Loaded {
  file: string;
  doc: Doc;
}

const yamlFiles = readdirSync(MANIFESTS_DIR)
  .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
  .sort();

function loadDocuments(): Loaded[] {
  return yamlFiles.flatMap((file) => {
    const text = readFileSync(path.join(MANIFESTS_DIR, file), 'utf8');
    // YAML 1.1, as kubectl reads it (0440 is octal, `yes` a boolean), not the library's 1.2 default.
    return parseAllDocuments(text, { version: '1.1' }).flatMap((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
      const doc = document.toJS() as Doc | null;
      return doc === null ? [] : [{ file, doc }];
    });
  });
}

const loaded = loadDocuments();
const docs = loaded.map((entry) => entry.doc);
const ofKind = <T>(kind: string): T[] => docs.filter((doc) => doc.kind === kind) as unknown as T[];

const deployments = ofKind<IDeployment & Doc>('Deployment');
const services = ofKind<IService & Doc>('Service');
const configMaps = new Map(ofKind<IConfigMap & Doc>('ConfigMap').map((c) => [c.metadata.name, c]));
const autoscalers = ofKind<IHorizontalPodAutoscaler & Doc>('HorizontalPodAutoscaler');
const budgets = ofKind<IPodDisruptionBudget & Doc>('PodDisruptionBudget');
const networkPolicies = ofKind<INetworkPolicy & Doc>('NetworkPolicy');

// ---------------------------------------------------------------------------------------------
// Schema validation

type Model = new (data: never) => { validate(): void };
/** apiVersion/kind → the model and its declarations. A kind not listed is refused (Secret included). */
const MODELS: Record<string, { model: Model; types: string }> = {
  'v1/Namespace': { model: Namespace, types: 'kubernetes-models/v1/Namespace' },
  'v1/ConfigMap': { model: ConfigMap, types: 'kubernetes-models/v1/ConfigMap' },
  'v1/Service': { model: Service, types: 'kubernetes-models/v1/Service' },
  'apps/v1/Deployment': { model: Deployment, types: 'kubernetes-models/apps/v1/Deployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    types: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget,
    types: 'kubernetes-models/policy/v1/PodDisruptionBudget',
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    model: NetworkPolicy,
    types: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
  },
};

const TYPE_ROOTS = [
  path.resolve(__dirname, '../node_modules'),
  path.resolve(__dirname, '../../node_modules'),
];

/** The declaration file of a module (package "exports" map only the JS, so found by path). */
function declarations(specifier: string, from?: string): string {
  if (specifier.startsWith('.')) return path.resolve(path.dirname(from!), `${specifier}.d.ts`);
  for (const root of TYPE_ROOTS) {
    const file = path.join(root, `${specifier}.d.ts`);
    if (existsSync(file)) return file;
  }
  throw new Error(`no declarations for ${specifier}`);
}

interface Declared {
  /** Field → its type as written (`Record<T>` for a string-keyed map). Null: not an object type. */
  fields: Map<string, string> | null;
  imports: Map<string, string>;
}
const declaredCache = new Map<string, Declared>();

/** The fields of the interface a kubernetes-models declaration file declares. */
function declared(file: string): Declared {
  const cached = declaredCache.get(file);
  if (cached) return cached;
  const text = readFileSync(file, 'utf8');
  const imports = new Map<string, string>();
  for (const [, names, specifier] of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    for (const name of names!.split(',')) imports.set(name.trim(), specifier!);
  }
  const body = /^export interface \w+(?: extends [^{]+)? \{\n([\s\S]*?)\n\}$/m.exec(text)?.[1];
  let fields: Map<string, string> | null = null;
  if (body !== undefined) {
    fields = new Map();
    const lines = body.split('\n');
    lines.forEach((line, index) => {
      const field = /^ {4}"([^"]+)"\??: (.+?);?$/.exec(line);
      if (!field) return;
      const map = field[2] === '{' ? /^ {8}\[key: string\]: (.+);$/.exec(lines[index + 1] ?? '') : null;
      fields!.set(field[1]!, map ? `Record<${map[1]}>` : field[2]!);
    });
  }
  const result = { fields, imports };
  declaredCache.set(file, result);
  return result;
}

/** Paths of fields the declarations do not know, e.g. a misspelt `readinessProbes`. */
function unknownFields(value: unknown, file: string, at = ''): string[] {
  const { fields, imports } = declared(file);
  if (!fields || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const type = fields.get(key);
    if (type === undefined) return [`${at}${key}`];
    return unknownFieldsOfType(child, type, imports, file, `${at}${key}`);
  });
}

function unknownFieldsOfType(
  value: unknown,
  type: string,
  imports: Map<string, string>,
  file: string,
  at: string,
): string[] {
  const list = /^Array<(.+)>$/.exec(type);
  if (list) {
    return Array.isArray(value)
      ? value.flatMap((item, index) => unknownFieldsOfType(item, list[1]!, imports, file, `${at}[${index}]`))
      : [];
  }
  const map = /^Record<(.+)>$/.exec(type);
  if (map) {
    return typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, item]) =>
          unknownFieldsOfType(item, map[1]!, imports, file, `${at}.${key}`),
        )
      : [];
  }
  const specifier = imports.get(type);
  // Strings, numbers, enums of literals: their values are the schema validation's business.
  if (specifier === undefined) return [];
  return unknownFields(value, declarations(specifier, file), `${at}.`);
}

/** Throws when the document is of an unknown kind, breaks its schema or has undeclared fields. */
function validateDocument(doc: Doc): void {
  const entry = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!entry) throw new Error(`unknown kind ${doc.apiVersion}/${doc.kind}`);
  new entry.model(doc as never).validate();
  const unknown = unknownFields(doc, declarations(entry.types));
  if (unknown.length > 0) throw new Error(`unknown fields: ${unknown.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

function selects(selector: Selector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const own = labels ?? {};
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => own[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === 'In') return key in own && values.includes(own[key]!);
    if (operator === 'NotIn') return !(key in own) || !values.includes(own[key]!);
    if (operator === 'Exists') return key in own;
    if (operator === 'DoesNotExist') return !(key in own);
    throw new Error(`unknown selector operator ${operator}`);
  });
  return byLabel && byExpression;
}

function deploymentOf(d: Deployable): IDeployment & Doc {
  const found = deployments.filter((deployment) => deployment.metadata.name === d.name);
  if (found.length !== 1) throw new Error(`${found.length} Deployments named ${d.name}`);
  return found[0]!;
}
const podLabels = (d: Deployable) => deploymentOf(d).spec!.template.metadata?.labels ?? {};
const otherPodLabels = (d: Deployable) => DEPLOYABLES.filter((o) => o !== d).map(podLabels);

function containerOf(d: Deployable): IContainer {
  const container = deploymentOf(d).spec!.template.spec!.containers.find((c) => c.name === d.name);
  if (!container) throw new Error(`no container named ${d.name} in the ${d.name} Deployment`);
  return container;
}

/** The port a probe, Service or policy names (by number or by the container port's name). */
function containerPortNumber(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The GraphQL port: what the service is told to listen on, which the container must declare. */
function containerPort(d: Deployable): number {
  const port = Number(envValue(d, d.portVariable));
  if (!containerOf(d).ports?.some((p) => p.containerPort === port)) {
    throw new Error(`${d.name}: ${d.portVariable}=${port} is not a container port`);
  }
  return port;
}

/** The Prometheus port (`<NAME>_METRICS_PORT`, set or its default), for a service that has one. */
function metricsPort(d: Deployable): number | undefined {
  const variable = d.portVariable.replace(/_PORT$/, '_METRICS_PORT');
  const field = d.schema.shape[variable] as z.ZodType | undefined;
  if (!field) return undefined;
  const set = containerEnv(containerOf(d)).get(variable);
  return Number(set?.from === 'value' || set?.from === 'configMap' ? set.value : field.parse(undefined));
}

/** A peer in a named namespace (not every namespace, not an address range): the monitoring one. */
const isNamespacePeer = (peer: INetworkPolicyPeer) =>
  peer.ipBlock === undefined &&
  (Object.keys(peer.namespaceSelector?.matchLabels ?? {}).length > 0 ||
    (peer.namespaceSelector?.matchExpressions ?? []).length > 0);

/**
 * Ingress rules of the deployable's pods: each lists its ports; the GraphQL port admitted from the
 * peers `graphqlPeersOk` accepts, the metrics port from a named namespace only, no other port.
 */
function checkIngress(
  d: Deployable,
  graphqlPeersOk: (from: INetworkPolicyPeer[] | undefined) => boolean,
): void {
  const rules = policiesFor(d, 'Ingress').flatMap((p) => p.spec?.ingress ?? []);
  const admitted: number[] = [];
  for (const rule of rules) {
    expect(rule.ports?.length).toBeGreaterThan(0);
    for (const [protocol, port] of rule.ports!.map((p) => policyPort(d, p))) {
      expect(protocol).toBe('TCP');
      if (port === containerPort(d)) {
        expect(graphqlPeersOk(rule.from)).toBe(true);
      } else if (port !== undefined && port === metricsPort(d)) {
        expect(rule.from?.length).toBeGreaterThan(0);
        expect(rule.from!.every(isNamespacePeer)).toBe(true);
      } else {
        throw new Error(`${d.name}: ingress admitted on port ${port}`);
      }
      admitted.push(port);
    }
  }
  expect(admitted).toContain(containerPort(d));
}

function serviceOf(d: Deployable): IService & Doc {
  // A Service without a selector selects no pod (its endpoints are managed by hand).
  const found = services.filter(
    (s) =>
      Object.keys(s.spec?.selector ?? {}).length > 0 &&
      selects({ matchLabels: s.spec?.selector }, podLabels(d)),
  );
  if (found.length !== 1) throw new Error(`${found.length} Services select the ${d.name} pods`);
  return found[0]!;
}

type EnvSource =
  | { from: 'value'; value: string }
  | { from: 'configMap'; configMap: string; key: string; value: string }
  | { from: 'secret'; secret: string; key: string; optional: boolean }
  | { from: 'other' };

/** What each variable of the container is set from, in Kubernetes' precedence (env over envFrom). */
function containerEnv(container: IContainer): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) throw new Error('envFrom a Secret hides which variables it sets: use secretKeyRef');
    const name = source.configMapRef?.name ?? '';
    const configMap = configMaps.get(name);
    if (!configMap) throw new Error(`envFrom names the ConfigMap "${name}", not in deploy/kubernetes`);
    for (const [key, value] of Object.entries(configMap.data ?? {})) {
      env.set(`${source.prefix ?? ''}${key}`, { from: 'configMap', configMap: name, key, value });
    }
  }
  for (const variable of container.env ?? []) {
    const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
    if (secretKeyRef) {
      env.set(variable.name, {
        from: 'secret',
        secret: secretKeyRef.name ?? '',
        key: secretKeyRef.key,
        optional: secretKeyRef.optional === true,
      });
    } else if (configMapKeyRef) {
      const value = configMaps.get(configMapKeyRef.name ?? '')?.data?.[configMapKeyRef.key];
      if (value === undefined) {
        throw new Error(
          `${variable.name}: no key ${configMapKeyRef.key} in ConfigMap ${configMapKeyRef.name}`,
        );
      }
      env.set(variable.name, {
        from: 'configMap',
        configMap: configMapKeyRef.name!,
        key: configMapKeyRef.key,
        value,
      });
    } else if (variable.valueFrom) {
      env.set(variable.name, { from: 'other' });
    } else {
      env.set(variable.name, { from: 'value', value: variable.value ?? '' });
    }
  }
  return env;
}

function envValue(d: Deployable, name: string): string {
  const source = containerEnv(containerOf(d)).get(name);
  if (source?.from !== 'value' && source?.from !== 'configMap') {
    throw new Error(`${d.name}: ${name} is not set to a literal or ConfigMap value`);
  }
  return source.value;
}

/** Bytes of a Kubernetes quantity, in MiB. */
function mebibytes(quantity: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const factor: Record<string, number> = {
    '': 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return (Number(match[1]) * factor[match[2] ?? '']!) / 1024 ** 2;
}

function millicores(quantity: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(quantity));
  if (!match) throw new Error(`not a CPU quantity: ${quantity}`);
  return match[2] ? Number(match[1]) : Number(match[1]) * 1000;
}

function policyTypes(policy: INetworkPolicy): string[] {
  return policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress ? ['Egress'] : [])];
}
const policiesFor = (d: Deployable, type: 'Ingress' | 'Egress') =>
  networkPolicies.filter((p) => selects(p.spec?.podSelector, podLabels(d)) && policyTypes(p).includes(type));

/** A policy port as [protocol, port number] against the pods it applies to. */
function policyPort(d: Deployable, port: INetworkPolicyPort): [string, number | undefined] {
  return [port.protocol ?? 'TCP', containerPortNumber(containerOf(d), port.port)];
}

/** A peer in this namespace that selects exactly the given deployable's pods. */
function peerIsOnly(peer: INetworkPolicyPeer, d: Deployable): boolean {
  return (
    peer.ipBlock === undefined &&
    peer.namespaceSelector === undefined &&
    selects(peer.podSelector, podLabels(d)) &&
    !otherPodLabels(d).some((labels) => selects(peer.podSelector, labels))
  );
}

/** The Service a cluster-internal URL names (`name`, `name.ns`, `name.ns.svc[.cluster.local]`). */
function serviceAt(url: URL): { service: IService & Doc; port: number } {
  const [name, ...rest] = url.hostname.split('.');
  const suffix = rest.join('.');
  const localSuffixes = ['', NAMESPACE, `${NAMESPACE}.svc`, `${NAMESPACE}.svc.cluster.local`];
  if (!localSuffixes.includes(suffix)) throw new Error(`${url.hostname} is not a Service in ${NAMESPACE}`);
  const service = services.find((s) => s.metadata.name === name);
  if (!service) throw new Error(`no Service named ${name}`);
  const port = service.spec?.ports?.find((p) => p.port === Number(url.port || 80));
  if (!port) throw new Error(`the ${name} Service has no port ${url.port || 80}`);
  return { service, port: port.port };
}

// ---------------------------------------------------------------------------------------------
// Tests

describe('Kubernetes manifests: documents', () => {
  it('finds the documents', () => {
    expect(docs.length).toBeGreaterThan(0);
  });

  it.each(loaded.map(({ file, doc }) => [`${file}: ${doc.kind} ${doc.metadata?.name}`, doc] as const))(
    '%s validates against its kind schema, with no undeclared field',
    (_label, doc) => {
      expect(() => validateDocument(doc)).not.toThrow();
    },
  );

  describe('the validation bites', () => {
    const sample = () => structuredClone(deployments[0]!) as IDeployment & Doc;
    const firstContainer = (doc: IDeployment) =>
      doc.spec!.template.spec!.containers[0]! as unknown as Record<string, unknown>;

    it('refuses a field of the wrong type', () => {
      const broken = sample();
      broken.spec!.template.spec!.containers[0]!.ports = [{ containerPort: 'http' as unknown as number }];
      expect(() => validateDocument(broken)).toThrow(/containerPort must be integer/);
    });

    it('refuses a missing required field', () => {
      const broken = sample() as unknown as { spec: Record<string, unknown> } & Doc;
      delete broken.spec.selector;
      expect(() => validateDocument(broken)).toThrow(/selector/);
    });

    it('refuses a misspelt field, however deep (the models alone accept it)', () => {
      const broken = sample();
      const container = firstContainer(broken);
      container.readinessProbes = container.readinessProbe;
      delete container.readinessProbe;
      expect(() => validateDocument(broken)).toThrow(
        /spec\.template\.spec\.containers\[0\]\.readinessProbes/,
      );
    });

    it('refuses a misspelt top-level field and an unknown kind', () => {
      expect(() => validateDocument({ ...sample(), sepc: {} })).toThrow(/unknown fields: sepc/);
      expect(() => validateDocument({ ...sample(), kind: 'Deploymnt' })).toThrow(/unknown kind/);
    });
  });

  it('holds no Secret: the operator creates them', () => {
    expect(docs.filter((doc) => doc.kind === 'Secret').map((doc) => doc.metadata.name)).toEqual([]);
  });

  it(`puts every namespaced resource in the namespace ${NAMESPACE}, which namespace.yaml creates`, () => {
    const namespaces = loaded.filter(({ doc }) => doc.kind === 'Namespace');
    expect(namespaces.map(({ file, doc }) => [file, doc.metadata.name])).toEqual([
      ['namespace.yaml', NAMESPACE],
    ]);
    const elsewhere = docs
      .filter((doc) => doc.kind !== 'Namespace' && doc.metadata.namespace !== NAMESPACE)
      .map((doc) => `${doc.kind} ${doc.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });

  it('lists every file in kustomization.yaml', () => {
    const kustomization = parse(readFileSync(path.join(MANIFESTS_DIR, 'kustomization.yaml'), 'utf8')) as {
      namespace?: string;
      resources?: string[];
    };
    expect(kustomization.namespace).toBe(NAMESPACE);
    expect([...(kustomization.resources ?? [])].sort()).toEqual(yamlFiles);
  });

  it('keeps credentials out of every ConfigMap', () => {
    const leaked = [...configMaps.values()].flatMap((c) =>
      Object.keys(c.data ?? {})
        .filter((key) => SECRET_VARIABLE.test(key))
        .map((key) => `${c.metadata.name}.${key}`),
    );
    expect(leaked).toEqual([]);
  });

  it('treats the four known credentials as secrets', () => {
    const names = [
      'INTERNAL_IDENTITY_SECRET',
      'SIGNING_KEY_ENCRYPTION_SECRET',
      'MINISTRY_API_TOKEN',
      'MONGODB_URI',
    ];
    expect(names.filter((name) => !SECRET_VARIABLE.test(name))).toEqual([]);
    expect(['TOKEN_ISSUER', 'ACCESS_TOKEN_TTL_SECONDS'].filter((name) => SECRET_VARIABLE.test(name))).toEqual(
      [],
    );
  });

  it('has a default-deny NetworkPolicy for the namespace', () => {
    const denyAll = networkPolicies.filter(
      (p) =>
        Object.keys(p.spec?.podSelector ?? {}).length === 0 &&
        ['Ingress', 'Egress'].every((type) => policyTypes(p).includes(type)) &&
        (p.spec?.ingress ?? []).length === 0 &&
        (p.spec?.egress ?? []).length === 0,
    );
    expect(denyAll).toHaveLength(1);
  });
});

describe.each(DEPLOYABLES.map((d) => [d.name, d] as const))('Kubernetes manifests: %s', (_name, d) => {
  it('has a Deployment of its image, a ClusterIP Service, an HPA and a PDB for its pods', () => {
    const deployment = deploymentOf(d);
    const spec = deployment.spec!;
    expect(selects(spec.selector, podLabels(d))).toBe(true);
    expect(otherPodLabels(d).filter((labels) => selects(spec.selector, labels))).toEqual([]);

    const container = containerOf(d);
    expect(container.image).toMatch(
      new RegExp(`^ghcr\\.io/hocbaso/${d.name}(:(?!latest$)[\\w][\\w.-]{0,127}|@sha256:[0-9a-f]{64})$`),
    );
    // The image's command runs the workspace; an override must run the same file.
    const command = [...(container.command ?? []), ...(container.args ?? [])];
    if (command.length > 0) expect(command.join(' ')).toContain(`${d.workspace}/dist/index.js`);

    expect(serviceOf(d).spec?.type ?? 'ClusterIP').toBe('ClusterIP');

    const hpas = autoscalers.filter((h) => {
      const target = h.spec?.scaleTargetRef;
      return target?.apiVersion === 'apps/v1' && target.kind === 'Deployment' && target.name === d.name;
    });
    expect(hpas).toHaveLength(1);
    const hpa = hpas[0]!.spec!;
    const minReplicas = hpa.minReplicas ?? 1;
    expect(minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.maxReplicas).toBeGreaterThanOrEqual(minReplicas);
    const cpu = (hpa.metrics ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    expect(cpu?.resource?.target.type).toBe('Utilization');
    expect(cpu?.resource?.target.averageUtilization).toBeGreaterThan(0);
    expect(cpu?.resource?.target.averageUtilization).toBeLessThanOrEqual(100);

    const pdbs = budgets.filter((b) => selects(b.spec?.selector, podLabels(d)));
    expect(pdbs).toHaveLength(1);
    const pdb = pdbs[0]!.spec!;
    expect(otherPodLabels(d).filter((labels) => selects(pdb.selector, labels))).toEqual([]);
    // A node drain may take one pod, never all of them: 1 <= disruptions allowed < minReplicas.
    const allowed =
      typeof pdb.maxUnavailable === 'number'
        ? pdb.maxUnavailable
        : typeof pdb.minAvailable === 'number'
          ? minReplicas - pdb.minAvailable
          : NaN;
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed).toBeLessThan(minReplicas);
  });

  it(`listens on ${d.hostVariable}=0.0.0.0, ${d.portVariable} a containerPort and the Service's targetPort`, () => {
    const port = containerPort(d);
    expect(envValue(d, d.hostVariable)).toBe('0.0.0.0');
    // GraphQL, and Prometheus' port where the service serves metrics: nothing else.
    const declared = (containerOf(d).ports ?? []).map((p) => p.containerPort).sort();
    expect(declared).toEqual([port, metricsPort(d)].filter((p) => p !== undefined).sort());
    const servicePorts = serviceOf(d).spec?.ports ?? [];
    expect(servicePorts.length).toBeGreaterThan(0);
    for (const servicePort of servicePorts) {
      expect(containerPortNumber(containerOf(d), servicePort.targetPort ?? servicePort.port)).toBe(port);
    }
  });

  it('probes readiness on /readyz, liveness (and start-up) on /healthz, on the container port', () => {
    const container = containerOf(d);
    const port = containerPort(d);
    const probe = (name: 'readinessProbe' | 'livenessProbe' | 'startupProbe') => {
      const httpGet = container[name]?.httpGet;
      return httpGet && { path: httpGet.path, port: containerPortNumber(container, httpGet.port) };
    };
    expect(probe('readinessProbe')).toEqual({ path: '/readyz', port });
    expect(probe('livenessProbe')).toEqual({ path: '/healthz', port });
    // Start-up must not wait for the database: that is readiness's question.
    if (container.startupProbe) expect(probe('startupProbe')).toEqual({ path: '/healthz', port });
  });

  it('requests and limits CPU and memory, with V8 heap sized to the memory limit', () => {
    const { requests, limits } = containerOf(d).resources ?? {};
    expect(millicores(requests?.cpu)).toBeGreaterThan(0);
    expect(millicores(limits?.cpu)).toBeGreaterThanOrEqual(millicores(requests?.cpu));
    const limit = mebibytes(limits?.memory);
    expect(mebibytes(requests?.memory)).toBeGreaterThan(0);
    expect(mebibytes(requests?.memory)).toBeLessThanOrEqual(limit);
    expect(limit).toBeGreaterThanOrEqual(MEASURED_PEAK_MIB * MEMORY_HEADROOM);
    // Old space under the limit with room for young space, code and buffers; over half, or it is wasted.
    const heap = /--max-old-space-size=(\d+)/.exec(envValue(d, 'NODE_OPTIONS'));
    expect(heap).not.toBeNull();
    expect(Number(heap![1])).toBeGreaterThanOrEqual(limit * 0.5);
    expect(Number(heap![1])).toBeLessThanOrEqual(limit * 0.8);
  });

  it('runs unprivileged: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp', () => {
    const pod = deploymentOf(d).spec!.template.spec!;
    expect(pod.automountServiceAccountToken).toBe(false);
    // Service links would set e.g. IDENTITY_PORT=tcp://…, the very names the services read.
    expect(pod.enableServiceLinks).toBe(false);
    expect([pod.hostNetwork, pod.hostPID, pod.hostIPC].filter(Boolean)).toEqual([]);
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
      const own = container.securityContext ?? {};
      expect(own.runAsNonRoot ?? pod.securityContext?.runAsNonRoot).toBe(true);
      expect(own.runAsUser ?? pod.securityContext?.runAsUser).not.toBe(0);
      expect((own.seccompProfile ?? pod.securityContext?.seccompProfile)?.type).toBe('RuntimeDefault');
      expect(own.allowPrivilegeEscalation).toBe(false);
      expect(own.privileged ?? false).toBe(false);
      expect(own.readOnlyRootFilesystem).toBe(true);
      expect(own.capabilities?.drop).toContain('ALL');
      expect(own.capabilities?.add ?? []).toEqual([]);
    }
    // The only writable place: an emptyDir at /tmp.
    const tmp = containerOf(d).volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('sets every required variable, each a variable of the service, valid for its schema', () => {
    const env = containerEnv(containerOf(d));
    expect(requiredVariables(d).filter((name) => !env.has(name))).toEqual([]);
    const known = new Set(Object.keys(d.schema.shape));
    expect([...env.keys()].filter((name) => !known.has(name) && !RUNTIME_VARIABLES.has(name))).toEqual([]);
    // Literal and ConfigMap values parsed as the service parses them; Secrets are the operator's.
    const values = Object.fromEntries(
      [...env].flatMap(([name, source]) =>
        source.from === 'value' || source.from === 'configMap' ? [[name, source.value]] : [],
      ),
    );
    const result = d.schema.safeParse(values);
    const problems = (result.success ? [] : result.error.issues)
      .filter((issue) => env.get(String(issue.path[0]))?.from !== 'secret')
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems).toEqual([]);
  });

  it('takes credentials from Secrets by secretKeyRef, never from a value or a ConfigMap', () => {
    const env = containerEnv(containerOf(d));
    const credentials = Object.keys(d.schema.shape).filter((name) => SECRET_VARIABLE.test(name));
    expect(credentials.length).toBeGreaterThan(0);
    const misplaced = credentials.filter((name) => env.has(name) && env.get(name)!.from !== 'secret');
    expect(misplaced).toEqual([]);
    for (const name of requiredVariables(d).filter((n) => SECRET_VARIABLE.test(n))) {
      expect(env.get(name)).toMatchObject({ from: 'secret', optional: false });
    }
  });

  it('mounts a secret volume only for the signing keystore, read-only and not world-readable', () => {
    const pod = deploymentOf(d).spec!.template.spec!;
    const secretVolumes = (pod.volumes ?? []).filter((v) => v.secret);
    if (!('SIGNING_KEYSTORE_DIR' in d.schema.shape)) {
      expect(secretVolumes.map((v) => v.name)).toEqual([]);
      return;
    }
    const directory = envValue(d, 'SIGNING_KEYSTORE_DIR');
    const mount = containerOf(d).volumeMounts?.find((m) => m.mountPath === directory);
    expect(mount?.readOnly).toBe(true);
    const volume = secretVolumes.find((v) => v.name === mount?.name);
    expect(volume).toBeDefined();
    expect((volume!.secret!.defaultMode ?? 0o644) & 0o007).toBe(0);
  });

  it('isolates its pods: ingress and egress denied unless a policy allows it, DNS allowed', () => {
    expect(policiesFor(d, 'Ingress').length).toBeGreaterThan(0);
    expect(policiesFor(d, 'Egress').length).toBeGreaterThan(0);
    const egress = policiesFor(d, 'Egress').flatMap((p) => p.spec?.egress ?? []);
    // Every egress rule names its destinations and ports: no "anywhere, any port".
    expect(egress.filter((rule) => !rule.to?.length || !rule.ports?.length)).toEqual([]);
    const dns = egress.flatMap((rule) => rule.ports ?? []).filter((p) => p.port === 53);
    expect(dns.map((p) => p.protocol ?? 'TCP').sort()).toEqual(expect.arrayContaining(['TCP', 'UDP']));
  });
});

describe.each(SUBGRAPH_DEPLOYABLES.map((d) => [d.name, d] as const))(
  'Kubernetes manifests: subgraph %s',
  (_name, d) => {
    it('admits ingress only from the gateway pods on its port (and Prometheus on the metrics port)', () => {
      checkIngress(
        d,
        (from) =>
          from !== undefined && from.length > 0 && from.every((peer) => peerIsOnly(peer, GATEWAY_DEPLOYABLE)),
      );
    });

    it('may reach MongoDB, the Kafka brokers it is given and, for archive, the Ministry; nothing else', () => {
      const egress = policiesFor(d, 'Egress').flatMap((p) => p.spec?.egress ?? []);
      const allowed = new Set(
        egress.flatMap((rule) => (rule.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`)),
      );
      const kafkaPorts = envValue(d, 'KAFKA_BROKERS')
        .split(',')
        .map((broker) => `TCP/${broker.trim().split(':').pop()}`);
      const needed = new Set(['UDP/53', 'TCP/53', `TCP/${MONGODB_PORT}`, ...kafkaPorts]);
      if ('MINISTRY_API_URL' in d.schema.shape) {
        const ministry = new URL(envValue(d, 'MINISTRY_API_URL'));
        const port = ministry.port || (ministry.protocol === 'https:' ? '443' : '80');
        needed.add(`TCP/${port}`);
        // Outside the cluster: public addresses only, not the pod network or the cloud's metadata.
        const external = egress.filter((rule) => rule.ports?.some((p) => String(p.port) === port));
        for (const peer of external.flatMap((rule) => rule.to ?? [])) {
          if (peer.ipBlock) expect(peer.ipBlock.except ?? []).toEqual(expect.arrayContaining(PRIVATE_RANGES));
        }
      } else {
        expect(egress.flatMap((rule) => rule.to ?? []).filter((peer) => peer.ipBlock)).toEqual([]);
      }
      expect([...allowed].sort()).toEqual([...needed].sort());
    });
  },
);

describe('Kubernetes manifests: gateway', () => {
  const gateway = GATEWAY_DEPLOYABLE;

  it('admits clients on its port (and Prometheus on the metrics port) only', () => {
    checkIngress(gateway, () => true);
  });

  it.each(SUBGRAPH_DEPLOYABLES.map((d) => [d.name, d] as const))(
    'reaches %s through its Service, and egress allows it',
    (_name, d) => {
      const variable = `SUBGRAPH_${d.name.toUpperCase()}_URL`;
      expect(Object.keys(gateway.schema.shape)).toContain(variable);
      const url = new URL(envValue(gateway, variable));
      expect(url.protocol).toBe('http:');
      expect(url.pathname).toBe('/graphql');
      const { service, port } = serviceAt(url);
      expect(service.metadata.name).toBe(serviceOf(d).metadata.name);
      const target = service.spec!.ports!.find((p) => p.port === port)!;
      expect(containerPortNumber(containerOf(d), target.targetPort ?? target.port)).toBe(containerPort(d));

      const egress = policiesFor(gateway, 'Egress').flatMap((p) => p.spec?.egress ?? []);
      const reaches = egress.some(
        (rule) =>
          rule.to?.some((peer) => peerIsOnly(peer, d)) &&
          rule.ports?.some(
            (p) =>
              (p.protocol ?? 'TCP') === 'TCP' &&
              containerPortNumber(containerOf(d), p.port) === containerPort(d),
          ),
      );
      expect(reaches).toBe(true);
    },
  );

  it('configures every subgraph it composes, and nothing but the subgraphs and DNS on its egress', () => {
    const configured = Object.keys(gateway.schema.shape)
      .map((name) => /^SUBGRAPH_(\w+)_URL$/.exec(name)?.[1]?.toLowerCase())
      .filter(Boolean);
    expect(configured.sort()).toEqual(SUBGRAPH_DEPLOYABLES.map((d) => d.name).sort());
    const egress = policiesFor(gateway, 'Egress').flatMap((p) => p.spec?.egress ?? []);
    const subgraphPorts = SUBGRAPH_DEPLOYABLES.map((d) => `TCP/${containerPort(d)}`);
    const ports = egress.flatMap((rule) => (rule.ports ?? []).map((p) => `${p.protocol ?? 'TCP'}/${p.port}`));
    expect(ports.filter((port) => !['UDP/53', 'TCP/53', ...subgraphPorts].includes(port))).toEqual([]);
    expect(egress.flatMap((rule) => rule.to ?? []).filter((peer) => peer.ipBlock)).toEqual([]);
  });

  it('finds identity (JWKS, principal look-ups) at its Service', () => {
    const identity = SUBGRAPH_DEPLOYABLES.find((d) => d.name === 'identity')!;
    const url = new URL(envValue(gateway, 'IDENTITY_BASE_URL'));
    const { service, port } = serviceAt(url);
    expect(service.metadata.name).toBe(serviceOf(identity).metadata.name);
    const target = service.spec!.ports!.find((p) => p.port === port)!;
    expect(containerPortNumber(containerOf(identity), target.targetPort ?? target.port)).toBe(
      containerPort(identity),
    );
  });

  it('runs the production profile', () => {
    expect(envValue(gateway, 'NODE_ENV')).toBe('production');
    const env = containerEnv(containerOf(gateway));
    expect(env.has('GATEWAY_PROFILE') ? envValue(gateway, 'GATEWAY_PROFILE') : 'production').toBe(
      'production',
    );
    expect(env.has('ALLOW_INTROSPECTION') ? envValue(gateway, 'ALLOW_INTROSPECTION') : 'false').toMatch(
      /^(false|0)$/,
    );
  });
});

describe('Kubernetes manifests: README', () => {
  it('documents how to create every Secret and key the manifests reference', () => {
    const readme = existsSync(README) ? readFileSync(README, 'utf8') : '';
    const section = /^## Kubernetes\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme)?.[1] ?? '';
    // Each `kubectl create secret generic NAME --from-literal=KEY=… --from-file=…` (lines joined).
    const documented = new Map<string, Set<string>>();
    for (const command of section.replace(/\\\n\s*/g, ' ').split('\n')) {
      const name = /create secret generic ([\w.-]+)/.exec(command)?.[1];
      if (!name) continue;
      const keys = documented.get(name) ?? new Set<string>();
      for (const [, key] of command.matchAll(/--from-(?:literal|file)=([\w.-]+)=/g)) keys.add(key!);
      documented.set(name, keys);
    }
    const missing: string[] = [];
    for (const d of DEPLOYABLES) {
      for (const source of containerEnv(containerOf(d)).values()) {
        if (source.from !== 'secret' || source.optional) continue;
        if (!documented.get(source.secret)?.has(source.key)) missing.push(`${source.secret}/${source.key}`);
      }
      for (const volume of deploymentOf(d).spec!.template.spec!.volumes ?? []) {
        const name = volume.secret?.secretName;
        if (name && !documented.has(name)) missing.push(name);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
