import { describe, expect, it } from 'vitest';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { createSimulation } from '../../src/index.js';
import { serve } from '../../src/serve/serve.js';
import { createStatementEngine, loadSqlEngine } from '../../src/serve/sql/engine.js';
import type { StatementOutcome } from '../../src/serve/statement-engine.js';
import { cleanupAfterEach, MARIADB, rejection, runProcess } from './serve-harness.js';

/**
 * The string, number and time functions health-check scripts use, TIMESTAMPDIFF/TIMESTAMPADD,
 * stored-function calls and information_schema, as MySQL 8.0 answers them (docs/serve-sql.md).
 * Expected values are the examples of the MySQL 8.0 Reference Manual
 * (https://dev.mysql.com/doc/refman/8.0/en/string-functions.html, …/date-and-time-functions.html,
 * …/comparison-operators.html) where it gives one.
 */

async function session(database: string | null = null, version?: '8.0.20' | '8.4') {
  await loadSqlEngine();
  const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'], ...(version === undefined ? {} : { version }) });
  sim.runFor('10s');
  const engine = createStatementEngine(sim);
  return { sim, engine, s: engine.openSession('node1', 'root', database) };
}

/** The single row of a result, as text. */
function row(o: StatementOutcome): readonly (string | null)[] {
  if (o.kind !== 'rows') throw new Error(`expected rows, got ${JSON.stringify(o)}`);
  expect(o.rows).toHaveLength(1);
  return o.rows[0]!;
}

