// Test helper: prints, as JSON, the text of every page of the PDF read on stdin as PDF.js (Mozilla's
// parser) extracts it, without its Unicode normalisation. A child process, because PDF.js is an
// ES module that jest's CommonJS runtime cannot load.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), verbosity: 0 }).promise;
const pages = [];
for (let n = 1; n <= pdf.numPages; n += 1) {
  const page = await pdf.getPage(n);
  const content = await page.getTextContent({ disableNormalization: true });
  pages.push(
    content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''),
  );
}
process.stdout.write(JSON.stringify(pages));
