import type express from 'express';
import { IDENTITY_HEADER, verifyForwardedIdentity, type Logger } from '@hocbaso/service-kit';
import type { KeyStore } from '../keys/key-store';
import type { IdentityDeps } from '../usecases/deps';
import { resolvePrincipal } from '../usecases/resolve-principal';

/**
 * Plain HTTP routes beside /graphql:
 * - the JWKS, public, so the gateway (and anyone) can verify access tokens;
 * - the principal look-up, for the gateway only (it presents its signed service identity).
 */
export function identityRoutes(options: {
  deps: IdentityDeps;
  keys: KeyStore;
  identitySecret: string;
  logger: Logger;
}) {
  return (app: express.Express) => {
    app.get('/.well-known/jwks.json', async (_req, res, next) => {
      try {
        res.set('Cache-Control', 'public, max-age=60').json(await options.keys.jwks());
      } catch (error) {
        next(error);
      }
    });

    app.get('/internal/principal', async (req, res, next) => {
      if (!verifyForwardedIdentity(req.header(IDENTITY_HEADER), options.identitySecret)) {
        res.status(401).json({ error: 'UNAUTHENTICATED' });
        return;
      }
      const accountId = typeof req.query.accountId === 'string' ? req.query.accountId : '';
      const sessionId = typeof req.query.sessionId === 'string' ? req.query.sessionId : '';
      if (!accountId || !sessionId) {
        res.status(400).json({ error: 'BAD_REQUEST' });
        return;
      }
      try {
        res.set('Cache-Control', 'no-store').json(await resolvePrincipal(options.deps, accountId, sessionId));
      } catch (error) {
        next(error);
      }
    });
  };
}
