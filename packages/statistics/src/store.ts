import type { WriteLock } from '@hocbaso/service-kit';
import type { Collection, Db } from 'mongodb';
import { safeKeyPart, sumCounts, type Counts } from './cells';
import type { SchoolPlace } from './directory';

/**
 * What one part of a school's figures is: a student, a gradebook, a class… under a group (a
 * class), so that a change rewrites one part, one group and the school's totals, never a scan.
 */
/**
 * Every write of the markers takes this one lock: each is a read and a write of a group's marker
 * (FerretDB v1 applies no update atomically), and a part noted again meanwhile must not be lost.
 */
const MARKERS_LOCK = 'statistics-dirty';

export interface PartRef {
  schoolId: string;
  schoolYear: string;
  group: string;
  part: string;
}

interface GroupDocument {
  _id: string;
  schoolId: string;
  schoolYear: string;
  group: string;
  parts: Record<string, Counts>;
  totals: Counts;
}

interface SchoolDocument {
  _id: string;
  schoolId: string;
  schoolYear: string;
  groups: Record<string, Counts>;
}

interface SchoolTotalsDocument {
  _id: string;
  schoolId: string;
  schoolYear: string;
  totals: Counts;
  updatedAt: Date;
}

/** A part waiting to be recomputed, as the worker gets it; `gen` grows with each mark. */
export interface DirtyMarker {
  /** Its group's marker document. */
  _id: string;
  ref: PartRef;
  gen: number;
  markedAt: Date;
}

/**
 * The parts of one group (a class) waiting to be recomputed: one document per group, not per
 * part, so that the collection stays as small as the number of groups touched. On FerretDB v1
 * every update and delete reads the whole collection, even by `_id` (a province's 120,000
 * per-part markers made each delete take 14-23 s).
 */
export interface GroupMarkerDocument {
  _id: string;
  schoolId: string;
  schoolYear: string;
  group: string;
  parts: Array<{ part: string; gen: number }>;
  markedAt: Date;
}

/** A marker of the earlier shape, one per part: still read and cleared, never written. */
interface PartMarkerDocument {
  _id: string;
  ref: PartRef;
  gen: number;
  markedAt: Date;
}

type MarkerDocument = GroupMarkerDocument | PartMarkerDocument;

const isPartMarker = (doc: MarkerDocument): doc is PartMarkerDocument => 'ref' in doc;

interface PlaceDocument extends Omit<SchoolPlace, 'schoolId'> {
  _id: string;
}

const groupId = (r: Omit<PartRef, 'part'>) => `${r.schoolId}|${r.schoolYear}|${r.group}`;
const schoolDocId = (schoolId: string, schoolYear: string) => `${schoolId}|${schoolYear}`;

function sameCounts(a: Counts | undefined, b: Counts | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a![k] === b?.[k]);
}

/**
 * The statistics collections of one service's database (ADR 0012): parts by group, groups by
 * school, each school's totals, a version per school year that any change bumps (readers cache
 * by it), the parts waiting to be recomputed, and the directory of schools and their places.
 * Every write of a document goes through the service's WriteLock (ADR 0004).
 */
export class StatisticsStore {
  private readonly groups: Collection<GroupDocument>;
  private readonly schools: Collection<SchoolDocument>;
  private readonly schoolTotals: Collection<SchoolTotalsDocument>;
  private readonly versions: Collection<{ _id: string; version: number }>;
  private readonly dirtyMarkers: Collection<MarkerDocument>;
  private readonly places: Collection<PlaceDocument>;
  private placesCache: { at: number; places: SchoolPlace[] } | undefined;

  constructor(
    db: Db,
    private readonly writeLock: WriteLock,
    private readonly placesTtlMs = 10_000,
  ) {
    this.groups = db.collection('statistics_groups');
    this.schools = db.collection('statistics_schools');
    this.schoolTotals = db.collection('statistics_school_totals');
    this.versions = db.collection('statistics_versions');
    this.dirtyMarkers = db.collection('statistics_dirty');
    this.places = db.collection('statistics_school_places');
  }

