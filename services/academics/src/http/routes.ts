import type express from 'express';
import { IDENTITY_HEADER, verifyForwardedIdentity, type Logger } from '@hocbaso/service-kit';
import type { AcademicsDeps } from '../usecases/deps';
import { createLoaders } from '../usecases/loaders';
import { exportGradebook, XLSX_CONTENT_TYPE } from '../usecases/read-gradebook';
import type { TermCode } from '../usecases/record-gradebook';

const TERMS: Record<string, TermCode> = { '1': 'TERM_1', '2': 'TERM_2', TERM_1: 'TERM_1', TERM_2: 'TERM_2' };

/**
 * GET /gradebooks/:classId/:subjectCode/:schoolYear/:term.xlsx (term 1, 2, TERM_1 or TERM_2): the
 * gradebook as an Excel file, for a download link. Authorised like the GraphQL query, from the
 * identity the gateway forwards; a gradebook the caller may not read is a 404 (it looks absent).
 */
export function academicsRoutes(options: { deps: AcademicsDeps; identitySecret: string; logger: Logger }) {
  return (app: express.Express) => {
    app.get('/gradebooks/:classId/:subjectCode/:schoolYear/:term.xlsx', async (req, res, next) => {
      const identity = verifyForwardedIdentity(req.header(IDENTITY_HEADER), options.identitySecret);
      if (!identity?.principal) {
        res.status(401).json({ error: 'UNAUTHENTICATED' });
        return;
      }
      const term = TERMS[String(req.params.term)];
      if (!term) {
        res.status(400).json({ error: 'BAD_REQUEST' });
        return;
      }
      try {
        const caller = { principal: identity.principal, requestId: identity.requestId };
        const exported = await exportGradebook(options.deps, createLoaders(options.deps), caller, {
          classId: String(req.params.classId),
          subjectCode: String(req.params.subjectCode),
          schoolYear: String(req.params.schoolYear),
          term,
        });
        if (!exported) {
          res.status(404).json({ error: 'NOT_FOUND' });
          return;
        }
        res
          .status(200)
          .set({
            'Content-Type': XLSX_CONTENT_TYPE,
            'Content-Disposition': `attachment; filename="${exported.file.filename}"`,
            'Cache-Control': 'no-store',
          })
          .send(exported.buffer);
      } catch (error) {
        options.logger.error({ err: error, requestId: identity.requestId }, 'gradebook export failed');
        next(error);
      }
    });
  };
}
