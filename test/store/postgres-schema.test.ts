// The shared store's schema against a real PostgreSQL: created under a version table, migrating
// again changes nothing and keeps the data, two processes starting at once both succeed (one
// migrates, the other finds it done), and a schema newer than the build is refused.
import { migrate, SCHEMA_VERSION, SchemaTooNewError } from '../../src/store/postgres-schema.js';
import { describePostgresUnreachable, TestSchema, whyPostgresUnreachable } from './postgres-fixture.js';

const unreachable = await whyPostgresUnreachable();

if (unreachable) {
  describePostgresUnreachable('PostgreSQL store schema', unreachable);
} else {
  describe('PostgreSQL store schema', () => {
    let schema: TestSchema;
    beforeAll(async () => {
      schema = await TestSchema.create('postgres_schema');
    });
    afterAll(async () => schema?.drop());

    const columnsOf = async (table: string): Promise<string[]> => {
      const { rows } = await schema.pool().query<{ c: string }>(
        `select column_name || ' ' || data_type || ' ' || is_nullable as c from information_schema.columns
         where table_schema = $1 and table_name = $2 order by ordinal_position`,
        [schema.name, table],
      );
      return rows.map((r) => r.c);
    };
    const versions = async (): Promise<number[]> =>
      (await schema.pool().query<{ version: number }>('select version from exstate_schema_version order by version')).rows.map((r) => r.version);

    test('two processes migrating a fresh database at once both succeed, and it is migrated once', async () => {
      await schema.recreate();
      // Separate pools: separate sessions, as two hosts starting together would have.
      const results = await Promise.all([1, 2, 3, 4].map((i) => migrate(schema.pool(`starter${i}`))));
      expect(results).toEqual([SCHEMA_VERSION, SCHEMA_VERSION, SCHEMA_VERSION, SCHEMA_VERSION]);
      expect(await versions()).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
    });

    test('creates the tables with the documented columns', async () => {
      await schema.recreate();
      await migrate(schema.pool());
      expect(await columnsOf('exstate_kv')).toEqual([
        'account text NO',
        'key text NO',
        'value jsonb NO',
        'updated_at timestamp with time zone NO',
        'epoch bigint NO',
      ]);
      expect(await columnsOf('exstate_lease')).toEqual([
        'account text NO',
        'owner text NO',
        'epoch bigint NO',
        'expires_at timestamp with time zone NO',
        'renewed_at timestamp with time zone NO',
        'status_url text YES',
        'mode text YES',
        'ready boolean YES',
      ]);
      expect(await columnsOf('exstate_journal')).toEqual([
        'account text NO',
        'seq bigint NO',
        'epoch bigint NO',
        'at timestamp with time zone NO',
        'record jsonb NO',
      ]);
      const { rows } = await schema.pool().query(
        `select 1 from information_schema.table_constraints where table_schema = $1 and table_name = 'exstate_kv' and constraint_type = 'PRIMARY KEY'`,
        [schema.name],
      );
      expect(rows).toHaveLength(1);
    });

    test('migrating again is a no-op that keeps the data', async () => {
      await schema.recreate();
      const pool = schema.pool();
      await migrate(pool);
      await pool.query(`insert into exstate_kv values ('acct', 'ctx:a', '{"v":1}', now(), 1)`);
      const before = await versions();
      expect(await migrate(pool)).toBe(SCHEMA_VERSION);
      expect(await migrate(pool)).toBe(SCHEMA_VERSION);
      expect(await versions()).toEqual(before);
      expect((await pool.query('select value from exstate_kv')).rows).toEqual([{ value: { v: 1 } }]);
    });

    test('a schema newer than this build is refused, and nothing is changed', async () => {
      await schema.recreate();
      const pool = schema.pool();
      await migrate(pool);
      await pool.query('insert into exstate_schema_version values ($1, now())', [SCHEMA_VERSION + 1]);
      await expect(migrate(pool)).rejects.toBeInstanceOf(SchemaTooNewError);
      expect(await versions()).toEqual([...Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1), SCHEMA_VERSION + 1]);
    });
  });
}
