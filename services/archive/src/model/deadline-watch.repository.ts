import { safeKeyPart } from '@hocbaso/statistics';
import { documentLockKey, type WriteLock } from '@hocbaso/service-kit';
import type { DeadlineWatchDocument, DeadlineWatchModel, WatchedGroup } from './deadline-watch.model';

const groupKey = (g: WatchedGroup) => safeKeyPart(`${g.schoolId}|${g.schoolYear}|${g.classId}`);

/**
 * The only code that touches `statistics_deadline_watch`. Every write is a read-modify-write of one
 * deadline's document under the service's WriteLock (ADR 0004).
 */
export class DeadlineWatchRepository {
  constructor(
    private readonly model: DeadlineWatchModel,
    private readonly lock: WriteLock,
  ) {}

  private lockKey(id: string) {
    return documentLockKey(this.model.collection.name, id);
  }

  /** Notes that the group has a student due until `deadline` (a read when it is already noted). */
  async watch(deadline: Date, group: WatchedGroup): Promise<void> {
    const id = deadline.toISOString();
    const key = groupKey(group);
    await this.lock.run(this.lockKey(id), async () => {
      const current = await this.model.findById(id).lean<DeadlineWatchDocument>().exec();
      if (current?.groups[key]) return;
      await this.model
        .replaceOne(
          { _id: id },
          { deadline, groups: { ...(current?.groups ?? {}), [key]: group } },
          { upsert: true },
        )
        .exec();
    });
  }

  /**
   * For each deadline passed by `now`: hands its groups to `fire`, then forgets them (those noted
   * again meanwhile stay, and fire at the next run). A failing `fire` keeps the document.
   */
  async firePassed(now: Date, fire: (groups: WatchedGroup[]) => Promise<void>): Promise<number> {
    const passed = await this.model
      .find({ deadline: { $lte: now } }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    let fired = 0;
    for (const { _id } of passed) {
      await this.lock.run(this.lockKey(_id), async () => {
        const current = await this.model.findById(_id).lean<DeadlineWatchDocument>().exec();
        if (!current) return;
        const groups = Object.values(current.groups);
        await fire(groups);
        fired += groups.length;
        await this.model.deleteOne({ _id }).exec();
      });
    }
    return fired;
  }
}
