import { describe, expect, it } from 'vitest';
import { rewrite, selectColumnNames } from '../../src/serve/sql/dialect.js';
import { tokenize } from '../../src/serve/sql/tokenizer.js';
import { expectError, records, rows, threeMembers } from './helpers.js';

describe('tokenizer', () => {
  it('decodes strings and backtick names, keeps sysvar scopes, drops comments but runs versioned ones', () => {
    const t = tokenize("SELECT 'it''s\\n', \"a\\\"b\", `we``ird`, @@GLOBAL.read_only, @x /* c */ -- d\n /*!80000 , 1 */ # e");
    expect(t.map((x) => [x.kind, x.text])).toEqual([
      ['ident', 'SELECT'], ['string', "it's\n"], ['punct', ','], ['string', 'a"b'], ['punct', ','], ['quoted', 'we`ird'], ['punct', ','],
      ['sysvar', 'read_only'], ['punct', ','], ['uservar', 'x'], ['punct', ','], ['number', '1'],
    ]);
    expect(t[7]!.scope).toBe('global');
  });
});

describe('dialect rewrite', () => {
  const sql = (s: string, database: string | null = null): string => { const t = tokenize(s); return rewrite(t, 0, t.length, { database }); };

  it('translates MySQL spellings SQLite reads differently', () => {
    expect(sql("SELECT IF(a, 'y', 'n')")).toBe("SELECT iif ( a , 'y' , 'n' )");
    expect(sql('SELECT CONCAT(a, b)')).toBe('SELECT ((a) || (b))');
    expect(sql('SELECT a / 2')).toBe('SELECT a * 1.0 / 2');
    expect(sql('SELECT a || b && c')).toBe('SELECT a OR b AND c');
    expect(sql('SELECT @@port')).toBe("SELECT __sysvar('port', '')");
    expect(sql("SELECT GROUP_CONCAT(x ORDER BY x SEPARATOR ';')")).toBe("SELECT group_concat(x, ';' ORDER BY x)");
    expect(sql('SELECT CAST(u AS binary), CAST(n AS UNSIGNED)')).toBe('SELECT CAST(u AS BLOB) , CAST(n AS INTEGER)');
    expect(sql('SELECT 1 FROM DUAL')).toBe('SELECT 1');
  });

  it('qualifies unqualified table names with the current database, not columns, CTEs or qualified names', () => {
    expect(sql('SELECT t.a FROM t JOIN u ON t.a = u.a, v WHERE a IN (SELECT b FROM w)', 'app'))
      .toBe('SELECT t . a FROM "app"."t" JOIN "app"."u" ON t . a = u . a , "app"."v" WHERE a IN ( SELECT b FROM "app"."w" )');
    expect(sql('SELECT * FROM performance_schema.replication_group_members', 'app')).toBe('SELECT * FROM "performance_schema" . replication_group_members');
    expect(sql('WITH c AS (SELECT 1 x) SELECT x FROM c', 'app')).toBe('WITH c AS ( SELECT 1 x ) SELECT x FROM "c"');
  });

  it('names result columns as MySQL does: alias, column name as written, or expression text', () => {
    const names = (s: string): string[] | null => selectColumnNames(s, tokenize(s));
    expect(names("SELECT member_id, rgms.MEMBER_HOST, COUNT(*), @@port p, 1 + 1 AS `two`, 'x' AS 'y', IF(a,1,2) FROM t")).toEqual([
      'member_id', 'MEMBER_HOST', 'COUNT(*)', 'p', 'two', 'y', 'IF(a,1,2)',
    ]);
    expect(names('SELECT * FROM t')).toBeNull();
    expect(names('SELECT CASE WHEN a THEN 1 END, a IS NULL FROM t')).toEqual(['CASE WHEN a THEN 1 END', 'a IS NULL']);
  });
});

