import { randomBytes } from 'node:crypto';
import { gatewayConfigSchema } from '../env';

const base = { INTERNAL_IDENTITY_SECRET: randomBytes(32).toString('hex') };

describe('the gateway profile and its defaults', () => {
  it('is development unless NODE_ENV is production: APQ, suggestions kept', () => {
    const config = gatewayConfigSchema.parse(base);
    expect(config).toMatchObject({
      GATEWAY_PROFILE: 'development',
      PERSISTED_OPERATIONS: 'apq',
      ALLOW_INTROSPECTION: false,
      MAX_OPERATIONS_PER_REQUEST: 5,
      TRUSTED_PROXIES: [],
    });
  });

  it('production (from NODE_ENV or said outright) runs the allow-list by default', () => {
    expect(gatewayConfigSchema.parse({ ...base, NODE_ENV: 'production' })).toMatchObject({
      GATEWAY_PROFILE: 'production',
      PERSISTED_OPERATIONS: 'allow-list',
    });
    expect(
      gatewayConfigSchema.parse({ ...base, GATEWAY_PROFILE: 'production', PERSISTED_OPERATIONS: 'off' }),
    ).toMatchObject({
      GATEWAY_PROFILE: 'production',
      PERSISTED_OPERATIONS: 'off',
    });
    expect(
      gatewayConfigSchema.parse({ ...base, NODE_ENV: 'production', GATEWAY_PROFILE: 'development' }),
    ).toMatchObject({
      GATEWAY_PROFILE: 'development',
      PERSISTED_OPERATIONS: 'apq',
    });
  });

  it('refuses introspection in production, and proxies that are not addresses', () => {
    const introspection = gatewayConfigSchema.safeParse({
      ...base,
      GATEWAY_PROFILE: 'production',
      ALLOW_INTROSPECTION: 'true',
    });
    expect(introspection.success).toBe(false);
    expect(introspection.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['ALLOW_INTROSPECTION']);

    expect(
      gatewayConfigSchema.parse({ ...base, TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16,::1' }).TRUSTED_PROXIES,
    ).toEqual(['10.0.0.1', '192.168.0.0/16', '::1']);
    expect(gatewayConfigSchema.safeParse({ ...base, TRUSTED_PROXIES: 'proxy.local' }).success).toBe(false);
  });
});
