/**
 * Vietnamese text as stored: Unicode NFC (one code point per accented letter, as the Ministry's
 * systems expect; text typed on some keyboards or pasted from macOS arrives decomposed, NFD),
 * trimmed, with single spaces.
 */
export function normalizeText(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** A person's full name (họ và tên): letters, spaces, apostrophes and hyphens only. */
const PERSON_NAME = /^[\p{L}\p{M}]+(?:[ '-][\p{L}\p{M}]+)*$/u;

export function isPlausibleFullName(normalized: string): boolean {
  return normalized.length >= 2 && normalized.length <= 100 && PERSON_NAME.test(normalized);
}

const collator = new Intl.Collator('vi', { sensitivity: 'base' });

/** The given name (tên): the last word of the full name. */
export function givenNameOf(fullName: string): string {
  return fullName.split(' ').at(-1) ?? fullName;
}

/**
 * Vietnamese class lists are ordered by given name, then by the whole name
 * ("Trần Văn An" before "Lê Thị Bình").
 */
export function compareVietnameseNames(a: string, b: string): number {
  return collator.compare(givenNameOf(a), givenNameOf(b)) || collator.compare(a, b);
}
