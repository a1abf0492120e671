import { correctionApplyRequested, type CloudEvent, type EventData } from '@hocbaso/events';
import { applyCorrection } from '../usecases/apply-correction';
import type { AcademicsDeps } from '../usecases/deps';

/** The admin applies an approved correction (R8): academics changes exactly those values and answers. */
export function onCorrectionApplyRequested(deps: AcademicsDeps) {
  return async (event: CloudEvent): Promise<void> => {
    await applyCorrection(deps, event.data as EventData<typeof correctionApplyRequested>);
  };
}
