import type { GradebookLine as Line, GradebookView } from '../usecases/read-gradebook';
import type { TermMarksSource } from './term-marks.resolver';

type LineSource = Line & { stt: number; view: GradebookView };

export const Gradebook = {
  class: (view: GradebookView) => ({ id: view.classId }),
  subject: (view: GradebookView) => view.rules,
  lines: (view: GradebookView): LineSource[] => view.lines.map((line, i) => ({ ...line, stt: i + 1, view })),
};

export const GradebookLine = {
  student: (line: LineSource) => ({ id: line.studentId }),
  marks: (line: LineSource): TermMarksSource => ({
    entry: line.entry,
    kind: line.view.rules.subject.kind,
    regularCount: line.view.rules.regularCount,
    result: line.result,
  }),
};