  /** Replaces one part's figures (null: the part no longer counts) and rolls them up. Idempotent. */
  async setPart(ref: PartRef, counts: Counts | null): Promise<void> {
    await this.setParts(ref, [{ part: ref.part, counts }]);
  }

  /**
   * Replaces several parts of one group at once (one group write, one school write), and rolls
   * them up. Idempotent: every step is a replace, compared with what is stored.
   */
  async setParts(
    group: Omit<PartRef, 'part'>,
    parts: ReadonlyArray<{ part: string; counts: Counts | null }>,
  ): Promise<void> {
    const id = groupId(group);
    const groupTotals = await this.writeLock.run(`statistics:${id}`, async () => {
      const stored = await this.groups.findOne({ _id: id });
      const next = { ...(stored?.parts ?? {}) };
      for (const { part, counts } of parts) {
        if (counts && Object.keys(counts).length) next[safeKeyPart(part)] = counts;
        else delete next[safeKeyPart(part)];
      }
      // Parts that never counted and do not now (someone else's event): nothing to write.
      if (!stored && Object.keys(next).length === 0) return {};
      if (
        stored &&
        parts.every(({ part }) => sameCounts(stored.parts[safeKeyPart(part)], next[safeKeyPart(part)]))
      )
        return stored.totals;
      const totals = sumCounts(Object.values(next));
      await this.groups.replaceOne(
        { _id: id },
        { schoolId: group.schoolId, schoolYear: group.schoolYear, group: group.group, parts: next, totals },
        { upsert: true },
      );
      return totals;
    });
    // Always compared with the school's copy: a crash between the two writes is mended by the retry.
    const schoolId = schoolDocId(group.schoolId, group.schoolYear);
    const changed = await this.writeLock.run(`statistics:${schoolId}`, async () => {
      const school = await this.schools.findOne({ _id: schoolId });
      const groupKey = safeKeyPart(group.group);
      if (sameCounts(school?.groups[groupKey], groupTotals)) return false;
      const groups = { ...(school?.groups ?? {}) };
      if (Object.keys(groupTotals).length) groups[groupKey] = groupTotals;
      else delete groups[groupKey];
      await this.schools.replaceOne(
        { _id: schoolId },
        { schoolId: group.schoolId, schoolYear: group.schoolYear, groups },
        { upsert: true },
      );
      await this.schoolTotals.replaceOne(
        { _id: schoolId },
        {
          schoolId: group.schoolId,
          schoolYear: group.schoolYear,
          totals: sumCounts(Object.values(groups)),
          updatedAt: new Date(),
        },
        { upsert: true },
      );
      return true;
    });
    if (changed)
      await this.writeLock.run(`statistics-version:${group.schoolYear}`, () =>
        this.versions.updateOne({ _id: group.schoolYear }, { $inc: { version: 1 } }, { upsert: true }),
      );
  }

  /** Changes with every change of a school's totals in that year: what readers cache by. */
  async version(schoolYear: string): Promise<number> {
    return (await this.versions.findOne({ _id: schoolYear }))?.version ?? 0;
  }

  async totalsOf(schoolIds: readonly string[], schoolYear: string): Promise<Map<string, Counts>> {
    const totals = new Map<string, Counts>();
    // One read by _id each: FerretDB v1 indexes only _id, and a province has about a hundred schools.
    const found = await Promise.all(
      schoolIds.map((id) => this.schoolTotals.findOne({ _id: schoolDocId(id, schoolYear) })),
    );
    for (const doc of found) if (doc) totals.set(doc.schoolId, doc.totals);
    return totals;
  }

