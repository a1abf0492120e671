/**
 * `npm run seed:demo -w @hocbaso/students`: loads the demo school year (six classes of forty
 * students) into the students database, once. The school comes from identity's demo seed:
 * DEMO_SCHOOL_ID (required), DEMO_SCHOOL_YEAR (default 2025-2026), DEMO_HOMEROOM_TEACHERS
 * (JSON: class name → account id).
 */
import { createLogger } from '@hocbaso/service-kit';
import { readSeedOptions, readStudentsConfig } from '../env';
import { createStudentsService } from '../server';
import { seedDemoStudents } from './demo-data';

async function main() {
  const config = readStudentsConfig();
  const options = readSeedOptions();
  const logger = createLogger({ service: 'students-seed', level: config.LOG_LEVEL });
  const service = await createStudentsService(config, logger);
  try {
    const result = await seedDemoStudents(service.deps, {
      schoolId: options.DEMO_SCHOOL_ID,
      schoolYear: options.DEMO_SCHOOL_YEAR,
      homeroomTeachers: options.DEMO_HOMEROOM_TEACHERS,
    });
    logger.info(
      {
        created: result.created,
        classes: Object.keys(result.classIds).length,
        students: result.studentIds.length,
      },
      result.created ? 'demo students loaded' : 'demo students already present',
    );
    // The class ids, for granting homeroom and teaching roles in identity.
    process.stdout.write(`${JSON.stringify({ classIds: result.classIds })}\n`);
  } finally {
    await service.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
