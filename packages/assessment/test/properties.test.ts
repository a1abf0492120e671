import fc from 'fast-check';
import {
  award,
  conductYearResult,
  learningResult,
  LEVELS,
  termAverage,
  yearAverage,
  type Level,
  type SubjectYearResult,
} from '../src';

const rank = (level: Level) => ['CHUA_DAT', 'DAT', 'KHA', 'TOT'].indexOf(level);

/** A score 0.0-10.0 with one decimal, built from integer tenths. */
const scoreArb = fc.integer({ min: 0, max: 100 }).map((tenths) => tenths / 10);
/** Scores biased towards the range where the levels change, so every level shows up. */
const averageArb = fc.oneof(
  { weight: 1, arbitrary: scoreArb },
  { weight: 4, arbitrary: fc.integer({ min: 30, max: 100 }).map((tenths) => tenths / 10) },
);
const passArb = fc.constantFrom<'DAT' | 'CHUA_DAT'>('DAT', 'DAT', 'DAT', 'DAT', 'CHUA_DAT');
const levelArb = fc.constantFrom<Level>(...LEVELS);

const marksArb = fc.record({
  regular: fc.array(scoreArb, { minLength: 2, maxLength: 4 }),
  midterm: scoreArb,
  final: scoreArb,
});

const subjectArb: fc.Arbitrary<SubjectYearResult> = fc.oneof(
  { weight: 3, arbitrary: averageArb.map((average) => ({ kind: 'SCORE' as const, average })) },
  { weight: 1, arbitrary: passArb.map((result) => ({ kind: 'COMMENT' as const, result })) },
);
const subjectsArb = fc.array(subjectArb, { minLength: 1, maxLength: 14 });

/** Whether a string shows a number with at most one decimal. */
const oneDecimal = (value: number) => /^\d+(\.\d)?$/.test(String(value));

describe('properties', () => {
  it('a term average lies between the smallest and the largest mark and has one decimal', () => {
    fc.assert(
      fc.property(marksArb, (marks) => {
        const all = [...marks.regular, marks.midterm, marks.final];
        const average = termAverage(marks);
        expect(average).toBeGreaterThanOrEqual(Math.min(...all));
        expect(average).toBeLessThanOrEqual(Math.max(...all));
        expect(oneDecimal(average)).toBe(true);
      }),
    );
  });

  it('equal marks average to that mark', () => {
    fc.assert(
      fc.property(scoreArb, fc.integer({ min: 2, max: 4 }), (mark, count) => {
        expect(termAverage({ regular: Array(count).fill(mark), midterm: mark, final: mark })).toBe(mark);
      }),
    );
  });

  it('raising one mark never lowers the term average', () => {
    fc.assert(
      fc.property(marksArb, fc.nat(), fc.integer({ min: 1, max: 100 }), (marks, which, raiseTenths) => {
        const positions = marks.regular.length + 2;
        const position = which % positions;
        const raise = (mark: number) => Math.min(100, Math.round(mark * 10) + raiseTenths) / 10;
        const raised = {
          regular: marks.regular.map((mark, i) => (i === position ? raise(mark) : mark)),
          midterm: position === marks.regular.length ? raise(marks.midterm) : marks.midterm,
          final: position === marks.regular.length + 1 ? raise(marks.final) : marks.final,
        };
        expect(termAverage(raised)).toBeGreaterThanOrEqual(termAverage(marks));
      }),
    );
  });

  it('raising one mark never lowers the learning level (term result from marks)', () => {
    const subjectMarksArb = fc.array(
      fc.record({
        regular: fc.array(averageArb, { minLength: 2, maxLength: 4 }),
        midterm: averageArb,
        final: averageArb,
      }),
      { minLength: 6, maxLength: 10 },
    );
    fc.assert(
      fc.property(
        subjectMarksArb,
        fc.array(passArb, { maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 100 }),
        (subjects, comments, whichSubject, whichMark, raiseTenths) => {
          const level = (all: typeof subjects) =>
            learningResult([
              ...all.map((marks) => ({ kind: 'SCORE' as const, average: termAverage(marks) })),
              ...comments.map((result) => ({ kind: 'COMMENT' as const, result })),
            ]);
          const s = whichSubject % subjects.length;
          const target = subjects[s]!;
          const position = whichMark % (target.regular.length + 2);
          const raise = (mark: number) => Math.min(100, Math.round(mark * 10) + raiseTenths) / 10;
          const raisedMarks = {
            regular: target.regular.map((mark, i) => (i === position ? raise(mark) : mark)),
            midterm: position === target.regular.length ? raise(target.midterm) : target.midterm,
            final: position === target.regular.length + 1 ? raise(target.final) : target.final,
          };
          const raised = subjects.map((marks, i) => (i === s ? raisedMarks : marks));
          expect(rank(level(raised))).toBeGreaterThanOrEqual(rank(level(subjects)));
        },
      ),
    );
  });

  it('a year average lies between its two term averages', () => {
    fc.assert(
      fc.property(scoreArb, scoreArb, (term1, term2) => {
        const average = yearAverage(term1, term2);
        expect(average).toBeGreaterThanOrEqual(Math.min(term1, term2));
        expect(average).toBeLessThanOrEqual(Math.max(term1, term2));
        expect(oneDecimal(average)).toBe(true);
      }),
    );
  });

  it('learningResult is monotone: raising an average or passing a comment subject never lowers it', () => {
    fc.assert(
      fc.property(subjectsArb, fc.nat(), fc.integer({ min: 1, max: 100 }), (subjects, which, raiseTenths) => {
        const index = which % subjects.length;
        const improved = subjects.map((subject, i): SubjectYearResult => {
          if (i !== index) return subject;
          if (subject.kind === 'COMMENT') return { kind: 'COMMENT', result: 'DAT' };
          return {
            kind: 'SCORE',
            average: Math.min(100, Math.round(subject.average * 10) + raiseTenths) / 10,
          };
        });
        expect(rank(learningResult(improved))).toBeGreaterThanOrEqual(rank(learningResult(subjects)));
      }),
    );
  });

  it('the property generators reach every learning level', () => {
    const seen = new Set(fc.sample(subjectsArb, { numRuns: 2000, seed: 7 }).map((s) => learningResult(s)));
    expect([...seen].sort()).toEqual(['CHUA_DAT', 'DAT', 'KHA', 'TOT']);
  });

  it('conductYearResult is monotone in each term', () => {
    fc.assert(
      fc.property(levelArb, levelArb, levelArb, (term1, term2, other) => {
        const better = (a: Level, b: Level) => (rank(a) >= rank(b) ? a : b);
        // Improving term I (to the better of it and `other`) never lowers the year result; same for term II.
        expect(rank(conductYearResult(better(term1, other), term2))).toBeGreaterThanOrEqual(
          rank(conductYearResult(term1, term2)),
        );
        expect(rank(conductYearResult(term1, better(term2, other)))).toBeGreaterThanOrEqual(
          rank(conductYearResult(term1, term2)),
        );
      }),
    );
  });

  it('an award implies learning TỐT and conduct TỐT; TỐT/TỐT always gives one', () => {
    fc.assert(
      fc.property(levelArb, levelArb, subjectsArb, (learning, conduct, subjects) => {
        const result = award({ learning, conduct, subjects });
        if (result !== null) {
          expect(learning).toBe('TOT');
          expect(conduct).toBe('TOT');
        }
        if (learning === 'TOT' && conduct === 'TOT') expect(result).not.toBeNull();
      }),
    );
  });
});
