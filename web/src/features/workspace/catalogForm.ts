// The arguments of a loss or optimizer as form fields: each starts at its default from the training catalog and
// is parsed back by its type (the architecture editor's parser); only the arguments changed from their default are sent.
import type { CatalogEntry } from '../../shared/api';
import type { Json } from '../../shared/patch';
import { formatArgument, parseArgument } from '../architecture/model';

/** Field text per argument name. */
export type ArgumentTexts = Record<string, string>;

/** The fields of an entry, each showing its default (empty where the argument has none). */
export function defaultTexts(entry: CatalogEntry | undefined): ArgumentTexts {
  const out: ArgumentTexts = {};
  for (const a of entry?.arguments ?? []) out[a.name] = a.default === undefined || a.default === null ? '' : formatArgument(a.type, a.default);
  return out;
}

export type ParsedArguments = { arguments: Record<string, Json>; errors?: undefined } | { errors: Record<string, string>; arguments?: undefined };

/**
 * The arguments to send: those whose text differs from their default, parsed by type. A required argument (one
 * without a default, unless the catalog says) must be given; a field that does not parse says what it wants.
 */
export function parseTexts(entry: CatalogEntry, texts: ArgumentTexts): ParsedArguments {
  const defaults = defaultTexts(entry);
  const args: Record<string, Json> = {};
  const errors: Record<string, string> = {};
  for (const a of entry.arguments) {
    const text = (texts[a.name] ?? defaults[a.name]).trim();
    const required = a.required ?? a.default === undefined;
    if (text === defaults[a.name].trim() && !(required && text === '')) continue;
    if (text === '') {
      if (required) errors[a.name] = `${entry.name} needs ${a.name}`;
      continue;
    }
    const parsed = parseArgument(a.type, text);
    if (parsed.error !== undefined) errors[a.name] = `${a.name} must be ${parsed.error}`;
    else if (parsed.value !== undefined) args[a.name] = parsed.value;
  }
  return Object.keys(errors).length ? { errors } : { arguments: args };
}
