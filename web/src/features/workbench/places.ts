// What each entry place can do, and what a new entry looks like.
import type { Json } from '../../shared/patch';
import { isPythonIdentifier } from '../../shared/format';

export type EntryKind = 'pipelines' | 'operations' | 'architectures' | 'artifacts';

export interface PlaceSpec {
  singular: string;
  /** Set when the place can create entries. */
  create?: {
    /** true: the name is the map key (operations); false: a random id is. */
    nameIsKey: boolean;
    validate?: (name: string, taken: Record<string, unknown>) => string | null;
    value: (name: string) => Json;
  };
  rename: boolean;
  remove: boolean;
}

export function operationCode(name: string): string {
  return `class ${name}:\n    def __init__(self):\n        pass\n\n    def execute(self):\n        print("${name} is running!")\n`;
}

export const PLACE_SPECS: Record<EntryKind, PlaceSpec> = {
  pipelines: {
    singular: 'pipeline',
    create: { nameIsKey: false, value: (name) => ({ name, nodes: {}, connections: {} }) },
    rename: true,
    remove: true,
  },
  architectures: {
    singular: 'architecture',
    create: {
      nameIsKey: false,
      value: (name) => ({
        name,
        layers: { in: { type: 'Input', arguments: { shape: [1, 28, 28] } }, out: { type: 'Output', arguments: {} } },
        connections: {},
      }),
    },
    rename: true,
    remove: true,
  },
  operations: {
    singular: 'operation',
    create: {
      nameIsKey: true,
      validate: (name, taken) =>
        !isPythonIdentifier(name)
          ? 'An operation name must be a Python identifier (letters, digits, _; not starting with a digit)'
          : name in taken
            ? `An operation named ${name} exists`
            : null,
      value: (name) => ({ code: operationCode(name), requirements: [] }),
    },
    rename: false,
    remove: true,
  },
  artifacts: { singular: 'artifact', rename: false, remove: false },
};

/** What a list shows for an entry: its `name` field, else its key. */
export function entryLabel(id: string, entry: Record<string, Json> | undefined): string {
  const name = entry?.name;
  return typeof name === 'string' && name ? name : id;
}
