import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as proto from './index';

// Golden fixtures: one JSON file per example, named `<SchemaName>.<case>.json`, per wire version. A schema change
// that breaks an old fixture is a breaking change and needs a new version beside the old one.
const dir = join(import.meta.dirname, '..', 'fixtures', 'v1');

describe('golden fixtures (v1)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('exist', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    it(`${file} parses with its schema and round-trips`, () => {
      const schemaName = file.split('.')[0]!;
      const schema = (proto as unknown as Record<string, z.ZodType>)[schemaName];
      expect(schema, `no schema named ${schemaName}`).toBeDefined();
      const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      const parsed = schema!.parse(json);
      expect(parsed).toEqual(json);
    });
  }
});