describe('answers and errors', () => {
  it('evaluates MySQL functions and user variables as MySQL does', async () => {
    const { engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    expect(rows(s.execute("SELECT 3/2, CONCAT('a', NULL), CONCAT('a', 1), IF(0, 'y', 'n'), 7 DIV 2, 7 MOD 2, NULL <=> NULL")).rows).toEqual([
      ['1.5', null, 'a1', 'n', '3', '1', '1'],
    ]);
    expect(s.execute("SET @who = CONCAT('me', '!'), @n := 4").kind).toBe('ok');
    expect(records(s.execute('SELECT @who, @n + 1 AS n1, @unset'))).toEqual([{ '@who': 'me!', n1: '5', '@unset': null }]);
    expect(s.execute('SET NAMES utf8mb4').kind).toBe('ok');
    expect(records(s.execute('SELECT @@character_set_client, @@global.character_set_client'))).toEqual([
      { '@@character_set_client': 'utf8mb4', '@@global.character_set_client': 'utf8mb4' },
    ]);
    expect(s.execute('SET autocommit = 0').kind).toBe('ok');
    expect(records(s.execute('SELECT @@autocommit, @@session.autocommit, @@global.autocommit'))).toEqual([
      { '@@autocommit': '0', '@@session.autocommit': '0', '@@global.autocommit': '1' },
    ]);
    expect(records(s.execute("SELECT GROUP_CONCAT(member_port SEPARATOR '|') g FROM performance_schema.replication_group_members"))).toEqual([{ g: '3306|3306|3306' }]);
    expect(records(s.execute('SELECT DATABASE() d, VERSION() v'))).toEqual([{ d: null, v: '8.0.21' }]);
    const other = engine.openSession('a', 'root', null);
    expect(records(s.execute('SELECT CONNECTION_ID() id'))[0]!.id).not.toBe(records(other.execute('SELECT CONNECTION_ID() id'))[0]!.id);
    expect(rows(s.execute('SELECT @@version_comment LIMIT 1')).columns.map((c) => c.name)).toEqual(['@@version_comment']);
    expect(rows(s.execute('SHOW WARNINGS')).rows).toEqual([]);
    // LIKE escapes with a backslash, as in MySQL: group\_replication matches only the underscore.
    const like = records(s.execute("SHOW GLOBAL VARIABLES LIKE 'group\\_replication\\_member\\_weight'"));
    expect(like).toEqual([{ Variable_name: 'group_replication_member_weight', Value: '50' }]);
    expect(records(s.execute("SELECT COUNT(*) n FROM performance_schema.global_variables WHERE variable_name LIKE 'read\\_only'"))).toEqual([{ n: '1' }]);
    expect(records(s.execute("SELECT 'a_b' LIKE 'a\\_b' AS x, 'axb' LIKE 'a\\_b' AS y"))).toEqual([{ x: '1', y: '0' }]);
  });

  it('gives MySQL errors: 1064 syntax, 1146 unknown table, 1046 no database, 1049 unknown database, 1065 empty', async () => {
    const { engine } = await threeMembers();
    const s = engine.openSession('a', 'root', null);
    expectError(s.execute('SELECT FROM WHERE'), 1064, '42000');
    expectError(s.execute('SELEC 1'), 1064, '42000');
    expectError(s.execute("SELECT 'unterminated"), 1064, '42000');
    expectError(s.execute('SELECT 1; SELECT 2'), 1064, '42000'); // multi-statements are off
    expectError(s.execute('SELECT * FROM performance_schema.no_such_table'), 1146, '42S02');
    expectError(s.execute('SELECT * FROM t'), 1046, '3D000');
    expectError(s.execute('USE nowhere'), 1049, '42000');
    expectError(s.execute('SELECT no_such_column FROM performance_schema.replication_group_members'), 1054, '42S22');
    expectError(s.execute('  ;'), 1065, '42000');
    expectError(s.initDb('nowhere'), 1049, '42000'); // COM_INIT_DB
    expect(records(engine.openSession('a', 'root', 'performance_schema').execute('SELECT COUNT(*) n FROM replication_group_members'))).toEqual([{ n: '3' }]);
    expectError(engine.openSession('a', 'root', 'nowhere').execute('SELECT * FROM t'), 1046, '3D000');
  });

  it('answers what it cannot with ER_NOT_SUPPORTED_YET, logs it, and never hangs', async () => {
    const { engine } = await threeMembers();
    const s = engine.openSession('b', 'root', null);
    const unsupported = [
      'LOCK TABLES t READ',
      'SELECT SOUNDEX_NO_SUCH_FN(1)',
      'SHOW ENGINES',
      'SET GLOBAL super_read_only = OFF',
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c',
      'INSERT INTO performance_schema.replication_group_members VALUES (1)',
      'INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1',
      'TABLE performance_schema.replication_group_members',
      'WITH x AS (SELECT 1) DELETE FROM t',
      'SELECT @@port INTO @p',
    ];
    for (const q of unsupported) expectError(s.execute(q), 1235, '42000');
    expect(engine.log.map((l) => [l.member, l.sql, l.code])).toEqual(unsupported.map((q) => ['b', q, 1235]));
  });
});
