import { readFileSync } from 'node:fs';

/**
 * The faces the record book is printed in: DejaVu Serif from the npm package dejavu-fonts-ttf
 * (Bitstream Vera licence, DejaVu changes public domain: free to embed). Its glyphs cover every
 * Vietnamese letter with its tone mark, precomposed, so no system font and no network are needed.
 * The condensed faces fit the subject table's columns on A4.
 */
const FILES = {
  regular: 'DejaVuSerif.ttf',
  bold: 'DejaVuSerif-Bold.ttf',
  condensed: 'DejaVuSerifCondensed.ttf',
  condensedBold: 'DejaVuSerifCondensed-Bold.ttf',
} as const;

export type FontFace = keyof typeof FILES;

let loaded: Readonly<Record<FontFace, Buffer>> | null = null;

/** The font files, read once per process. */
export function fontFaces(): Readonly<Record<FontFace, Buffer>> {
  if (!loaded) {
    const read = (file: string) => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
    loaded = {
      regular: read(FILES.regular),
      bold: read(FILES.bold),
      condensed: read(FILES.condensed),
      condensedBold: read(FILES.condensedBold),
    };
  }
  return loaded;
}