  /** Notes parts to recompute; a part noted again while being recomputed is recomputed again. */
  async markDirty(refs: readonly PartRef[]): Promise<void> {
    const byGroup = new Map<string, PartRef[]>();
    for (const ref of refs) byGroup.set(groupId(ref), [...(byGroup.get(groupId(ref)) ?? []), ref]);
    for (const [id, groupRefs] of byGroup)
      await this.writeLock.run(MARKERS_LOCK, async () => {
        const current = await this.dirtyMarkers.findOne({ _id: id });
        const parts = current && !isPartMarker(current) ? [...current.parts] : [];
        for (const { part } of groupRefs) {
          const at = parts.findIndex((p) => p.part === part);
          if (at >= 0) parts[at] = { part, gen: parts[at]!.gen + 1 };
          else parts.push({ part, gen: 1 });
        }
        const { schoolId, schoolYear, group } = groupRefs[0]!;
        const next: GroupMarkerDocument = {
          _id: id,
          schoolId,
          schoolYear,
          group,
          parts,
          markedAt: new Date(),
        };
        await this.dirtyMarkers.replaceOne({ _id: id }, next, { upsert: true });
      });
  }

  /** Parts waiting, whole groups at a time, about `limit` of them. */
  async dirty(limit: number): Promise<DirtyMarker[]> {
    const markers: DirtyMarker[] = [];
    for (const doc of await this.dirtyMarkers.find({}).limit(limit).toArray()) {
      if (markers.length >= limit) break;
      if (isPartMarker(doc))
        markers.push({ _id: doc._id, ref: doc.ref, gen: doc.gen, markedAt: doc.markedAt });
      else
        for (const { part, gen } of doc.parts)
          markers.push({
            _id: doc._id,
            ref: { schoolId: doc.schoolId, schoolYear: doc.schoolYear, group: doc.group, part },
            gen,
            markedAt: doc.markedAt,
          });
    }
    return markers;
  }

  /**
   * Removes the parts that were not marked again since they were read: per group, one read and
   * one write (or delete, when none is left) of its marker.
   */
  async clearDirty(markers: readonly DirtyMarker[]): Promise<void> {
    const done = new Map<string, Map<string, number>>();
    for (const m of markers) done.set(m._id, (done.get(m._id) ?? new Map()).set(m.ref.part, m.gen));
    for (const [id, parts] of done)
      await this.writeLock.run(MARKERS_LOCK, async () => {
        const current = await this.dirtyMarkers.findOne({ _id: id });
        if (!current) return;
        if (isPartMarker(current)) {
          if (parts.get(current.ref.part) === current.gen) await this.dirtyMarkers.deleteOne({ _id: id });
          return;
        }
        const remaining = current.parts.filter((p) => parts.get(p.part) !== p.gen);
        if (remaining.length === 0) await this.dirtyMarkers.deleteOne({ _id: id });
        else {
          const next: GroupMarkerDocument = { ...current, parts: remaining };
          await this.dirtyMarkers.replaceOne({ _id: id }, next);
        }
      });
  }

  /** Groups with parts waiting (0: everything is computed). */
  async pendingCount(): Promise<number> {
    return this.dirtyMarkers.countDocuments({});
  }

  /** Records where a school is (from identity's school events). */
  async placeSchool(place: SchoolPlace): Promise<void> {
    const { schoolId, ...rest } = place;
    await this.writeLock.run(`statistics-place:${schoolId}`, () =>
      this.places.replaceOne({ _id: schoolId }, rest, { upsert: true }),
    );
    this.placesCache = undefined;
  }

  /** Every school and its place; a few hundred documents, cached for a few seconds. */
  async schoolPlaces(): Promise<SchoolPlace[]> {
    if (this.placesCache && Date.now() - this.placesCache.at < this.placesTtlMs)
      return this.placesCache.places;
    const places = (await this.places.find({}).toArray()).map(({ _id, ...rest }) => ({
      schoolId: _id,
      ...rest,
    }));
    this.placesCache = { at: Date.now(), places };
    return places;
  }
}