function error(o: StatementOutcome): string {
  if (o.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(o)}`);
  return `${o.code} (${o.sqlState}): ${o.message}`;
}

describe('string functions', () => {
  it('answer the manual\'s examples', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT LEFT('foobarbar', 5), RIGHT('foobarbar', 4), LPAD('hi', 4, '??'), LPAD('hi', 1, '??'), RPAD('hi', 5, '?'), RPAD('hi', 1, '?')")))
      .toEqual(['fooba', 'rbar', '??hi', 'h', 'hi???', 'h']);
    expect(row(s.execute("SELECT SUBSTRING_INDEX('www.mysql.com', '.', 2), SUBSTRING_INDEX('www.mysql.com', '.', -2), REPLACE('www.mysql.com', 'w', 'Ww')")))
      .toEqual(['www.mysql', 'mysql.com', 'WwWwWw.mysql.com']);
    expect(row(s.execute("SELECT LOCATE('bar', 'foobarbar'), LOCATE('xbar', 'foobar'), LOCATE('bar', 'foobarbar', 5), INSTR('foobarbar', 'bar'), INSTR('xbar', 'foobar')")))
      .toEqual(['4', '0', '7', '4', '0']);
    expect(row(s.execute("SELECT REPEAT('MySQL', 3), LENGTH('text'), GREATEST(2, 0), GREATEST('B', 'A', 'C'), LEAST(2, 0), LEAST('B', 'A', 'C')")))
      .toEqual(['MySQLMySQLMySQL', '4', '2', 'C', '0', 'A']);
  });

  it('TRIM, SUBSTRING and POSITION in their keyword forms answer the manual\'s examples', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT TRIM('  bar   '), TRIM(LEADING 'x' FROM 'xxxbarxxx'), TRIM(BOTH 'x' FROM 'xxxbarxxx'), TRIM(TRAILING 'xyz' FROM 'barxxyz'), TRIM(LEADING FROM '  a '), TRIM(NULL FROM 'a')")))
      .toEqual(['bar', 'barxxx', 'bar', 'barx', 'a ', null]);
    expect(row(s.execute("SELECT SUBSTRING('Quadratically',5), SUBSTRING('foobarbar' FROM 4), SUBSTRING('Quadratically',5,6), SUBSTRING('Sakila', -3), SUBSTRING('Sakila', -5, 3), SUBSTRING('Sakila' FROM -4 FOR 2), SUBSTRING('abc', 0), MID('abc', 2, 1)")))
      .toEqual(['ratically', 'barbar', 'ratica', 'ila', 'aki', 'ki', '', 'b']);
    expect(row(s.execute("SELECT POSITION('bar' IN 'foobarbar'), LTRIM('  barbar'), RTRIM('barbar   ')"))).toEqual(['4', 'barbar', 'barbar']);
    expect(error(s.execute("SELECT TRIM(LEADING 'x')"))).toMatch(/^1064 /);
    expect(error(s.execute("SELECT LTRIM('a', 'b')"))).toBe("1582 (42000): Incorrect parameter count in the call to native function 'LTRIM'");
  });

  it('are NULL when an argument is NULL, and follow MySQL at the edges', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT LEFT(NULL, 1), RIGHT('a', NULL), LPAD('a', 3, NULL), SUBSTRING_INDEX(NULL, '.', 1), REPLACE('a', NULL, 'b'), GREATEST(1, NULL), LEAST(NULL, 1), LOCATE(NULL, 'a'), UNIX_TIMESTAMP(NULL), TIMESTAMPDIFF(SECOND, NULL, NOW())")))
      .toEqual([null, null, null, null, null, null, null, null, null, null]);
    // LEFT/RIGHT of a non-positive length are empty; LPAD of a negative length, or one that needs an empty pad, is NULL.
    expect(row(s.execute("SELECT LEFT('abc', 0), RIGHT('abc', -1), LPAD('abc', -1, 'x'), LPAD('a', 3, ''), LPAD('abc', 2, '')"))).toEqual(['', '', null, null, 'ab']);
    // LENGTH counts bytes, CHAR_LENGTH characters; LOCATE and INSTR compare as the default collation does (case-insensitively), REPLACE case-sensitively.
    expect(row(s.execute("SELECT LENGTH('é'), CHAR_LENGTH('é'), LOCATE('B', 'abc'), INSTR('ABC', 'c'), REPLACE('aA', 'a', 'x'), SUBSTRING_INDEX('host:3306', ':', 1)")))
      .toEqual(['2', '1', '2', '3', 'xA', 'host']);
    expect(row(s.execute("SELECT COALESCE(7), CONCAT_WS(',', 'a', NULL, 'b'), IFNULL(NULL, 'x')"))).toEqual(['7', 'a,b', 'x']);
    // Built text is bounded (MySQL: max_allowed_packet): past the bound the result is NULL, not a statement that eats the memory.
    expect(row(s.execute("SELECT LPAD('a', 2000000, 'x') IS NULL, REPEAT('ab', 600000) IS NULL, LENGTH(RPAD('a', 1048576, 'xy'))"))).toEqual(['1', '1', '1048576']);
    // A mix of numbers and strings compares as strings; text case-insensitively.
    expect(row(s.execute("SELECT GREATEST(10, '9'), LEAST(10, '9'), GREATEST('a', 'B'), LEAST(1.5, 2)"))).toEqual(['9', '10', 'B', '1.5']);
  });
});

describe('time functions on the member\'s virtual clock', () => {
  it('UNIX_TIMESTAMP() and TIMESTAMPDIFF(…, NOW()) follow virtual time, not the wall clock', async () => {
    const { sim, s } = await session();
    const now = (): number => Math.floor((sim.startEpochUs + sim.nowUs) / 1e6);
    expect(row(s.execute('SELECT UNIX_TIMESTAMP()'))).toEqual([String(now())]);
    const since2024 = now() - Date.UTC(2024, 0, 1) / 1000;
    expect(row(s.execute("SELECT TIMESTAMPDIFF(SECOND, '2024-01-01', NOW())"))).toEqual([String(since2024)]);
    sim.runFor('90s');
    expect(row(s.execute("SELECT UNIX_TIMESTAMP(), TIMESTAMPDIFF(SECOND,'2024-01-01',NOW()), TIMESTAMPDIFF(MINUTE, '2024-01-01', NOW())")))
      .toEqual([String(now()), String(since2024 + 90), String(Math.floor((since2024 + 90) / 60))]);
    expect(row(s.execute("SELECT UNIX_TIMESTAMP(NOW()) = UNIX_TIMESTAMP(), TIMESTAMPADD(SECOND, 1, NOW()) > NOW()"))).toEqual(['1', '1']);
  });

  it('TIMESTAMPDIFF and TIMESTAMPADD take every unit and answer the manual\'s examples', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT TIMESTAMPDIFF(MONTH,'2003-02-01','2003-05-01'), TIMESTAMPDIFF(YEAR,'2002-05-01','2001-01-01'), TIMESTAMPDIFF(MINUTE,'2003-02-01','2003-05-01 12:05:55')")))
      .toEqual(['3', '-1', '128885']);
    expect(row(s.execute("SELECT TIMESTAMPADD(MINUTE, 1, '2003-01-02'), TIMESTAMPADD(WEEK, 1, '2003-01-02')"))).toEqual(['2003-01-02 00:01:00', '2003-01-09']);
    // A month counts once the later day and time reach the earlier's; adding months keeps the day, clamped to the month's last.
    expect(row(s.execute("SELECT TIMESTAMPDIFF(MONTH, '2024-01-31', '2024-02-29'), TIMESTAMPDIFF(YEAR, '2000-02-29', '2024-02-28'), TIMESTAMPDIFF(DAY, '2024-01-02', '2024-01-01 12:00:00'), TIMESTAMPADD(MONTH, 1, '2024-01-31')")))
      .toEqual(['0', '23', '0', '2024-02-29']);
    expect(row(s.execute("SELECT TIMESTAMPDIFF(MICROSECOND, '2024-01-01', '2024-01-01 00:00:01.5'), TIMESTAMPDIFF(HOUR, '2024-01-01', '2024-01-02'), TIMESTAMPDIFF(WEEK, '2024-01-01', '2024-01-15'), TIMESTAMPDIFF(QUARTER, '2024-01-01', '2024-12-31'), TIMESTAMPDIFF(SQL_TSI_DAY, '2024-01-01', '2024-01-03')")))
      .toEqual(['1500000', '24', '2', '3', '2']);
    expect(row(s.execute("SELECT UNIX_TIMESTAMP('2015-11-13 10:20:19'), UNIX_TIMESTAMP('2015-11-13 10:20:19.012'), UNIX_TIMESTAMP('not a date')")))
      .toEqual([String(Date.UTC(2015, 10, 13, 10, 20, 19) / 1000), `${Date.UTC(2015, 10, 13, 10, 20, 19) / 1000}.012`, null]);
  });
});

describe('CURDATE, CURTIME and DATE_FORMAT', () => {
  it('CURDATE(), CURRENT_DATE, CURTIME([fsp]), CURRENT_TIME read the member\'s virtual clock, not the wall clock (SQLite\'s own CURRENT_DATE would)', async () => {
    const { sim, s } = await session();
    sim.runFor(123_456);
    const now = new Date(Math.floor((sim.startEpochUs + sim.nowUs) / 1000)).toISOString();
    const [date, time] = [now.slice(0, 10), now.slice(11, 19)];
    expect(date).not.toBe(new Date().toISOString().slice(0, 10));
    expect(row(s.execute('SELECT CURDATE(), CURRENT_DATE, CURRENT_DATE(), UTC_DATE, CURTIME(), CURRENT_TIME, CURTIME(3), CURRENT_TIME(6)')))
      .toEqual([date, date, date, date, time, time, `${time}.123`, `${time}.123456`]);
    expect(row(s.execute("SELECT DATE_FORMAT(NOW(), '%Y-%m-%d') = CURDATE(), DATE_FORMAT(NOW(6), '%T.%f') = CURTIME(6)"))).toEqual(['1', '1']);
    expect(error(s.execute('SELECT CURTIME(7)'))).toBe("1426 (42000): Too-big precision 7 specified for 'curtime'. Maximum is 6.");
    expect(error(s.execute('SELECT CURDATE(1)'))).toMatch(/^1064 /);
  });

  it('DATE_FORMAT with an empty format is NULL, as Item_func_date_format::val_str answers', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT DATE_FORMAT('2024-03-05', ''), DATE_FORMAT('2024-03-05', NULL), DATE_FORMAT('2024-03-05', ' ')"))).toEqual([null, null, ' ']);
  });

  it('DATE_FORMAT answers the manual\'s examples and every specifier make_date_time knows', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT DATE_FORMAT('2009-10-04 22:23:00', '%W %M %Y'), DATE_FORMAT('2007-10-04 22:23:00', '%H:%i:%s'), DATE_FORMAT('1900-10-04 22:23:00', '%D %y %a %d %m %b %j'), DATE_FORMAT('1997-10-04 22:23:00', '%H %k %I %r %T %S %w'), DATE_FORMAT('1999-01-01', '%X %V')")))
      .toEqual(['Sunday October 2009', '22:23:00', '4th 00 Thu 04 10 Oct 277', '22 22 10 10:23:00 PM 22:23:00 00 6', '1998 52']);
    // Unpadded forms, fractions, 12-hour clock, ordinal suffixes; a date alone is at midnight.
    expect(row(s.execute("SELECT DATE_FORMAT('2024-03-05 07:08:09.012345', '%c/%e %k:%i %l%p %f %h'), DATE_FORMAT('2024-03-22', '%D %H:%i:%s %p'), DATE_FORMAT('2024-03-11', '%D'), DATE_FORMAT('2024-12-31', '%j')")))
      .toEqual(['3/5 7:08 7AM 012345 07', '22nd 00:00:00 AM', '11th', '366']);
    // Weeks (calc_week): WEEK('2008-02-20') is 7 and WEEK('2008-02-20', 1) 8; WEEK('2008-12-31', 1) 53; 2000-01-01 is week 0 (%U), week 52 of 1999 (%V %X); ISO 2008-12-31 is week 1 of 2009.
    expect(row(s.execute("SELECT DATE_FORMAT('2008-02-20', '%U %u %V %v'), DATE_FORMAT('2008-12-31', '%U %u %v %x'), DATE_FORMAT('2000-01-01', '%U %V %X %u %v %x')")))
      .toEqual(['07 08 07 08', '52 53 01 2009', '00 52 1999 00 52 1999']);
    // An unknown specifier gives its letter, %% a percent sign, a final % itself.
    expect(row(s.execute("SELECT DATE_FORMAT('2024-01-02', '%Q|%%|%'), DATE_FORMAT('2024-01-02', 'no specifier'), DATE_FORMAT(20240102, '%d.%m.%Y')"))).toEqual(['Q|%|%', 'no specifier', '02.01.2024']);
    expect(row(s.execute("SELECT DATE_FORMAT(NULL, '%Y'), DATE_FORMAT('2024-01-02', NULL), DATE_FORMAT('not a date', '%Y'), DATE_FORMAT('2024-02-30', '%Y')"))).toEqual([null, null, null, null]);
    expect(error(s.execute("SELECT DATE_FORMAT('2024-01-02')"))).toBe("1582 (42000): Incorrect parameter count in the call to native function 'DATE_FORMAT'");
  });
});

describe('string comparisons in MySQL\'s collations', () => {
  it('literals, system variables and CASE compare as utf8mb4_0900_ai_ci does: ignoring case', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT 'a' = 'A', 'a' <> 'A', 'abc' < 'ABD', 'b' IN ('A', 'B'), 'b' NOT IN ('A', 'B'), 'b' BETWEEN 'A' AND 'C', 'a' LIKE 'A', CASE 'on' WHEN 'ON' THEN 1 ELSE 0 END")))
      .toEqual(['1', '0', '1', '1', '0', '1', '1', '1']);
    expect(row(s.execute("SELECT @@global.group_replication_exit_state_action = 'read_only', 'read_only' = @@group_replication_exit_state_action, @@version LIKE '8.0%'"))).toEqual(['1', '1', '1']);
  });

  it('BINARY and COLLATE utf8mb4_bin compare byte by byte, on either side; a collation not mapped is ER_NOT_SUPPORTED_YET', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT BINARY 'a' = 'A', 'a' = BINARY 'A', BINARY('a') = 'a', 'a' COLLATE utf8mb4_bin = 'A', 'a' = 'A' COLLATE utf8mb4_bin, 'a' COLLATE utf8mb4_general_ci = 'A', 'a' = 'A' COLLATE 'utf8mb4_0900_as_cs'")))
      .toEqual(['0', '0', '1', '0', '0', '1', '0']);
    expect(error(s.execute("SELECT 'a' COLLATE latin1_swedish_ci = 'A'"))).toBe("1235 (42000): This version of MySQL doesn't yet support 'COLLATE latin1_swedish_ci'");
  });

  it('replication_group_members: MEMBER_STATE, MEMBER_ROLE, MEMBER_ID are utf8mb4_bin as MySQL declares them, so \'online\' matches no row; CHANNEL_NAME and the variables tables ignore case', async () => {
    const { s } = await session();
    const count = (where: string): string | null => row(s.execute(`SELECT COUNT(*) FROM performance_schema.replication_group_members WHERE ${where}`))[0]!;
    expect(["MEMBER_STATE = 'ONLINE'", "MEMBER_STATE = 'online'", "'online' = member_state", "member_state IN ('online', 'recovering')", "member_state LIKE 'onl%'",
      "member_state LIKE 'ONL%'", "member_state NOT LIKE 'onl%'", "member_role = 'primary'", "member_state COLLATE utf8mb4_0900_ai_ci = 'online'", "LOWER(member_state) = 'online'",
      "CHANNEL_NAME = 'GROUP_REPLICATION_APPLIER'", "channel_name LIKE 'GROUP%'"].map(count))
      .toEqual(['3', '0', '0', '0', '0', '3', '3', '0', '3', '3', '3', '3']);
    expect(row(s.execute("SELECT COUNT(*) FROM performance_schema.replication_group_members m WHERE m.member_state LIKE 'onl%'"))).toEqual(['0']);
    // LIKE shares the comparisons' precedence level, left-associative: ('ONLINE' = MEMBER_STATE) LIKE '1'.
    expect(count("'ONLINE' = MEMBER_STATE LIKE '1'")).toBe('3');
    expect(row(s.execute("SELECT COUNT(*), SUM(BINARY VARIABLE_NAME = 'SERVER_UUID') FROM performance_schema.global_variables WHERE VARIABLE_NAME = 'SERVER_UUID'"))).toEqual(['1', '0']);
  });

  it('a user table\'s text columns ignore case unless declared _bin, BINARY or CHARACTER SET binary: =, LIKE, ORDER BY, GROUP BY, DISTINCT and UNIQUE', async () => {
    const { sim, s } = await session();
    const run = (sql: string) => { const o = s.execute(sql); sim.runFor('2s'); return o.kind === 'pending' ? o.poll() : o; };
    expect(run('CREATE DATABASE app')).toMatchObject({ kind: 'ok' });
    expect(run('CREATE TABLE app.t (id INT PRIMARY KEY, name VARCHAR(20) UNIQUE, code VARCHAR(10) COLLATE utf8mb4_bin, tag CHAR(3) BINARY, raw VARCHAR(3) CHARACTER SET binary)')).toMatchObject({ kind: 'ok' });
    expect(run("INSERT INTO app.t VALUES (1, 'Alice', 'AbC', 'XyZ', 'q'), (2, 'bob', 'abc', 'xyz', 'Q'), (3, 'carol', 'ABC', 'xyz', 'q')")).toMatchObject({ kind: 'ok', affectedRows: 3 });
    const ids = (where: string): (string | null)[] => { const o = s.execute(`SELECT id FROM app.t WHERE ${where} ORDER BY id`); return o.kind === 'rows' ? o.rows.map((r) => r[0]!) : [JSON.stringify(o)]; };
    expect(ids("name = 'ALICE'")).toEqual(['1']);
    expect(ids("name LIKE 'B%'")).toEqual(['2']);
    expect(ids("code = 'abc'")).toEqual(['2']);
    expect(ids("code LIKE 'a%'")).toEqual(['2']);
    expect(ids("tag = 'XYZ'")).toEqual([]);
    expect(ids("raw = 'q'")).toEqual(['1', '3']);
    expect(ids("BINARY name = 'alice'")).toEqual([]);
    expect(ids("BINARY name LIKE 'a%'")).toEqual([]);
    expect(ids("BINARY name LIKE 'A%'")).toEqual(['1']);
    expect(ids("BINARY name NOT LIKE 'A%'")).toEqual(['2', '3']);
    expect(ids("'ALICE' IN (SELECT name FROM app.t)")).toEqual(['1', '2', '3']);
    expect(ids("'abc' IN (SELECT code FROM app.t WHERE id = 1)")).toEqual([]);
    const col = (sql: string): (string | null)[] => { const o = s.execute(sql); return o.kind === 'rows' ? o.rows.map((r) => r[0]!) : [JSON.stringify(o)]; };
    expect(col('SELECT name FROM app.t ORDER BY name')).toEqual(['Alice', 'bob', 'carol']);
    expect(col('SELECT COUNT(*) FROM app.t GROUP BY code ORDER BY 1')).toEqual(['1', '1', '1']);
    expect(col('SELECT COUNT(DISTINCT tag) FROM app.t')).toEqual(['2']);
    expect(col('SELECT COUNT(*) FROM (SELECT DISTINCT code COLLATE utf8mb4_0900_ai_ci FROM app.t) d')).toEqual(['1']);
    // UNIQUE compares in the column's collation: 'ALICE' duplicates 'Alice' (ER_DUP_ENTRY).
    expect(run("INSERT INTO app.t VALUES (4, 'ALICE', 'x', 'x', 'x')")).toMatchObject({ kind: 'error', code: 1062 });
  });

  it('dump-style DDL with collations of other character sets: _ci ignores case, _bin and _cs do not; a name of no known form is ER_NOT_SUPPORTED_YET', async () => {
    const { sim, s } = await session();
    const run = (sql: string) => { const o = s.execute(sql); sim.runFor('2s'); return o.kind === 'pending' ? o.poll() : o; };
    expect(run('CREATE DATABASE d')).toMatchObject({ kind: 'ok' });
    expect(run('CREATE TABLE d.t (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10) CHARACTER SET ascii COLLATE ascii_bin) DEFAULT CHARSET=utf8 COLLATE=utf8_general_ci')).toMatchObject({ kind: 'ok' });
    expect(run('CREATE TABLE d.u (id INT PRIMARY KEY, c VARCHAR(10)) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_general_cs')).toMatchObject({ kind: 'ok' });
    expect(run("INSERT INTO d.t VALUES (1, 'Abc', 'Abc')")).toMatchObject({ kind: 'ok' });
    expect(run("INSERT INTO d.u VALUES (1, 'Abc')")).toMatchObject({ kind: 'ok' });
    const count = (sql: string): string | null => { const o = s.execute(sql); return o.kind === 'rows' ? o.rows[0]![0]! : JSON.stringify(o); };
    expect(count("SELECT COUNT(*) FROM d.t WHERE a = 'abc'")).toBe('1');
    expect(count("SELECT COUNT(*) FROM d.t WHERE b = 'abc'")).toBe('0');
    expect(count("SELECT COUNT(*) FROM d.u WHERE c = 'abc'")).toBe('0');
    expect(run('CREATE TABLE d.v (id INT) COLLATE=weird')).toMatchObject({ kind: 'error', code: 1235 });
  });
});

describe('UNIX_TIMESTAMP(t) out of range', () => {
  it('is 0 before 1970 and after 2038-01-19 03:14:07 UTC before 8.0.28, after 3001-01-18 from 8.0.28', async () => {
    const old = (await session(null, '8.0.20')).s, recent = (await session(null, '8.4')).s;
    const q = "SELECT UNIX_TIMESTAMP('1969-12-31 23:59:59'), UNIX_TIMESTAMP('2038-01-19 03:14:07'), UNIX_TIMESTAMP('2038-01-19 03:14:08'), UNIX_TIMESTAMP('3001-01-19')";
    expect(row(old.execute(q))).toEqual(['0', '2147483647', '0', '0']);
    expect(row(recent.execute(q))).toEqual(['0', '2147483647', '2147483648', '0']);
  });
});

describe('DATE_ADD, DATE_SUB, ADDDATE, SUBDATE', () => {
  it('add INTERVAL n unit (the manual\'s examples), on the virtual clock too; compound units and `t - INTERVAL …` are not supported (1235), not a syntax error', async () => {
    const { sim, s } = await session();
    expect(row(s.execute("SELECT DATE_ADD('2018-05-01', INTERVAL 1 DAY), DATE_SUB('2018-05-01', INTERVAL 1 YEAR), DATE_ADD('2020-12-31 23:59:59', INTERVAL 1 SECOND), DATE_SUB('2025-01-01 00:00:00', INTERVAL 1 SQL_TSI_DAY), ADDDATE('2008-01-02', 31), SUBDATE('2008-01-02', INTERVAL 31 DAY)")))
      .toEqual(['2018-05-02', '2017-05-01', '2021-01-01 00:00:00', '2024-12-31 00:00:00', '2008-02-02', '2007-12-02']);
    const fiveMinutesAgo = new Date(Math.floor((sim.startEpochUs + sim.nowUs) / 1000) - 300_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(row(s.execute('SELECT DATE_SUB(NOW(), INTERVAL 2 + 3 MINUTE), DATE_ADD(NULL, INTERVAL 1 DAY), DATE_ADD(NOW(), INTERVAL NULL DAY)'))).toEqual([fiveMinutesAgo, null, null]);
    expect(error(s.execute('SELECT DATE_ADD(NOW(), INTERVAL 1 DAY_HOUR)'))).toBe("1235 (42000): This version of MySQL doesn't yet support 'INTERVAL … DAY_HOUR'");
    expect(error(s.execute('SELECT NOW() - INTERVAL 5 MINUTE'))).toBe("1235 (42000): This version of MySQL doesn't yet support 'INTERVAL arithmetic'");
    expect(error(s.execute('SELECT DATE_ADD(NOW(), INTERVAL 1 FORTNIGHT)'))).toMatch(/^1064 /);
    expect(error(s.execute('SELECT DATE_ADD(NOW(), 1)'))).toMatch(/^1064 /);
  });
});

describe('wrong calls get MySQL\'s errors, never a misleading one', () => {
  it('a native function with the wrong number of arguments: ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT (1582) naming it as written', async () => {
    const { s } = await session();
    for (const call of ["LPAD('a', 3)", 'GREATEST(1)', 'least(1)', 'UNIX_TIMESTAMP(1, 2)', "INSTR('a')", "LOCATE('a')", "SUBSTRING_INDEX('a', 'b')", 'LENGTH()']) {
      const name = call.slice(0, call.indexOf('('));
      expect(error(s.execute(`SELECT ${call}`)), call).toBe(`1582 (42000): Incorrect parameter count in the call to native function '${name}'`);
    }
  });

  it('a function of the grammar with the wrong arguments, or TIMESTAMPDIFF with no unit keyword: a syntax error (1064), not 1054', async () => {
    const { s } = await session();
    for (const call of ["LEFT('a')", "REPLACE('a', 'b')", "REPEAT('a')", "TIMESTAMPDIFF(SECOND, '2024-01-01')", "TIMESTAMPDIFF(FORTNIGHT, '2024-01-01', NOW())", "TIMESTAMPADD('SECOND', 1, NOW())"]) {
      expect(error(s.execute(`SELECT ${call}`)), call).toMatch(/^1064 \(42000\): You have an error in your SQL syntax/);
    }
  });

  it('schema.name() calls a stored function: ER_SP_DOES_NOT_EXIST (1305); the sys schema\'s own functions are not supported (1235)', async () => {
    const { s } = await session();
    expect(error(s.execute('SELECT sys.nosuch()'))).toBe('1305 (42000): FUNCTION sys.nosuch does not exist');
    expect(error(s.execute("SELECT nodb.f(1, 'x')"))).toBe('1305 (42000): FUNCTION nodb.f does not exist');
    expect(error(s.execute('SELECT sys.format_time(1000)'))).toBe("1235 (42000): This version of MySQL doesn't yet support 'function sys.format_time'");
    // The engine's own helpers answer as MySQL does for an unknown function of the current database.
    expect(error(s.execute('SELECT __now(0)'))).toBe('1046 (3D000): No database selected');
  });
});

describe('information_schema', () => {
  it('SCHEMATA lists what SHOW DATABASES lists, a database created through the group included', async () => {
    const { sim, s } = await session();
    const shown = (): (string | null)[] => { const o = s.execute('SHOW DATABASES'); return o.kind === 'rows' ? o.rows.map((r) => r[0]!) : []; };
    const schemata = (): (string | null)[] => { const o = s.execute('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY 1'); return o.kind === 'rows' ? o.rows.map((r) => r[0]!) : []; };
    expect(shown()).toContain('information_schema');
    expect(schemata()).toEqual(shown());
    const created = s.execute('CREATE DATABASE app');
    sim.runFor('2s');
    expect(created.kind === 'pending' ? created.poll() : created).toMatchObject({ kind: 'ok' });
    expect(shown()).toContain('app');
    expect(schemata()).toEqual(shown());
    expect(row(s.execute("SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.schemata WHERE schema_name = 'app'"))).toEqual(['utf8mb4', 'utf8mb4_0900_ai_ci']);
  });

  it('SCHEMATA shows a database as soon as its commit is applied, even with no event since the last statement', async () => {
    const { sim, engine, s } = await session();
    const other = engine.openSession('node1', 'root', null);
    const created = s.execute('CREATE DATABASE ops');
    sim.runFor('2s');
    // Another session reads first: the tables are rebuilt for this instant, before the commit is applied.
    expect(row(other.execute("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ops'"))).toEqual(['0']);
    expect(created.kind === 'pending' ? created.poll() : created).toMatchObject({ kind: 'ok' });
    expect(row(other.execute("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'ops'"))).toEqual(['1']);
  });

  it('PLUGINS shows group_replication ACTIVE, as installation checks read it; USE information_schema works', async () => {
    const { s } = await session();
    expect(row(s.execute("SELECT PLUGIN_STATUS, PLUGIN_TYPE, PLUGIN_VERSION FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'group_replication'"))).toEqual(['ACTIVE', 'GROUP REPLICATION', '1.1']);
    expect(s.execute('USE information_schema').kind).toBe('ok');
    expect(row(s.execute("SELECT COUNT(*) FROM plugins WHERE plugin_name = 'group_replication'"))).toEqual(['1']);
  });

  it('a table MySQL 8.0 has and the engine does not serve is ER_NOT_SUPPORTED_YET; one MySQL 8.0 does not have is ER_UNKNOWN_TABLE (1109)', async () => {
    const { s } = await session();
    expect(error(s.execute('SELECT * FROM information_schema.tables'))).toBe("1235 (42000): This version of MySQL doesn't yet support 'information_schema.TABLES'");
    expect(error(s.execute("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'UPTIME'"))).toBe("1109 (42S02): Unknown table 'GLOBAL_STATUS' in information_schema");
    expect(error(s.execute('INSERT INTO information_schema.plugins VALUES (1)'))).toMatch(/^1235 /);
  });
});

describe('over the wire protocol', () => {
  const cleanup = cleanupAfterEach();

  it('mysql2 gets the functions\' values on virtual time, and 1305 for sys.nosuch()', async () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
    const handle = cleanup.closing(await serve(sim, { portBase: 0, testDriven: true }));
    await handle.advance('10s');
    const c = cleanup.client(await createConnection({ host: '127.0.0.1', port: handle.ports.node1!, user: 'root', password: '', connectTimeout: 10_000 }));
    c.on('error', () => {});
    const [rows] = await c.query<RowDataPacket[]>("SELECT TIMESTAMPDIFF(SECOND,'2024-01-01',NOW()) AS s, UNIX_TIMESTAMP() AS u, LPAD(@@port, 6, '0') AS p, SUBSTRING_INDEX(@@hostname, '.', 1) AS h, (SELECT PLUGIN_STATUS FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'group_replication') AS gr");
    const now = Math.floor((sim.startEpochUs + sim.nowUs) / 1e6);
    expect(rows[0]).toEqual({
      s: now - Date.UTC(2024, 0, 1) / 1000, u: now, p: String(sim.member('node1').port).padStart(6, '0'), h: sim.member('node1').host.split('.')[0], gr: 'ACTIVE',
    });
    const e = await rejection(c.query('SELECT sys.nosuch()'));
    expect([e.errno, e.sqlState, e.message]).toEqual([1305, '42000', 'FUNCTION sys.nosuch does not exist']);
  });

  it.skipIf(MARIADB === undefined)('the mysql command-line client prints the same answers', async () => {
    const sim = createSimulation({ seed: 3, members: ['node1', 'node2', 'node3'] });
    const handle = cleanup.closing(await serve(sim, { portBase: 0, testDriven: true }));
    const args = ['--protocol=TCP', '-h', '127.0.0.1', '-P', String(handle.ports.node2), '-u', 'root', '--skip-ssl', '--batch', '-N'];
    const ok = await runProcess(MARIADB!, [...args, '-e', "SELECT GREATEST(3, 7, 5), RIGHT('node2', 1), TIMESTAMPADD(DAY, 1, '2024-02-28')"]);
    expect(`${ok.code} ${ok.stderr}`).toBe('0 ');
    expect(ok.stdout).toBe('7\t2\t2024-02-29\n');
    const bad = await runProcess(MARIADB!, [...args, '-e', 'SELECT sys.nosuch()']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERROR 1305 (42000) at line 1: FUNCTION sys.nosuch does not exist');
  });
});
